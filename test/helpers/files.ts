/** Snapshots of folders, to assert that a failed run changed nothing. */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** Every file, link and folder under dir with its mode and a hash of its content; {} when dir is missing. */
export function treeState(dir: string, include: (relative: string) => boolean = () => true): Record<string, string> {
  const state: Record<string, string> = {};
  if (!existsSync(dir)) return state;
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const rel = path.relative(dir, full);
      if (!include(rel)) continue;
      const info = lstatSync(full);
      const mode = (info.mode & 0o7777).toString(8);
      if (entry.isSymbolicLink()) state[rel] = `link ${readlinkSync(full)}`;
      else if (entry.isDirectory()) {
        state[rel] = `dir ${mode}`;
        walk(full);
      } else state[rel] = `file ${mode} ${sha256(readFileSync(full))}`;
    }
  };
  walk(dir);
  return state;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
