/**
 * Backups of the AWS config before robo changes it: awsconfig-<32 hex> in $ROBO_BACKUP_DIR (or /tmp), 0600,
 * complete or absent even if robo is killed, then recorded in backups.jsonl: aws.backups and aws.restore
 * trust only a file that matches its record, as /tmp is open to every user (docs/config-file.md).
 */
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { RoboError, WriteError, messageOf } from '../errors.js';
import { TEAM_NAME } from '../definitions/model.js';
import { teamOfBlock } from '../plan/block.js';
import { randomHex, sha256 } from '../system/crypto.js';
import { readIfExists } from '../system/fs.js';
import { removeLeftovers, writeAtomically } from '../system/atomic-write.js';
import { withLock } from '../system/lock.js';

export const BACKUP_PREFIX = 'awsconfig-';
export const BACKUP_NAME = new RegExp(`^${BACKUP_PREFIX}[0-9a-f]{32}$`);
const TEAM_MARKER_START = Buffer.from('# >>> robo aws.config - team ', 'latin1');

export interface BackupPlace {
  backupDir: string;
  /** robo's state folder, where the record of each backup is kept. */
  stateDir: string;
}

/** Back up `content`, the config `target` (the file really written) as it is now; returns the backup's path. */
export async function createBackup(content: Buffer, target: string, place: BackupPlace): Promise<string> {
  const file = await writeBackup(content, place.backupDir);
  const team = teamOf(content);
  try {
    await addRecord(place.stateDir, {
      backup: file,
      target,
      team,
      time: new Date().toISOString(),
      size: content.length,
      sha256: sha256(content),
    });
  } catch (error) {
    await unlink(file).catch(() => {});
    if (error instanceof RoboError && !(error instanceof WriteError)) throw error; // busy: exit 8, as for the config's lock
    throw new WriteError(
      `cannot record the backup of the aws config in ${recordsFile(place.stateDir)}: ${messageOf(error)}; nothing was changed`,
      { cause: error },
    );
  }
  return file;
}

/**
 * The team in the first line that starts with robo's start marker, or null.
 * Searched in the bytes: only the marker lines are decoded, not a whole
 * 20,000-line config. A line starts after \n or \r, as for a /m regex.
 */
function teamOf(content: Buffer): string | null {
  for (let at = content.indexOf(TEAM_MARKER_START); at !== -1; at = content.indexOf(TEAM_MARKER_START, at + 1)) {
    if (at > 0 && content[at - 1] !== 10 && content[at - 1] !== 13) continue;
    const team = teamOfBlock(content.subarray(at, lineEnd(content, at)).toString('latin1'));
    if (team !== undefined) return team;
  }
  return null;
}

function lineEnd(content: Buffer, at: number): number {
  const lf = content.indexOf(10, at);
  const cr = content.indexOf(13, at);
  return Math.min(lf === -1 ? content.length : lf, cr === -1 ? content.length : cr);
}

async function writeBackup(content: Buffer, backupDir: string): Promise<string> {
  const id = randomHex(16);
  const file = path.join(backupDir, `${BACKUP_PREFIX}${id}`);
  const partial = path.join(backupDir, `.${BACKUP_PREFIX}${id}.partial`);
  try {
    await mkdir(backupDir, { recursive: true, mode: 0o700 });
    const handle = await open(
      partial,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await handle.writeFile(content);
      await handle.chmod(0o600); // the umask cannot widen it, but be explicit
      await handle.sync();
    } finally {
      await handle.close();
    }
    const copy = await readFile(partial);
    if (!copy.equals(content)) throw new Error('the copy read back differs from the config');
    await link(partial, file);
  } catch (error) {
    throw new WriteError(`cannot back up the aws config to ${file}: ${messageOf(error)}; nothing was changed`, {
      cause: error,
    });
  } finally {
    await unlink(partial).catch(() => {});
  }
  return file;
}

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
async function addRecord(stateDir: string, record: BackupRecord): Promise<void> {
  const file = recordsFile(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await withLock(file, "robo's record of backups", async (lock) => {
    await removeLeftovers(file);
    const present = await Promise.all(
      (await readRecords(stateDir)).map(async (kept) => ((await backupGone(kept.backup)) ? undefined : kept)),
    );
    const records = [...present.filter((kept): kept is BackupRecord => kept !== undefined), record];
    if (lock.compromised) throw new WriteError(`lost the lock on ${file} (${lock.compromised.message})`);
    await writeAtomically(file, Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join('')), {
      mode: 0o600,
      folderMode: 0o700,
    });
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
