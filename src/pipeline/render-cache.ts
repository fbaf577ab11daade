/**
 * The block last rendered for a team from a git source, with the commit it
 * came from. Rendering depends on nothing but the commit's bytes, the team
 * and robo's version, so while the remote's ref is still at that commit a
 * warm run needs nothing else: not the clone's files, not the validation
 * record, not a hash. One file per team ($XDG_CACHE_HOME/robo/rendered/
 * <team>), replaced when the commit changes; written only after the commit
 * was validated and rendered. Its first line is JSON (what it was rendered
 * from, and the warnings), the rest the block itself, as written: nothing to
 * unescape. The reader checks that the renderer could have written the
 * block (profilesOfBlock), which also gives its profile names. Only an
 * optimisation: anything missing, unreadable or odd means the usual path.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_ID } from '../build-id.js';
import { isProblem, type Problem } from './problems.js';

export interface RenderedEntry {
  version: string;
  /** The source's URL, and its clone in the cache (which runs ls-remote). */
  url: string;
  dir: string;
  commit: string;
  team: string;
  /** The block's bytes, as they will be written; not yet checked (profilesOfBlock). */
  bytes: Buffer;
  /** Problems in other teams' files at this commit. */
  warnings: Problem[];
}

function entryFile(cacheDir: string, team: string): string {
  return path.join(cacheDir, 'rendered', team);
}

/** The entry for this team and source, if this build of robo wrote it. Synchronous: it is read before the run's one git call. */
export function readRenderCache(cacheDir: string, team: string, url: string): RenderedEntry | undefined {
  try {
    // Bytes, not text: the block is checked as the bytes it would put in the config.
    const content = readFileSync(entryFile(cacheDir, team));
    const newline = content.indexOf(0x0a);
    if (newline === -1) return undefined;
    const entry = {
      ...(JSON.parse(content.subarray(0, newline).toString('utf8')) as Partial<RenderedEntry>),
      bytes: content.subarray(newline + 1),
    };
    const clones = path.join(cacheDir, 'sources') + path.sep;
    const whole =
      entry.version === BUILD_ID &&
      entry.url === url &&
      entry.team === team &&
      typeof entry.dir === 'string' &&
      entry.dir.startsWith(clones) &&
      typeof entry.commit === 'string' &&
      /^[0-9a-f]{40,64}$/.test(entry.commit) &&
      Array.isArray(entry.warnings) &&
      entry.warnings.every(isProblem);
    return whole ? (entry as RenderedEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** Profile names are not stored: a reader takes them from the block itself. The block is written as UTF-8, as in the config. */
export async function writeRenderCache(
  cacheDir: string,
  entry: Omit<RenderedEntry, 'version' | 'bytes'> & { text: string },
): Promise<void> {
  const file = entryFile(cacheDir, entry.team);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const about = {
      version: BUILD_ID,
      url: entry.url,
      dir: entry.dir,
      commit: entry.commit,
      team: entry.team,
      warnings: entry.warnings,
    };
    await writeFile(temp, Buffer.from(`${JSON.stringify(about)}\n${entry.text}`, 'utf8'));
    await rename(temp, file);
  } catch {
    // The next run only takes the usual path.
  }
}
