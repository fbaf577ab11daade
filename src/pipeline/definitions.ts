/**
 * Stage 2: load the definition files of a dotfiles checkout as text.
 *
 * Layout of a dotfiles repo (documented in the README):
 *   organization.json      the organisation: Okta, hub, region, accounts
 *   teams/<team>.json      one file per team
 * Parsing and checking happen in validate.ts; this module only reads.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SourceError, messageOf } from '../errors.js';

export const ORGANIZATION_FILE = 'organization.json';
export const TEAMS_DIR = 'teams';
/** Definition files larger than this are refused unread: real ones are a few KiB. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** More team files than this is not an organisation, it is an attack or an accident. */
export const MAX_TEAMS = 10_000;

export interface DefinitionFile {
  /** Path relative to the checkout, with forward slashes: what messages show. */
  file: string;
  /** The content; empty when the file was refused unread. */
  text: string;
  size: number;
  /** Why the file was not read: too large, or a symbolic link. */
  refused?: string;
}

export interface Definitions {
  /** Absolute path of the checkout the files came from. */
  root: string;
  organization: DefinitionFile | undefined;
  /** Every team in teams/ (file names without .json), sorted. */
  teamNames: string[];
  /** Team name → file, for the teams that were read (all, unless loadDefinitions was given `only`). */
  teams: Map<string, DefinitionFile>;
}

/** Read organization.json and the team files: all of them, or only the teams named in `only`. */
export async function loadDefinitions(root: string, only?: readonly string[]): Promise<Definitions> {
  const organization = await readOptional(root, ORGANIZATION_FILE);
  const teams = new Map<string, DefinitionFile>();
  let entries: string[];
  try {
    entries = await readdir(path.join(root, TEAMS_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SourceError(`cannot read ${path.join(root, TEAMS_DIR)}: ${messageOf(error)}`, { cause: error });
    }
    entries = [];
  }
  const teamNames = entries.filter((entry) => entry.endsWith('.json')).map((entry) => entry.slice(0, -'.json'.length)).sort();
  if (teamNames.length > MAX_TEAMS) {
    throw new SourceError(`${path.join(root, TEAMS_DIR)} holds ${teamNames.length} team files; robo refuses more than ${MAX_TEAMS}`);
  }
  const wanted = only ? teamNames.filter((name) => only.includes(name)) : teamNames;
  const files = await Promise.all(wanted.map((name) => readOptional(root, `${TEAMS_DIR}/${name}.json`)));
  wanted.forEach((name, index) => {
    const file = files[index];
    if (file) teams.set(name, file);
  });
  return { root, organization, teamNames: teamNames.filter((name) => !wanted.includes(name) || teams.has(name)), teams };
}

async function readOptional(root: string, file: string): Promise<DefinitionFile | undefined> {
  const full = path.join(root, file);
  try {
    // Refuse before reading: a 10 GB "team" must not exhaust memory, and a
    // link committed to the repo must not make robo read ~/.ssh or /etc.
    const info = await lstat(full);
    if (info.isSymbolicLink()) return { file, text: '', size: 0, refused: 'is a symbolic link; definition files must be regular files in the repo' };
    const { size } = info;
    if (size > MAX_FILE_BYTES) return { file, text: '', size, refused: `is ${size} bytes; definition files may be at most ${MAX_FILE_BYTES} bytes (1 MiB)` };
    const text = await readFile(full, 'utf8');
    return { file, text, size };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory named like a team file is not a team file.
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw new SourceError(`cannot read ${path.join(root, file)}: ${messageOf(error)}`, { cause: error });
  }
}
