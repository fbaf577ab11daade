/**
 * Backups of the AWS config before robo changes it: $ROBO_BACKUP_DIR (or
 * /tmp)/awsconfig-<32 hex>, mode 0600, complete or absent even if robo is killed
 * (exclusive temp file, fsynced, read back, linked to its name), then recorded.
 */
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { RoboError, WriteError, messageOf } from '../errors.js';
import { addRecord, recordsFile } from './backup-records.js';
import { randomHex, sha256 } from '../system/crypto.js';

export const BACKUP_PREFIX = 'awsconfig-';
export const BACKUP_NAME = new RegExp(`^${BACKUP_PREFIX}[0-9a-f]{32}$`);
const TEAM_MARKER_START = Buffer.from('# >>> robo aws.config - team ', 'latin1');
const TEAM_MARKER = /^# >>> robo aws\.config - team ([a-z0-9_-]+) - /;

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
    const line = content.subarray(at, lineEnd(content, at)).toString('latin1');
    const team = TEAM_MARKER.exec(line)?.[1];
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
