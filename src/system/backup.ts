/**
 * Backups of the AWS config before robo changes it: /tmp/awsconfig-<32 hex>
 * (or $ROBO_BACKUP_DIR), mode 0600 because the config names accounts and
 * roles.
 *
 * A backup is complete or absent, even if robo is killed half way: the bytes
 * go to a hidden temp file first (created exclusively, never through a link),
 * are fsynced and read back, and only then get the backup's name with link(2),
 * which also refuses to replace anything already at that name. Only after
 * that is the config touched.
 */
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';
import { randomHex } from './crypto.js';

export const BACKUP_PREFIX = 'awsconfig-';

export async function createBackup(content: Buffer, backupDir: string): Promise<string> {
  const id = randomHex(16);
  const file = path.join(backupDir, `${BACKUP_PREFIX}${id}`);
  const partial = path.join(backupDir, `.${BACKUP_PREFIX}${id}.partial`);
  try {
    await mkdir(backupDir, { recursive: true, mode: 0o700 });
    const handle = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
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
    throw new WriteError(`cannot back up the aws config to ${file}: ${messageOf(error)}; nothing was changed`, { cause: error });
  } finally {
    await unlink(partial).catch(() => {});
  }
  return file;
}
