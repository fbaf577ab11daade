/**
 * Backups of the AWS config before robo changes it: /tmp/awsconfig-<32 hex>
 * (or $ROBO_BACKUP_DIR). Created exclusively and without following links, so
 * a file or symlink planted at that name by someone else is never written
 * through; mode 0600 because the config names accounts and roles; read back
 * and compared before the config is touched.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';

export const BACKUP_PREFIX = 'awsconfig-';

export async function createBackup(content: Buffer, backupDir: string): Promise<string> {
  const file = path.join(backupDir, `${BACKUP_PREFIX}${randomBytes(16).toString('hex')}`);
  try {
    await mkdir(backupDir, { recursive: true, mode: 0o700 });
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(content);
      await handle.chmod(0o600); // the umask cannot widen it, but be explicit
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(file).catch(() => {});
    throw new WriteError(`cannot back up the aws config to ${file}: ${messageOf(error)}; nothing was changed`, { cause: error });
  }
  const copy = await readFile(file).catch(() => undefined);
  if (!copy || !copy.equals(content)) {
    throw new WriteError(`the backup ${file} does not match the aws config; nothing was changed`);
  }
  return file;
}
