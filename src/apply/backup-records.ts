/**
 * robo's record of its backups ($XDG_STATE_HOME/robo/backups.jsonl, one JSON
 * object a line): aws.backups and aws.restore trust only a file that matches one
 * (/tmp is open to every user). Rewritten under its own lock, dropping the gone.
 */
import { lstat, mkdir } from 'node:fs/promises';
import { readIfExists } from '../system/fs.js';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';
import { TEAM_NAME } from '../definitions/model.js';
import { removeLeftovers, writeAtomically } from '../system/atomic-write.js';
import { withLock } from '../system/lock.js';

export interface BackupRecord {
  /** The backup file (absolute). */
  backup: string;
  /** The config it is a copy of: the file really written (symlinks followed), as locks and writes name it. */
  target: string;
  /** The team of robo's block in the copy; null for a config robo had not written. */
  team: string | null;
  /** When it was made (ISO 8601, UTC). */
  time: string;
  size: number;
  sha256: string;
}

export function recordsFile(stateDir: string): string {
  return path.join(stateDir, 'backups.jsonl');
}

/** The records in a records file's text, oldest first; a line that is not a whole, valid record is skipped. */
export function parseRecords(text: string): BackupRecord[] {
  const records: BackupRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (isRecord(value))
      records.push({
        backup: value.backup,
        target: value.target,
        team: value.team,
        time: value.time,
        size: value.size,
        sha256: value.sha256,
      });
  }
  return records;
}

function isRecord(value: unknown): value is BackupRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.backup === 'string' &&
    path.isAbsolute(record.backup) &&
    typeof record.target === 'string' &&
    path.isAbsolute(record.target) &&
    (record.team === null || (typeof record.team === 'string' && TEAM_NAME.test(record.team))) &&
    typeof record.time === 'string' &&
    !Number.isNaN(Date.parse(record.time)) &&
    Number.isSafeInteger(record.size) &&
    (record.size as number) >= 0 &&
    typeof record.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(record.sha256)
  );
}

export function formatRecords(records: readonly BackupRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/** robo's records, oldest first; none when robo has made no backup yet. */
export async function readRecords(stateDir: string): Promise<BackupRecord[]> {
  const file = recordsFile(stateDir);
  const text = await readIfExists(
    file,
    'utf8',
    (error) => new WriteError(`cannot read robo's record of backups ${file}: ${messageOf(error)}`, { cause: error }),
  );
  return text === undefined ? [] : parseRecords(text);
}

/** Add a record (call once the backup is complete), dropping those whose backup is gone. */
export async function addRecord(stateDir: string, record: BackupRecord): Promise<void> {
  const file = recordsFile(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await withLock(file, "robo's record of backups", async (lock) => {
    await removeLeftovers(file);
    const present = await Promise.all(
      (await readRecords(stateDir)).map(async (kept) => ((await backupGone(kept.backup)) ? undefined : kept)),
    );
    const records = [...present.filter((kept): kept is BackupRecord => kept !== undefined), record];
    if (lock.compromised) throw new WriteError(`lost the lock on ${file} (${lock.compromised.message})`);
    await writeAtomically(file, Buffer.from(formatRecords(records)), { mode: 0o600, folderMode: 0o700 });
  });
}

/** Only a backup that is certainly not there (ENOENT) loses its record; a folder robo cannot read keeps it. */
async function backupGone(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
