/**
 * Bad input never changes anything, with a git source: for each kind of
 * broken definition the CLI exits non-zero with a message naming the file and
 * field, and the target, the backup dir and the cached clone (its commit and
 * files) are exactly as before. Every rule, one case each, is the hostile
 * corpus, checked in process (validation-rules.test.ts); these runs prove that
 * a refusal with a git source discards the checkout.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { commitTree, exampleTree, fileUrl, git, headCommit, makeDotfilesRepo } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.cleanup();
});

const example = exampleTree();
const json = (file: string) => JSON.parse(example[file]!) as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures poke at arbitrary JSON
const edit = (file: string, change: (data: any) => void): string => {
  const data = json(file);
  change(data);
  return JSON.stringify(data, null, 2);
};

interface Case {
  name: string;
  files: Record<string, string | undefined>;
  team?: string;
  code: number;
  /** Every one of these must appear in stderr. */
  messages: Array<string | RegExp>;
}

const cases: Case[] = [
  {
    name: 'JSON syntax error in the own team file',
    files: { 'teams/platform.json': '{ "hub_role": "platform", "profiles": [' },
    code: 3,
    messages: ['teams/platform.json: /: invalid JSON at line 1, column 40: close bracket expected'],
  },
  {
    name: 'a missing organization.json',
    files: { 'organization.json': undefined },
    code: 3,
    messages: [/is not a dotfiles source: it has no organization\.json at its root/],
  },
  {
    name: "a broken own team file also lists the other teams' problems",
    files: { 'teams/platform.json': '[]', 'teams/growth.json': '{}' },
    code: 3,
    messages: [
      'teams/platform.json: /: must be object',
      "also in other teams' files (not blocking):",
      'teams/growth.json: /hub_role: is required',
    ],
  },
];

/** What must not change: the config, the backups, and the cache's commit and files (not git's bookkeeping). */
function state(box: Sandbox) {
  const sources = path.join(box.cacheDir, 'sources');
  const clones = readdirSync(sources).map((name) => path.join(sources, name));
  return {
    home: treeState(box.home, (rel) => !rel.startsWith('.cache')),
    backups: treeState(box.backupDir),
    cache: clones.map((dir) => ({
      dir,
      head: headCommit(dir), // read from .git: a process fewer, twice a case
      files: treeState(dir, (rel) => rel !== '.git' && !rel.startsWith('.git/')),
    })),
  };
}

describe('broken definitions change nothing', () => {
  /**
   * One sandbox for the cases. A good run first: a config, a cache and (after
   * a team switch) a backup exist. Each case commits its break on top of the
   * good commit, and puts upstream back to it afterwards (the refusal left
   * robo at the good commit).
   */
  let box: Sandbox;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  let good: string;
  beforeAll(async () => {
    box = makeSandbox({ SEGMENT_TEAM: 'platform' });
    repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    good = headCommit(repo);
    env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
    expect((await runRobo(['aws.config', '--team', 'fpa'], { env })).code).toBe(0);
    expect((await runRobo(['aws.config', '--team', 'platform'], { env })).code).toBe(0);
  });
  afterAll(() => box.cleanup());
  afterEach(() => git(repo, 'reset', '-q', '--hard', good));

  it.each(cases)('$name', async ({ files, team, code, messages }) => {
    const before = state(box);
    expect(before.cache).toHaveLength(1);
    expect(before.backups).not.toEqual({});

    commitTree(repo, files, 'break something');
    const result = await runRobo(['aws.config'], { env: { ...env, SEGMENT_TEAM: team ?? 'platform' } });
    expect(result.code).toBe(code);
    for (const message of messages) {
      if (typeof message === 'string') expect(result.stderr).toContain(message);
      else expect(result.stderr).toMatch(message);
    }
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    expect(result.stdout).not.toContain('successfully updated');
    expect(state(box)).toEqual(before);
  });
});

describe('problems in other teams are warnings', () => {
  it('still writes your team and names the other file and field', async () => {
    const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
    sandboxes.push(box);
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'), {
      ...example,
      'teams/growth.json': edit('teams/growth.json', (d) => (d.profiles[0].account = 'nope')),
      'teams/broken.json': '{',
      // Once made every run die with "Maximum call stack size exceeded".
      'teams/deep.json': '['.repeat(100_000),
    });
    const result = await runRobo(['aws.config'], { env: { ...box.env, ROBO_DOTFILES_REPO: repo } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("ignored 3 problem(s) in other teams' files");
    expect(result.stderr).toContain('teams/deep.json: /: nested more than 32 levels deep at line 1, column 33');
    expect(result.stderr).toContain('teams/growth.json: /profiles/0/account: is not an account in organization.json');
    expect(result.stderr).toContain('teams/broken.json: /: invalid JSON at line 1, column 2');
    expect(readFileSync(box.awsConfig, 'utf8')).toContain('[profile prod-deploy]');
  });
});

describe("other teams' problems in the result cache", () => {
  it('repeats the warnings on later runs from the cached block, and never hides your own errors', async () => {
    const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
    sandboxes.push(box);
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'), { ...example, 'teams/broken.json': '{' });
    const env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
    for (let run = 0; run < 2; run += 1) {
      const result = await runRobo(['aws.config', '--team', 'platform'], { env });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('teams/broken.json: /: invalid JSON at line 1, column 2');
    }
    expect(readdirSync(path.join(box.cacheDir, 'rendered'))).toEqual(['platform']);
    // Switching to the broken team: its problems are errors now, whatever was cached.
    const own = await runRobo(['aws.config', '--team', 'broken'], { env });
    expect(own.code).toBe(3);
    expect(own.stderr).toContain('teams/broken.json: /: invalid JSON');
    // Another team sees the platform file as fine and the broken one as a warning.
    const other = await runRobo(['aws.config', '--team', 'fpa'], { env });
    expect(other.code).toBe(0);
    expect(other.stderr).toContain("ignored 1 problem(s) in other teams' files");
  });
});

describe('an unreachable source changes nothing', () => {
  it.each([
    ['a file:// URL that does not exist', (root: string) => fileUrl(path.join(root, 'missing'))],
    ['a git daemon port nobody listens on', () => 'git://127.0.0.1:9/dotfiles.git'],
    ['a local folder that does not exist', (root: string) => path.join(root, 'missing')],
  ])('%s: exit 4, no cache, no config', async (_name, location) => {
    const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
    sandboxes.push(box);
    const result = await runRobo(['aws.config', '--repo', location(box.root)], { env: box.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/✖ : (cannot clone|dotfiles source)/);
    // Nothing outside robo's cache, and no clone in it (a lock file may remain there).
    expect(treeState(box.home, (rel) => !rel.startsWith('.cache'))).toEqual({});
    expect(treeState(box.cacheDir, (rel) => rel.startsWith('sources/'))).toEqual({});
    expect(treeState(box.backupDir)).toEqual({});
  });
});
