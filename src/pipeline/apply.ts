/**
 * Stage 6: make the plan real. Backup first (verified), then one atomic write,
 * all while the caller holds the config's lock.
 * Nothing happens when the plan has no change: no backup, no write.
 */
import { appendFileSync } from 'node:fs';
import { createBackup, type BackupPlace } from '../system/backup.js';
import { removeLeftovers, writeAtomically } from '../system/atomic-write.js';
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
  faultLog('backed up');
  // The caller holds the config's lock: temp files beside it are from killed runs.
  await removeLeftovers(target.file);
  // A new file is private (0600); an existing one keeps the mode its owner chose.
  await writeAtomically(target.file, plan.next, { mode: target.mode ?? 0o600, folderMode: 0o700 });
  faultLog('renamed');
  return { written: true, backup };
}

/**
 * Test only: with $ROBO_TEST_FAULT_LOG naming a file, a line there marks each
 * step, so the fault-injection test knows a SIGKILL landed between backup and
 * rename (test/fault-injection.test.ts). Synchronous, so the line is written before the next step starts.
 */
function faultLog(step: string): void {
  const file = process.env.ROBO_TEST_FAULT_LOG;
  if (file) appendFileSync(file, `${step}\n`);
}
