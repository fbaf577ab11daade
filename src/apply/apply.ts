/**
 * Stage 6, the only place the config is written (aws.config, aws.remove,
 * aws.restore): under its lock the file is read again, planned again if it
 * changed, backed up and replaced by one atomic rename. No change: no write.
 */
import { WriteError } from '../errors.js';
import type { RoboPaths } from '../paths.js';
import { createBackup, type BackupPlace } from './backup.js';
import { removeLeftovers, writeAtomically } from '../system/atomic-write.js';
import { lockPath, withLock } from '../system/lock.js';
import { readTarget, type Target } from './target.js';
import { testLog } from '../system/test-log.js';
import type { Plan } from '../plan/plan.js';

export interface Applied {
  written: boolean;
  /** Where the previous config was copied; undefined when there was none or nothing changed. */
  backup: string | undefined;
}

/**
 * Apply `first` to the config `file` (resolveTarget of paths.targetFile) under
 * its lock; if the file's bytes changed since `first` was planned, `replan`
 * plans again. Returns the plan applied and what was written.
 */
export async function applyUnderLock<P extends Plan>(
  paths: Pick<RoboPaths, 'cacheDir' | 'targetFile'> & BackupPlace,
  file: string,
  first: P,
  replan: (current: Target) => P,
): Promise<{ plan: P; applied: Applied }> {
  return withLock(lockPath(paths.cacheDir, 'target', file), paths.targetFile, async (lock) => {
    const current = await readTarget(paths.targetFile, file);
    const plan = sameBytes(current.content, first.target.content) ? { ...first, target: current } : replan(current);
    if (lock.compromised)
      throw new WriteError(`lost the lock on ${paths.targetFile} (${lock.compromised.message}); nothing was written`);
    return { plan, applied: await applyPlan(plan, paths) };
  });
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

export async function applyPlan(plan: Plan, place: BackupPlace): Promise<Applied> {
  if (!plan.changed) return { written: false, backup: undefined };
  const { target } = plan;
  // The backup is complete and recorded before the config is touched (system/backup.ts).
  const backup = target.content === undefined ? undefined : await createBackup(target.content, target.file, place);
  testLog('backed up'); // test only: fault-injection.test.ts counts kills between these two lines
  // The caller holds the config's lock: temp files beside it are from killed runs.
  await removeLeftovers(target.file);
  // A new file is private (0600); an existing one keeps the mode its owner chose.
  await writeAtomically(target.file, plan.next, { mode: target.mode ?? 0o600, folderMode: 0o700 });
  testLog('renamed');
  return { written: true, backup };
}
