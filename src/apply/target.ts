/**
 * Reading the AWS config robo is about to replace. A symlinked config (stow,
 * chezmoi, a dotfiles repo) is followed to the file it points to: that file
 * is read and later written, and the link itself stays.
 */
import { statSync } from 'node:fs';
import { lstat, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';

export interface Target {
  /** The path as configured ($AWS_CONFIG_FILE or ~/.aws/config). */
  path: string;
  /** The file that is really written: the symlink's final target, or path itself. */
  file: string;
  /** Current bytes; undefined when there is no file yet. */
  content: Buffer | undefined;
  /** Permission bits of the current file, kept on rewrite. */
  mode: number | undefined;
}

/** Read the config; `file` is resolveTarget(configured), passed in so a caller can lock it first. */
export async function readTarget(configured: string, file: string): Promise<Target> {
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new WriteError(`${file} is not a regular file`);
    const content = await readFile(file);
    return { path: configured, file, content, mode: info.mode & 0o7777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { path: configured, file, content: undefined, mode: undefined };
    if (error instanceof WriteError) throw error;
    throw new WriteError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
}

/** The file really written for a configured path: symlinks followed, including a dangling last link. */
export async function resolveTarget(file: string): Promise<string> {
  let current = file;
  for (let hops = 0; hops < 40; hops += 1) {
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new WriteError(`cannot read ${current}: ${messageOf(error)}`, { cause: error });
      // The file does not exist: resolve the folder's links so the temp file lands beside the real target.
      const parent = await realpath(path.dirname(current)).catch(() => path.dirname(current));
      return path.join(parent, path.basename(current));
    }
    if (!info.isSymbolicLink()) return realpath(current);
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw new WriteError(`${file}: too many levels of symbolic links`);
}
