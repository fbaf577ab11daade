/**
 * robo's backups of the AWS config: list them, and put one back through the
 * apply stage (current file backed up, one atomic write, same lock). Only a
 * backup matching robo's record counts (apply/backup.ts): a regular
 * file of yours, mode 0600, this config's, same sha256. Newest: last recorded.
 */
import { constants, realpathSync } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import { resolvePaths } from '../paths.js';
import { applyUnderLock } from '../apply/apply.js';
import type { Plan } from '../plan/plan.js';
import { BACKUP_NAME, readRecords, recordsFile, type BackupRecord } from '../apply/backup.js';
import { sha256 } from '../system/crypto.js';
import { readTarget, resolveTarget, type Target } from '../apply/target.js';

export interface BackupInfo {
  path: string;
  /** When robo made it, from its record. */
  time: Date;
  size: number;
  /** The team of robo's block in that file; undefined for a config robo had not written. */
  team: string | undefined;
}

interface CheckedBackup extends BackupInfo {
  content: Buffer;
}

/** Why a file is not a backup robo will restore, as words after "it". */
type Refusal = { refused: string };

/** robo's backups of the config, newest first; files that fail a check are left out. */
export async function listBackups(
  env: NodeJS.ProcessEnv,
): Promise<{ dir: string; target: string; backups: BackupInfo[] }> {
  const paths = resolvePaths(env);
  const { backups } = await checkedBackups(paths.targetFile, paths.stateDir);
  return { dir: paths.backupDir, target: paths.targetFile, backups: backups.map(({ content: _, ...info }) => info) };
}

async function checkedBackups(
  configured: string,
  stateDir: string,
): Promise<{ target: string; records: BackupRecord[]; backups: CheckedBackup[] }> {
  const target = await resolveTarget(configured);
  const records = await readRecords(stateDir);
  // The last record of a file is the one that counts (robo never reuses a name; this is only for hand-edited records).
  const latest = new Map(records.map((record) => [record.backup, record]));
  const ours = [...latest.values()].filter((record) => record.target === target).reverse();
  const checked = await Promise.all(ours.map((record) => checkBackup(record.backup, record, target)));
  return { target, records, backups: checked.filter((backup): backup is CheckedBackup => !('refused' in backup)) };
}

/**
 * Whether `file` is a backup robo made of `target` and still holds what robo
 * wrote, with its bytes. Read through one descriptor, opened without
 * following a link, so the bytes checked are the bytes restored.
 */
async function checkBackup(
  file: string,
  record: BackupRecord | undefined,
  target: string,
): Promise<CheckedBackup | Refusal> {
  if (!BACKUP_NAME.test(path.basename(file)))
    return { refused: 'is not a robo backup (awsconfig-<32 hex>); robo aws.backups lists them' };
  let handle;
  try {
    const info = await lstat(file);
    if (info.isSymbolicLink()) return { refused: 'is a symbolic link, not a backup robo made' };
    if (!info.isFile()) return { refused: 'is not a regular file' };
    // O_NONBLOCK: something swapped in for a fifo must not hang robo.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return { refused: `cannot be read: ${messageOf(error)}` };
  }
  try {
    const info = await handle.stat();
    const uid = process.getuid?.();
    if (!info.isFile()) return { refused: 'is not a regular file' };
    if (uid !== undefined && info.uid !== uid)
      return { refused: `belongs to uid ${info.uid}, not to you (uid ${uid}): robo's backups are yours` };
    const mode = info.mode & 0o7777;
    if (mode !== 0o600)
      return { refused: `has mode ${mode.toString(8).padStart(4, '0')}; robo makes its backups 0600` };
    if (!record)
      return {
        refused: `is not in robo's record of the backups it made; a backup robo made before it kept records can be copied back by hand (docs/config-file.md, "Restoring a backup")`,
      };
    if (record.target !== target) return { refused: `is a backup of ${record.target}, not of ${target}` };
    const changed = {
      refused: `changed since robo made it at ${record.time}: its size or sha256 differs from robo's record`,
    };
    if (info.size !== record.size) return changed;
    const content = await handle.readFile();
    if (content.length !== record.size || sha256(content) !== record.sha256) return changed;
    return { path: file, time: new Date(record.time), size: content.length, team: record.team ?? undefined, content };
  } catch (error) {
    return { refused: `cannot be read: ${messageOf(error)}` };
  } finally {
    await handle.close();
  }
}

/** The record of `file`, matched by name and by real folder (so /tmp and /private/tmp are one). */
function recordOf(file: string, records: readonly BackupRecord[]): BackupRecord | undefined {
  const real = (dir: string) => {
    try {
      return realpathSync(dir);
    } catch {
      return dir;
    }
  };
  const name = path.basename(file);
  const folder = real(path.dirname(file));
  return records.findLast(
    (record) => path.basename(record.backup) === name && real(path.dirname(record.backup)) === folder,
  );
}

export interface RestoreResult {
  restored: string;
  target: string;
  /** Backup of the config as it was before the restore; undefined when there was none or nothing changed. */
  backup: string | undefined;
  changed: boolean;
}

export async function restoreBackup(options: {
  backup: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<RestoreResult> {
  const paths = resolvePaths(options.env);
  const { target: file, records, backups } = await checkedBackups(paths.targetFile, paths.stateDir);
  let chosen: CheckedBackup;
  if (options.backup === undefined) {
    if (backups.length === 0)
      throw new UsageError(
        `no robo backups of ${paths.targetFile} (robo's record: ${recordsFile(paths.stateDir)}); nothing to restore`,
      );
    chosen = backups[0]!;
  } else {
    const named = path.resolve(options.cwd, options.backup);
    if (!BACKUP_NAME.test(path.basename(named)))
      throw new UsageError(`${named} is not a robo backup (awsconfig-<32 hex>); robo aws.backups lists them`);
    try {
      await lstat(named);
    } catch (error) {
      throw new UsageError(`cannot read backup ${named}: ${messageOf(error)}`);
    }
    const checked = await checkBackup(named, recordOf(named, records), file);
    if ('refused' in checked)
      throw new UsageError(`refusing to restore ${named}: it ${checked.refused}; nothing was restored`);
    chosen = checked;
  }
  const { path: restored, content } = chosen;
  // A restore is a plan like any other: the backup's bytes as the whole file, applied by the apply stage.
  const restoring = (current: Target): Plan => ({
    target: current,
    next: content,
    changed: !current.content?.equals(content),
    removed: [],
  });
  const first = restoring(await readTarget(paths.targetFile, file));
  const { applied } = await applyUnderLock(paths, file, first, restoring);
  return { restored, target: paths.targetFile, backup: applied.backup, changed: applied.written };
}
