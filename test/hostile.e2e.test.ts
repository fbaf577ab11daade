/**
 * The wiring of validation, through the binary: a few rows of the hostile
 * corpus (fixtures/hostile.ts), one per way a refusal travels to the user.
 * Each exits with its documented code, prints a message naming the file and
 * the field (control characters made visible), no stack trace unless
 * --verbose, and leaves the config, the backup dir and the cache
 * byte-identical (and a robo.yml task that was refused did not run: it would
 * write to HOME). Every rule, one row each, is checked in process by
 * validation-rules.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostileCases, type HostileCase } from './fixtures/hostile.js';
import { treeState } from './helpers/files.js';
import { writeHostileCheckout } from './helpers/hostile-checkout.js';
import { runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

const WIRING = [
  'org: JSON syntax error', // the organisation: exit 3
  'profile: credential_process', // your team's file, a key refused with its reason
  'account: NUL in a key', // a control character in a message, shown and not printed
  'teams: a symbolic link to a folder outside the repo', // the folder refused before it is listed: no names leak
  'robo.yml: a symbolic link to a file outside the repo', // a task of a refused robo.yml never runs
  'inline: a symbolic link to a file outside the repo', // teams.validate: an inline policy file refused unread
  'team name: a path', // a bad team name: exit 2, before the source is read
  'team name: unknown, with did you mean', // a team the source does not have: exit 2
];

function wiringCase(rule: string): HostileCase {
  const found = hostileCases.find((testCase) => testCase.rule === rule);
  if (!found) throw new Error(`no case ${rule} in fixtures/hostile.ts`);
  return found;
}

/** Run the case through the binary with a config, an old backup and a cache that must stay as they are. */
async function runCase(testCase: HostileCase, flags: string[] = []) {
  const box = sandbox({ SEGMENT_TEAM: testCase.team ?? 'platform' });
  const dotfiles = writeHostileCheckout(box.root, testCase);
  mkdirSync(path.dirname(box.awsConfig), { recursive: true });
  writeFileSync(box.awsConfig, '[default]\nregion = eu-north-1\n');
  mkdirSync(box.backupDir, { recursive: true });
  writeFileSync(path.join(box.backupDir, 'awsconfig-00000000000000000000000000000000'), '[default]\n');
  mkdirSync(box.cacheDir, { recursive: true });
  writeFileSync(path.join(box.cacheDir, 'keep'), 'x');
  const before = [treeState(box.home), treeState(box.backupDir)];
  const result =
    testCase.run === 'robo.yml task'
      ? await runRobo([...flags, 'hello'], { env: { ...box.env, ROBO_DOTFILES_REPO: dotfiles } })
      : testCase.run === 'teams.validate'
        ? await runRobo([...flags, 'teams.validate', dotfiles], { env: box.env })
        : await runRobo([...flags, 'aws.config', '--repo', dotfiles], { env: box.env });
  expect(result.code, result.stderr).toBe(testCase.code);
  for (const text of testCase.absent ?? []) expect(result.stdout + result.stderr).not.toContain(text);
  for (const message of testCase.messages) {
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
  }
  expect(result.stdout).not.toContain('successfully updated');
  expect([treeState(box.home), treeState(box.backupDir)]).toEqual(before);
  return result;
}

describe('a refused definition, through the binary', () => {
  it.each(WIRING.map(wiringCase))('$rule', async (testCase) => {
    const result = await runCase(testCase);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --verbose, the same refusal and the stack trace', async () => {
    const result = await runCase(wiringCase('org: JSON syntax error'), ['--verbose']);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});
