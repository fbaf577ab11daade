/**
 * Stage 2: read a dotfiles checkout's definition files as text:
 * organization.json and teams/<team>.json (docs/definitions.md). validate.ts
 * parses and checks them.
 */
import { isUtf8 } from 'node:buffer';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DefinitionsError, SourceError, messageOf } from '../errors.js';
import { inspectRepoPath } from './repo-path.js';

export const ORGANIZATION_FILE = 'organization.json';
export const TEAMS_DIR = 'teams';
/** Definition files larger than this are refused unread: real ones are a few KiB. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** More team files than this is not an organisation, it is an attack or an accident. */
export const MAX_TEAMS = 10_000;
/** All definition files read in one run, together: 10,000 files of 1 MiB would not fit in memory. */
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
/** Files open at once: enough to overlap reads, well under the open-file limit (256 by default on macOS). */
const READ_AT_ONCE = 32;

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
  /** Team name → file, for every team file that could be read. */
  teams: Map<string, DefinitionFile>;
}

/** Read organization.json and every team file. */
export async function loadDefinitions(root: string): Promise<Definitions> {
  let entries: string[] = [];
  try {
    // A linked teams/ would list and read another folder's files: refused before it is listed.
    const folder = await inspectRepoPath(root, TEAMS_DIR);
    if (folder.kind === 'refused' || folder.kind === 'file') {
      const reason = folder.kind === 'file' ? 'is a file, not a folder' : folder.reason;
      throw new DefinitionsError(
        `${TEAMS_DIR}/ in ${root} ${reason}; robo reads team files only from a folder of the repo itself`,
        [],
      );
    }
    if (folder.kind === 'directory') entries = await readdir(path.join(root, TEAMS_DIR));
  } catch (error) {
    if (error instanceof DefinitionsError) throw error;
    throw new SourceError(`cannot read ${path.join(root, TEAMS_DIR)}: ${messageOf(error)}`, { cause: error });
  }
  const teamNames = entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.slice(0, -'.json'.length))
    .sort();
  if (teamNames.length > MAX_TEAMS) {
    throw new DefinitionsError(
      `${path.join(root, TEAMS_DIR)} holds ${teamNames.length} team files; robo refuses more than ${MAX_TEAMS}`,
      [],
    );
  }
  // Every file is looked at before any is read, so the total is known first.
  const files = [ORGANIZATION_FILE, ...teamNames.map((name) => `${TEAMS_DIR}/${name}.json`)];
  const found = await inBatches(files, (file) => inspect(root, file));
  const total = found.reduce((sum, entry) => sum + (entry?.refused === undefined ? (entry?.size ?? 0) : 0), 0);
  if (total > MAX_TOTAL_BYTES) {
    throw new DefinitionsError(
      `${root}: ${ORGANIZATION_FILE} and ${TEAMS_DIR}/*.json hold ${total} bytes together; robo reads at most ${MAX_TOTAL_BYTES} (64 MiB)`,
      [],
    );
  }
  const [organization, ...teamFiles] = await inBatches(found, (entry) =>
    entry && entry.refused === undefined ? read(root, entry) : Promise.resolve(entry),
  );
  const teams = new Map<string, DefinitionFile>();
  teamNames.forEach((name, index) => {
    const file = teamFiles[index];
    if (file) teams.set(name, file);
  });
  return {
    root,
    organization,
    teamNames: teamNames.filter((name) => teams.has(name)),
    teams,
  };
}

/** The most a file of a kind may hold, and how a refusal words it. */
export interface SizeLimit {
  bytes: number;
  /** "definition files may be at most 1048576 bytes (1 MiB)" */
  rule: string;
}

const DEFINITION_FILE_LIMIT: SizeLimit = {
  bytes: MAX_FILE_BYTES,
  rule: `definition files may be at most ${MAX_FILE_BYTES} bytes (1 MiB)`,
};

/**
 * What is at `file`, without reading it: undefined if missing, refused
 * (unread) if it must not be read. Also the inline policy files' reader
 * (inline-policies.ts), with their own limit.
 */
export async function inspect(
  root: string,
  file: string,
  limit: SizeLimit = DEFINITION_FILE_LIMIT,
): Promise<DefinitionFile | undefined> {
  try {
    // Refuse before reading: a 10 GB "team" must not exhaust memory, a FIFO
    // must not block the run, and a link committed to the repo must not make
    // robo read ~/.ssh or /etc.
    const entry = await inspectRepoPath(root, file);
    // A directory named like a team file is not a team file.
    if (entry.kind === 'missing' || entry.kind === 'directory') return undefined;
    if (entry.kind === 'refused')
      return {
        file,
        text: '',
        size: 0,
        refused: `${entry.reason}; definition files must be regular files in the repo`,
      };
    const { size } = entry;
    if (size > limit.bytes) return { file, text: '', size, refused: `is ${size} bytes; ${limit.rule}` };
    return { file, text: '', size };
  } catch (error) {
    throw new SourceError(`cannot read ${path.join(root, file)}: ${messageOf(error)}`, { cause: error });
  }
}

export async function read(root: string, entry: DefinitionFile): Promise<DefinitionFile | undefined> {
  const full = path.join(root, entry.file);
  try {
    const bytes = await readFile(full);
    // Decoding invalid UTF-8 replaces bytes with U+FFFD: robo would check a text the file does not hold.
    if (!isUtf8(bytes)) return { ...entry, refused: notUtf8(bytes) };
    return { ...entry, text: bytes.toString('utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone or replaced by a folder since it was looked at: as if it had not been there.
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw new SourceError(`cannot read ${full}: ${messageOf(error)}`, { cause: error });
  }
}

/** Where the first byte that is not UTF-8 is, for the message. */
function notUtf8(bytes: Buffer): string {
  // The valid prefix survives decoding and encoding again; the first byte that differs is the bad one.
  const again = Buffer.from(bytes.toString('utf8'), 'utf8');
  let at = 0;
  while (at < bytes.length && bytes[at] === again[at]) at += 1;
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let index = bytes.indexOf(0x0a); index !== -1 && index < at; index = bytes.indexOf(0x0a, index + 1)) line += 1;
  const byte = `0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')}`;
  return `is not UTF-8: byte ${byte} at line ${line}, column ${at - lineStart + 1} (in bytes); definition files must be UTF-8`;
}

/** fn over every item, READ_AT_ONCE at a time, results in order. */
export async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AT_ONCE, items.length) }, worker));
  return results;
}
