/**
 * What every team file said at a given commit, recorded by the first run
 * that validated that commit (only when the organisation and that run's team
 * passed). Validation depends on nothing but the bytes of the commit, so a
 * later run on an unchanged repo reads two files instead of hundreds: other
 * teams' problems come from here, and a team recorded as clean is only
 * parsed. The record also holds a hash of every file it judged, so a run can
 * tell that the bytes it read are the ones that were validated, whatever
 * state the clone is in. Only an optimisation: any failure reading or
 * writing it just means a full check.
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_ID } from '../build-id.js';
import type { DefinitionFile } from './definitions.js';
import { isProblem, type Problem } from './problems.js';
import { sha256 } from '../system/crypto.js';

export type TeamProblems = Record<string, Problem[]>;

export interface ValidationRecord {
  /** Team name → its problems at this commit (empty: the team passed). */
  teams: TeamProblems;
  /** Definition file (relative path) → sha256 of the text that was validated. */
  files: Record<string, string>;
}

function cacheFile(cacheDir: string, commit: string): string {
  // The build is part of the key: another robo may check more.
  return path.join(cacheDir, 'validated', `${commit}-${BUILD_ID}.json`);
}

function digest(file: DefinitionFile): string {
  return sha256(file.text);
}

export async function readValidationCache(cacheDir: string, commit: string): Promise<ValidationRecord | undefined> {
  try {
    const data = JSON.parse(await readFile(cacheFile(cacheDir, commit), 'utf8')) as Partial<ValidationRecord>;
    if (!data.teams || typeof data.teams !== 'object' || !data.files || typeof data.files !== 'object')
      return undefined;
    // Damaged is as good as missing: a full check, never a crash.
    if (!Object.values(data.teams).every((list) => Array.isArray(list) && list.every(isProblem))) return undefined;
    if (!Object.values(data.files).every((hash) => typeof hash === 'string')) return undefined;
    return { teams: data.teams, files: data.files };
  } catch {
    return undefined;
  }
}

/** Whether every one of `files` was read unrefused and is byte for byte the text the record validated. */
export function validatedBytes(record: ValidationRecord, files: ReadonlyArray<DefinitionFile | undefined>): boolean {
  return files.every(
    (file) => file !== undefined && file.refused === undefined && record.files[file.file] === digest(file),
  );
}

export async function writeValidationCache(
  cacheDir: string,
  commit: string,
  teams: TeamProblems,
  files: Iterable<DefinitionFile>,
): Promise<void> {
  const file = cacheFile(cacheDir, commit);
  const temp = `${file}.${process.pid}.tmp`;
  const record: ValidationRecord = { teams, files: {} };
  for (const definition of files)
    if (definition.refused === undefined) record.files[definition.file] = digest(definition);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, file);
    await prune(path.dirname(file));
  } catch {
    // A cache that cannot be written only costs the next run some time.
  }
}

/** Records are written only when a new commit is validated: keep this build's newest few, and nothing of other builds. */
const KEEP = 20;
async function prune(dir: string): Promise<void> {
  const mine = `-${BUILD_ID}.json`;
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  const others = names.filter((name) => !name.endsWith(mine));
  const ours = await Promise.all(
    names
      .filter((name) => name.endsWith(mine))
      .map(async (name) => ({ name, mtime: (await stat(path.join(dir, name))).mtimeMs })),
  );
  const old = ours
    .sort((a, b) => b.mtime - a.mtime)
    .slice(KEEP)
    .map(({ name }) => name);
  await Promise.all([...others, ...old].map((name) => rm(path.join(dir, name), { force: true })));
}
