/**
 * Stage 6: make the plan real. Backup first (verified), then one atomic write,
 * all while the caller holds the config's lock.
 * Nothing happens when the plan has no change: no backup, no write.
 */
import { createBackup, type BackupPlace } from '../system/backup.js';
import { removeLeftovers, writeAtomically } from '../system/atomic-write.js';
import { testLog } from '../system/test-log.js';
import type { Plan } from './plan.js';

export interface Applied {
  written: boolean;
  /** Where the previous config was copied; undefined when there was none or nothing changed. */
  backup: string | undefined;
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
