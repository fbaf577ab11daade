/**
 * What every team file said at a given commit, recorded by the first run
 * that validated that commit (only when the organisation and that run's team
 * passed). Validation depends on nothing but the bytes of the commit, so a
 * later run on an unchanged repo reads two files instead of hundreds: other
 * teams' problems come from here, and a team recorded as clean is only
 * parsed. Only an optimisation: any failure reading or writing it just means
 * a full check.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import type { Problem } from './problems.js';

export type TeamProblems = Record<string, Problem[]>;

function cacheFile(cacheDir: string, commit: string): string {
  // The version is part of the key: a newer robo may check more.
  return path.join(cacheDir, 'validated', `${commit}-${pkg.version}.json`);
}

export async function readValidationCache(cacheDir: string, commit: string): Promise<TeamProblems | undefined> {
  try {
    const data = JSON.parse(await readFile(cacheFile(cacheDir, commit), 'utf8')) as { teams?: TeamProblems };
    return data.teams && typeof data.teams === 'object' ? data.teams : undefined;
  } catch {
    return undefined;
  }
}

export async function writeValidationCache(cacheDir: string, commit: string, teams: TeamProblems): Promise<void> {
  const file = cacheFile(cacheDir, commit);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify({ teams }));
    await rename(temp, file);
  } catch {
    // A cache that cannot be written only costs the next run some time.
  }
}
