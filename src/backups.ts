/**
 * robo's backups of the AWS config: list them, and put one back. Restoring is
 * itself a change to the config, so it backs up the current file first and
 * writes atomically under the same lock as aws.config.
 */
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, WriteError, messageOf } from './errors.js';
import { resolvePaths } from './paths.js';
import { writeAtomically } from './system/atomic-write.js';
import { BACKUP_PREFIX, createBackup } from './system/backup.js';
import { lockPath, withLock } from './system/lock.js';
import { readTarget, resolveTarget } from './system/target.js';

const BACKUP_NAME = new RegExp(`^${BACKUP_PREFIX}[0-9a-f]{32}$`);
const TEAM_MARKER = /^# >>> robo aws\.config - team ([a-z0-9_-]+) - /m;

export interface BackupInfo {
  path: string;
  modified: Date;
  size: number;
  /** The team of robo's block in that file; undefined for a config robo had not written. */
  team: string | undefined;
}

/** robo's backups in the backup dir, newest first. */
export async function listBackups(env: NodeJS.ProcessEnv): Promise<{ dir: string; backups: BackupInfo[] }> {
  const dir = resolvePaths(env).backupDir;
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => BACKUP_NAME.test(name));
  const found = await Promise.all(names.map((name) => describeBackup(path.join(dir, name))));
  const backups = found.filter((backup): backup is BackupInfo => backup !== undefined);
  backups.sort((a, b) => b.modified.getTime() - a.modified.getTime() || a.path.localeCompare(b.path));
  return { dir, backups };
}

async function describeBackup(file: string): Promise<BackupInfo | undefined> {
  try {
    const info = await lstat(file);
    if (!info.isFile()) return undefined; // a link or folder with a backup's name is not ours
    const handle = await open(file, 'r');
    try {
      // The marker is near the top; 4 KiB is plenty and keeps listing cheap.
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
      const team = TEAM_MARKER.exec(buffer.subarray(0, bytesRead).toString('latin1'))?.[1];
      return { path: file, modified: info.mtime, size: info.size, team };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

export interface RestoreResult {
  restored: string;
  target: string;
  /** Backup of the config as it was before the restore; undefined when there was none or nothing changed. */
  backup: string | undefined;
  changed: boolean;
}

export async function restoreBackup(options: { backup: string | undefined; env: NodeJS.ProcessEnv; cwd: string }): Promise<RestoreResult> {
  const paths = resolvePaths(options.env);
  let chosen = options.backup === undefined ? undefined : path.resolve(options.cwd, options.backup);
  if (chosen === undefined) {
    const { dir, backups } = await listBackups(options.env);
    if (backups.length === 0) throw new UsageError(`no robo backups in ${dir} (awsconfig-<32 hex>); nothing to restore`);
    chosen = backups[0]!.path;
  }
  if (!BACKUP_NAME.test(path.basename(chosen))) {
    throw new UsageError(`${chosen} is not a robo backup (awsconfig-<32 hex>); robo aws.backups lists them`);
  }
  let content: Buffer;
  try {
    const info = await lstat(chosen);
    if (!info.isFile()) throw new UsageError(`${chosen} is not a regular file; nothing was restored`);
    content = await readFile(chosen);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read backup ${chosen}: ${messageOf(error)}`);
  }
  const file = await resolveTarget(paths.targetFile);
  return withLock(lockPath(paths.cacheDir, 'target', file), paths.targetFile, async (lock) => {
    const current = await readTarget(paths.targetFile, file);
    if (current.content?.equals(content)) return { restored: chosen, target: paths.targetFile, backup: undefined, changed: false };
    const backup = current.content === undefined ? undefined : await createBackup(current.content, paths.backupDir);
    if (lock.compromised) throw new WriteError(`lost the lock on ${paths.targetFile}; nothing was restored`);
    await writeAtomically(current.file, content, { mode: current.mode ?? 0o600, folderMode: 0o700 });
    return { restored: chosen, target: paths.targetFile, backup, changed: true };
  });
}
