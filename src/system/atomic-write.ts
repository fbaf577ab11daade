/**
 * Replace a file atomically: write a temp file in the same folder, fsync,
 * rename over the target (write-file-atomic does these), then fsync the
 * folder so the rename itself survives a crash. Readers see the old bytes or
 * the new bytes, never a mix or an empty file.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';

export interface AtomicWriteOptions {
  /** Mode for the file; undefined keeps the existing file's mode. */
  mode: number | undefined;
  /** Create the folder with this mode if it is missing (~/.aws gets 0700). */
  folderMode: number;
}

/** Loaded on the first write only: a run that changes nothing never needs it (preloadAtomicWrite can start it early). */
const loadWriteFileAtomic = () => import('write-file-atomic');
export const preloadAtomicWrite = (): Promise<unknown> => loadWriteFileAtomic();

export async function writeAtomically(file: string, content: Buffer, options: AtomicWriteOptions): Promise<void> {
  const folder = path.dirname(file);
  try {
    await mkdir(folder, { recursive: true, mode: options.folderMode });
    const { default: writeFileAtomic } = await loadWriteFileAtomic();
    await writeFileAtomic(file, content, { mode: options.mode, fsync: true });
    await syncFolder(folder);
  } catch (error) {
    throw new WriteError(`cannot write ${file}: ${messageOf(error)}`, { cause: error });
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename already happened.
  } finally {
    await handle.close();
  }
}
