/**
 * Stage 2: load the definition files of a dotfiles checkout as text.
 *
 * Layout of a dotfiles repo (documented in the README):
 *   organization.json      the organisation: Okta, hub, region, accounts
 *   teams/<team>.json      one file per team
 * Parsing and checking happen in validate.ts; this module only reads.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SourceError, messageOf } from '../errors.js';

export const ORGANIZATION_FILE = 'organization.json';
export const TEAMS_DIR = 'teams';

export interface DefinitionFile {
  /** Path relative to the checkout, with forward slashes: what messages show. */
  file: string;
  text: string;
}

export interface Definitions {
  /** Absolute path of the checkout the files came from. */
  root: string;
  organization: DefinitionFile | undefined;
  /** Team name (file name without .json) → file, sorted by team name. */
  teams: Map<string, DefinitionFile>;
}

export async function loadDefinitions(root: string): Promise<Definitions> {
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
  const names = entries.filter((entry) => entry.endsWith('.json')).sort();
  const files = await Promise.all(names.map((name) => readOptional(root, `${TEAMS_DIR}/${name}`)));
  names.forEach((name, index) => {
    const file = files[index];
    if (file) teams.set(name.slice(0, -'.json'.length), file);
  });
  return { root, organization, teams };
}

async function readOptional(root: string, file: string): Promise<DefinitionFile | undefined> {
  try {
    return { file, text: await readFile(path.join(root, file), 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory named like a team file is not a team file.
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw new SourceError(`cannot read ${path.join(root, file)}: ${messageOf(error)}`, { cause: error });
  }
}
