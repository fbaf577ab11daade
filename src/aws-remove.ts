/**
 * The aws.remove job: take robo's block out of the AWS config. The same
 * safety as aws.config: the whole new file is built in memory (plan),
 * then, under the config's lock, the current file is backed up and the new
 * one written atomically (apply). A dry run, or a config without a block,
 * writes nothing.
 */
import { WriteError } from './errors.js';
import { resolvePaths } from './paths.js';
import { applyPlan } from './pipeline/apply.js';
import { planRemoval } from './pipeline/remove.js';
import { lockPath, withLock } from './system/lock.js';
import { readTarget, resolveTarget } from './system/target.js';

export interface RemoveResult {
  /** The config as configured, and the file really written (differs for a symlink). */
  target: string;
  targetFile: string;
  /** False when there was no block (nothing to remove). */
  changed: boolean;
  dryRun: boolean;
  backup: string | undefined;
  /** The team of the block removed, and its profiles. */
  team: string | undefined;
  profiles: string[];
  /** The file before and after, for a diff (dry run only). */
  before?: Buffer;
  after?: Buffer;
}

export async function removeAwsConfig(options: { env: NodeJS.ProcessEnv; dryRun?: boolean }): Promise<RemoveResult> {
  const paths = resolvePaths(options.env);
  const file = await resolveTarget(paths.targetFile);
  const dryRun = options.dryRun ?? false;
  // Read and planned once outside the lock, so a broken file or a dry run fails or ends without waiting for it.
  const first = planRemoval(await readTarget(paths.targetFile, file));
  const base = {
    target: paths.targetFile,
    targetFile: file,
    dryRun,
    team: first?.team,
    profiles: first?.profiles ?? [],
  };
  if (!first) return { ...base, changed: false, backup: undefined };
  if (dryRun) return { ...base, changed: true, backup: undefined, before: first.target.content, after: first.next };
  return withLock(lockPath(paths.cacheDir, 'target', file), paths.targetFile, async (lock) => {
    // The file as it is now: another run may have written it since.
    const plan = planRemoval(await readTarget(paths.targetFile, file));
    if (!plan) return { ...base, changed: false, backup: undefined };
    if (lock.compromised)
      throw new WriteError(`lost the lock on ${paths.targetFile} (${lock.compromised.message}); nothing was written`);
    const applied = await applyPlan(plan, paths);
    return { ...base, team: plan.team, profiles: plan.profiles, changed: applied.written, backup: applied.backup };
  });
}
