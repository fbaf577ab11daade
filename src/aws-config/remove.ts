/**
 * The aws.remove job: robo's block taken out of the AWS config, planned in
 * memory (plan/remove.ts) and written by the apply stage, as aws.config
 * writes. A dry run, or a config without a block, writes nothing.
 */
import { resolvePaths } from '../paths.js';
import { applyUnderLock } from '../apply/apply.js';
import { planRemoval } from '../plan/remove.js';
import { readTarget, resolveTarget } from '../apply/target.js';

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
  // Another run may have taken the block out meanwhile: then there is nothing left to do.
  const { plan, applied } = await applyUnderLock(
    paths,
    file,
    first,
    (current) =>
      planRemoval(current) ?? { ...first, target: current, next: current.content ?? Buffer.alloc(0), changed: false },
  );
  return { ...base, team: plan.team, profiles: plan.profiles, changed: applied.written, backup: applied.backup };
}
