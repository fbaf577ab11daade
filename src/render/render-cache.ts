/**
 * robo's one result cache ($XDG_CACHE_HOME/robo/rendered/<team>): the block
 * rendered from a commit and its warnings, keyed on source, commit, team and
 * build. A block read back is used only if the renderer could have written
 * it; anything odd is a miss, never an error.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_ID } from '../version.js';
import { isProblem, type Problem } from '../validate/problems.js';
import { profilesOfBlock } from './render.js';

/** A rendered block: the text robo writes between its markers, its profiles, and other teams' problems. */
export interface Rendered {
  team: string;
  text: string;
  profiles: string[];
  warnings: Problem[];
}

export interface RenderKey {
  /** The source's URL, the commit and the team; the build is added here. */
  url: string;
  commit: string;
  team: string;
}

const NON_ASCII = /[\x80-\xff]/;

function entryFile(cacheDir: string, team: string): string {
  return path.join(cacheDir, 'rendered', team);
}

/** The block last rendered for this team from this source, and its commit; undefined when there is none this build can use. */
export function readRendered(
  cacheDir: string,
  team: string,
  url: string,
): { commit: string; rendered: Rendered } | undefined {
  try {
    // Bytes, not text: the block is checked as the bytes it would put in the config.
    const content = readFileSync(entryFile(cacheDir, team));
    const newline = content.indexOf(0x0a);
    if (newline === -1) return undefined;
    const about = JSON.parse(content.subarray(0, newline).toString('utf8')) as Partial<RenderKey> & {
      version?: unknown;
      warnings?: unknown;
    };
    const bytes = content.subarray(newline + 1);
    if (
      about.version !== BUILD_ID ||
      about.url !== url ||
      about.team !== team ||
      typeof about.commit !== 'string' ||
      !/^[0-9a-f]{40,64}$/.test(about.commit) ||
      !Array.isArray(about.warnings) ||
      !about.warnings.every(isProblem)
    )
      return undefined;
    const view = bytes.toString('latin1');
    const profiles = profilesOfBlock(view, team);
    // Checked bytes are valid UTF-8, so this text becomes exactly these bytes again when planned;
    // without a micro sign they are ASCII, and the latin1 view is already that text.
    const text = NON_ASCII.test(view) ? bytes.toString('utf8') : view;
    return profiles && { commit: about.commit, rendered: { team, text, profiles, warnings: about.warnings } };
  } catch {
    return undefined;
  }
}

/** Keep `rendered` for `key`, replacing the team's last entry. A cache that cannot be written only costs the next run. */
export async function writeRendered(cacheDir: string, key: RenderKey, rendered: Rendered): Promise<void> {
  const file = entryFile(cacheDir, key.team);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const about = { version: BUILD_ID, url: key.url, commit: key.commit, team: key.team, warnings: rendered.warnings };
    await writeFile(temp, Buffer.from(`${JSON.stringify(about)}\n${rendered.text}`, 'utf8'));
    await rename(temp, file);
  } catch {
    // The next run renders again.
  }
}
