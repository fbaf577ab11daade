/**
 * Replace a file atomically: exclusive temp file in the same folder (never
 * through a link), fsync, rename, fsync the folder. Not write-file-atomic: it
 * follows a link planted at its predictable temp name, does not fsync the
 * folder, and its temp names could not be told apart and cleaned up.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';
import { randomHex } from './crypto.js';

export interface AtomicWriteOptions {
  /** Mode for the file; undefined keeps the existing file's mode. */
  mode: number | undefined;
  /** Create the folder with this mode if it is missing (~/.aws gets 0700). */
  folderMode: number;
  /**
   * false: no fsync of the file or the folder, only the rename. For output
   * robo can make again (iam.terraform's many files): readers still never see
   * half a file, and 1,000 files take 0.4 s instead of 9 s of fsyncs.
   */
  durable?: boolean;
}

const tempPrefix = (file: string) => `.${path.basename(file)}.robo-`;
/** Older than this, a temp file of robo's cannot be a live write (those take milliseconds). */
const LEFTOVER_MS = 60_000;

/**
 * Temp files that runs killed mid-write (SIGKILL, power loss) left beside
 * `file`: exactly robo's name for them, regular files, over a minute old.
 * Call only while holding the file's lock.
 */
export async function removeLeftovers(file: string): Promise<void> {
  const folder = path.dirname(file);
  const prefix = tempPrefix(file);
  const names = await readdir(folder).catch(() => [] as string[]);
  const ours = names.filter((name) => name.startsWith(prefix) && /^[0-9a-f]{16}\.tmp$/.test(name.slice(prefix.length)));
  await Promise.all(
    ours.map(async (name) => {
      const info = await lstat(path.join(folder, name)).catch(() => undefined);
      if (info?.isFile() && Date.now() - info.mtimeMs > LEFTOVER_MS)
        await unlink(path.join(folder, name)).catch(() => {});
    }),
  );
}

export async function writeAtomically(file: string, content: Buffer, options: AtomicWriteOptions): Promise<void> {
  const folder = path.dirname(file);
  const temp = path.join(folder, `${tempPrefix(file)}${randomHex(8)}.tmp`);
  let created = false;
  try {
    await mkdir(folder, { recursive: true, mode: options.folderMode });
    const existing = await stat(file).catch(() => undefined);
    const mode = options.mode ?? (existing ? existing.mode & 0o7777 : 0o600);
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
    created = true;
    try {
      await handle.writeFile(content);
      await handle.chmod(mode); // the umask cannot narrow what the owner chose
      // The file keeps its owner and group where this user may set them (as
      // write-file-atomic did): a group that reads the config keeps reading it.
      if (existing) await handle.chown(existing.uid, existing.gid).catch(() => {});
      if (options.durable !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    created = false;
    if (options.durable !== false) await syncFolder(folder);
  } catch (error) {
    if (created) await unlink(temp).catch(() => {});
    throw new WriteError(`cannot write ${file}: ${messageOf(error)}`, { cause: error });
  }
}

/** After the rename, so nothing here may fail the write: some folders cannot be opened or fsynced. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename already happened.
  } finally {
    await handle.close();
  }
}
