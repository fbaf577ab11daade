/** What robo will read from a checkout: regular files and folders of the repo itself, nothing through a link. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectRepoPath, regularFileInRepo } from '../src/definitions/repo-path.js';

const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'robo-repo-path-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const repo = path.join(scratch, 'repo');
mkdirSync(path.join(repo, 'teams'), { recursive: true });
mkdirSync(path.join(repo, 'real'), { recursive: true });
mkdirSync(path.join(scratch, 'outside'));
writeFileSync(path.join(repo, 'organization.json'), '{}');
writeFileSync(path.join(repo, 'teams', 'a.json'), '12345');
writeFileSync(path.join(repo, 'real', 'b.json'), '{}');
writeFileSync(path.join(scratch, 'outside', 'secret.json'), '{}');
symlinkSync('organization.json', path.join(repo, 'org-link.json'));
symlinkSync('../outside', path.join(repo, 'linked-teams'));
symlinkSync('real', path.join(repo, 'inner-link'));
symlinkSync('/nowhere/at/all', path.join(repo, 'dangling.json'));
execFileSync('mkfifo', [path.join(repo, 'teams', 'pipe.json')]);

describe('inspectRepoPath', () => {
  it.each([
    ['organization.json', { kind: 'file', size: 2 }],
    ['teams/a.json', { kind: 'file', size: 5 }],
    ['teams', { kind: 'directory' }],
    ['missing.json', { kind: 'missing' }],
    ['teams/missing.json', { kind: 'missing' }],
    ['organization.json/x', { kind: 'missing' }],
    ['org-link.json', { kind: 'refused', reason: 'is a symbolic link' }],
    ['dangling.json', { kind: 'refused', reason: 'is a symbolic link' }],
    ['linked-teams', { kind: 'refused', reason: 'is a symbolic link' }],
    ['linked-teams/secret.json', { kind: 'refused', reason: 'is inside linked-teams, which is a symbolic link' }],
    ['inner-link/b.json', { kind: 'refused', reason: 'is inside inner-link, which is a symbolic link' }],
    ['teams/pipe.json', { kind: 'refused', reason: 'is not a regular file (a FIFO, socket or device)' }],
  ])('%s', async (relative, expected) => {
    expect(await inspectRepoPath(repo, relative)).toEqual(expected);
  });

  it('a checkout reached through a link of its own is fine: only what is inside counts', async () => {
    symlinkSync('repo', path.join(scratch, 'repo-link'));
    expect(await inspectRepoPath(path.join(scratch, 'repo-link'), 'teams/a.json')).toEqual({ kind: 'file', size: 5 });
  });
});

describe('regularFileInRepo', () => {
  it('gives the path of a regular file, nothing for a missing one, and refuses anything else with exit 3', async () => {
    expect(await regularFileInRepo(repo, 'organization.json')).toBe(path.join(repo, 'organization.json'));
    expect(await regularFileInRepo(repo, 'robo.yml')).toBeUndefined();
    await expect(regularFileInRepo(repo, 'org-link.json')).rejects.toMatchObject({
      exitCode: 3,
      message: `${path.join(repo, 'org-link.json')} is a symbolic link; robo reads it only as a regular file of the repo`,
    });
    await expect(regularFileInRepo(repo, 'teams')).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('teams is a folder') as unknown,
    });
  });
});
