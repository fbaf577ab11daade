/**
 * What is at a path inside a checkout, for robo to read. Nothing is followed:
 * a committed symbolic link (at the file or a folder on the way) made robo
 * read and name files outside the repo. A local folder source may also hold
 * FIFOs and devices, which git cannot commit.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { DefinitionsError } from '../errors.js';

export type RepoEntry =
  | { kind: 'missing' }
  | { kind: 'file'; size: number }
  | { kind: 'directory' }
  /** Must not be read; reason says why, as "<path> is ..." reads. */
  | { kind: 'refused'; reason: string };

/** `relative` uses forward slashes (teams/x.json). Errors other than a missing path are thrown, for the caller to word. */
export async function inspectRepoPath(root: string, relative: string): Promise<RepoEntry> {
  const parts = relative.split('/');
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      throw error;
    }
    const last = index === parts.length - 1;
    if (info.isSymbolicLink()) {
      return {
        kind: 'refused',
        reason: last
          ? 'is a symbolic link'
          : `is inside ${parts.slice(0, index + 1).join('/')}, which is a symbolic link`,
      };
    }
    if (!last) {
      if (!info.isDirectory()) return { kind: 'missing' };
      continue;
    }
    if (!info.isFile() && !info.isDirectory())
      return { kind: 'refused', reason: 'is not a regular file (a FIFO, socket or device)' };
    // No link on the way, so this holds; checked all the same, as the promise is about where the bytes come from.
    const [real, realRoot] = await Promise.all([realpath(current), realpath(root)]);
    if (!real.startsWith(realRoot + path.sep))
      return { kind: 'refused', reason: `resolves outside the checkout (to ${real})` };
    return info.isFile() ? { kind: 'file', size: info.size } : { kind: 'directory' };
  }
  return { kind: 'missing' };
}

/**
 * The path of `relative` if it is a regular file of the checkout, undefined
 * if there is none; a link, a folder or anything else there is refused
 * (exit 3) unread. For robo.yml.
 */
export async function regularFileInRepo(root: string, relative: string): Promise<string | undefined> {
  const entry = await inspectRepoPath(root, relative);
  const full = path.join(root, relative);
  if (entry.kind === 'missing') return undefined;
  if (entry.kind === 'file') return full;
  throw new DefinitionsError(
    `${full} ${entry.kind === 'directory' ? 'is a folder' : entry.reason}; robo reads it only as a regular file of the repo`,
    [],
  );
}
