/**
 * teams.validate's core, in process: robo.yml checked as CI checks it, the
 * checkout found from a subfolder, the commit named, one report with every
 * problem of every file. Real folders and real git repos in temp dirs.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRoboFile } from '../src/robofile/check.js';
import {
  checkoutCommit,
  describeCommit,
  findCheckoutRoot,
  formatCheckoutProblem,
  validateTeams,
} from '../src/teams.js';
import { commitTree, exampleTree, git, makeDotfilesRepo, writeTree } from './helpers/git.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** A folder with `tree` written into it, and the scripts in `executable` made executable. */
function folder(tree: Record<string, string>, executable: string[] = []): string {
  const dir = path.join(sandbox().root, 'checkout');
  writeTree(dir, tree);
  for (const file of executable) chmodSync(path.join(dir, file), 0o755);
  return dir;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const HELLO = '#!/bin/sh\necho hello\n';

describe('checkRoboFile', () => {
  it('is undefined when the checkout has no robo.yml', async () => {
    expect(await checkRoboFile(folder({ 'organization.json': '{}' }))).toBeUndefined();
  });

  it('finds nothing wrong with a good robo.yml, its script included', async () => {
    const dir = folder(
      {
        'robo.yml': 'variables:\n  host: h\nssh:\n  command: ssh {{ .host }}\nhello:\n  script: bin/hello.sh\n',
        'bin/hello.sh': HELLO,
      },
      ['bin/hello.sh'],
    );
    expect(await checkRoboFile(dir)).toEqual({ tasks: ['ssh', 'hello'], problems: [] });
  });

  it.each([
    [
      'an undefined variable',
      'a:\n  command: echo {{ .nope.x }}\n',
      {},
      [],
      2,
      'task a: template {{ .nope.x }} names an undefined variable nope.x',
    ],
    [
      'a task shadowing a built-in',
      'ok:\n  command: true\naws.config:\n  command: echo hijack\n',
      {},
      [],
      3,
      'task aws.config is refused: robo has a built-in task of that name',
    ],
    ['a task shadowing a reserved word', 'help:\n  command: true\n', {}, [], 1, 'task help is refused'],
    ['a YAML syntax error', 'a:\n  command: [x\n', {}, [], 2, 'YAML: '],
    ['an unknown key', 'a:\n  command: x\n  colour: red\n', {}, [], 3, 'task a: unknown key colour'],
    [
      'a missing script',
      'x:\n  script: scripts/nope.sh\n',
      {},
      [],
      1,
      'task x: script "scripts/nope.sh" does not exist in the checkout',
    ],
    [
      'a script under a file',
      'x:\n  script: bin/hello.sh/more\n',
      { 'bin/hello.sh': HELLO },
      ['bin/hello.sh'],
      1,
      'does not exist in the checkout',
    ],
    [
      'a script that climbs out of the checkout',
      'x:\n  script: ../outside.sh\n',
      {},
      [],
      1,
      'task x: script "../outside.sh" resolves to ',
    ],
    ['an absolute script', 'x:\n  script: /bin/sh\n', {}, [], 1, 'resolves to /bin/sh, outside the checkout'],
    ['the checkout itself as the script', 'x:\n  script: .\n', {}, [], 1, 'outside the checkout'],
    [
      'a script that is not executable',
      'x:\n  script: bin/hello.sh\n',
      { 'bin/hello.sh': HELLO },
      [],
      1,
      'task x: script "bin/hello.sh" is not executable',
    ],
    [
      'a script that is a folder',
      'x:\n  script: bin\n',
      { 'bin/hello.sh': HELLO },
      [],
      1,
      'task x: script "bin" is not a file',
    ],
    [
      'a templated script that is missing',
      'variables:\n  dir: tools\nx:\n  script: "{{ .dir }}/run.sh"\n',
      {},
      [],
      3,
      'script "tools/run.sh" does not exist',
    ],
  ])('%s', async (_name, yml, files: Record<string, string>, executable: string[], line, message) => {
    const dir = folder({ 'robo.yml': yml, ...files }, executable);
    const check = await checkRoboFile(dir);
    expect(check?.problems).toHaveLength(1);
    expect(check?.problems[0]?.line).toBe(line);
    expect(check?.problems[0]?.message).toContain(message);
  });

  it('refuses a script that is a link to a file outside the checkout', async () => {
    const box = sandbox();
    const dir = path.join(box.root, 'checkout');
    writeTree(dir, { 'robo.yml': 'x:\n  script: bin/link.sh\n', 'bin/other.sh': HELLO });
    writeFileSync(path.join(box.root, 'outside.sh'), HELLO, { mode: 0o755 });
    symlinkSync(path.join(box.root, 'outside.sh'), path.join(dir, 'bin', 'link.sh'));
    expect((await checkRoboFile(dir))?.problems).toEqual([
      {
        line: 1,
        message: `task x: script "bin/link.sh" is a link to ${path.join(box.root, 'outside.sh')}, outside the checkout`,
      },
    ]);
  });

  it('accepts a script that is a link inside the checkout', async () => {
    const dir = folder({ 'robo.yml': 'x:\n  script: bin/link.sh\n', 'tools/hello.sh': HELLO, 'bin/other.sh': HELLO }, [
      'tools/hello.sh',
    ]);
    symlinkSync('../tools/hello.sh', path.join(dir, 'bin', 'link.sh'));
    expect((await checkRoboFile(dir))?.problems).toEqual([]);
  });

  it('lists every problem, by line', async () => {
    const dir = folder({ 'robo.yml': 'b:\n  script: nope.sh\nc:\n  command: "{{ .x }}"\naws.render:\n  command: y\n' });
    expect((await checkRoboFile(dir))?.problems.map((problem) => problem.line)).toEqual([1, 4, 5]);
  });

  it('reports a robo.yml that is a folder as a problem, not a crash', async () => {
    const dir = folder({ 'robo.yml/x': '' });
    expect((await checkRoboFile(dir))?.problems).toEqual([{ line: 1, message: 'robo.yml is a folder, not a file' }]);
  });
});

describe('findCheckoutRoot', () => {
  it.each([
    ['the checkout itself', '.', '.'],
    ['teams/', 'teams', '.'],
    ['a deep subfolder', 'docs/a/b/c', '.'],
  ])('from %s', async (_name, from, expected) => {
    const dir = makeDotfilesRepo(path.join(sandbox().root, 'dotfiles'), { ...exampleTree(), 'docs/a/b/c/x.md': 'x' });
    expect(await findCheckoutRoot(path.join(dir, from))).toBe(path.join(dir, expected));
  });

  it('stops at the git root: an organization.json above the repo is not its checkout', async () => {
    const box = sandbox();
    writeTree(box.root, { 'organization.json': '{}' });
    const repo = makeDotfilesRepo(path.join(box.root, 'other'), { 'README.md': 'not dotfiles' });
    mkdirSync(path.join(repo, 'sub'));
    expect(await findCheckoutRoot(path.join(repo, 'sub'))).toBeUndefined();
    // Without git in the way, the walk goes on up.
    mkdirSync(path.join(box.root, 'plain', 'sub'), { recursive: true });
    expect(await findCheckoutRoot(path.join(box.root, 'plain', 'sub'))).toBe(box.root);
  });

  it('is undefined when no folder up to the file-system root holds organization.json', async () => {
    const dir = path.join(sandbox().root, 'a', 'b');
    mkdirSync(dir, { recursive: true });
    expect(await findCheckoutRoot(dir)).toBeUndefined();
  });
});

describe('the commit of a checkout', () => {
  it('is undefined outside git, and in a repository with no commit yet', async () => {
    const box = sandbox();
    const plain = path.join(box.root, 'plain');
    mkdirSync(plain);
    expect(await checkoutCommit(plain, box.env)).toBeUndefined();
    const empty = path.join(box.root, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q');
    expect(await checkoutCommit(empty, box.env)).toBeUndefined();
  });

  it('is HEAD, dirty when a file changed or a new one is not committed', async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(await checkoutCommit(dir, box.env)).toEqual({ commit: head, dirty: false });
    writeTree(dir, { 'teams/new.json': '{}' });
    expect(await checkoutCommit(dir, box.env)).toEqual({ commit: head, dirty: true });
    const next = commitTree(dir, {}, 'add a team');
    expect(await checkoutCommit(dir, box.env)).toEqual({ commit: next, dirty: false });
    writeTree(dir, { 'organization.json': '{}' });
    expect(await checkoutCommit(dir, box.env)).toEqual({ commit: next, dirty: true });
  });

  it('ignores GIT_DIR from the environment: the folder decides', async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const other = makeDotfilesRepo(path.join(box.root, 'other'), { x: 'y' });
    expect((await checkoutCommit(dir, { ...box.env, GIT_DIR: path.join(other, '.git') }))?.commit).toBe(
      git(dir, 'rev-parse', 'HEAD'),
    );
    const plain = path.join(box.root, 'plain');
    mkdirSync(plain);
    expect(await checkoutCommit(plain, { ...box.env, GIT_DIR: path.join(other, '.git') })).toBeUndefined();
  });

  it("is the repository's in a folder below its root and in a linked work tree (.git is a file there)", async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(await checkoutCommit(path.join(dir, 'teams'), box.env)).toEqual({ commit: head, dirty: false });
    const linked = path.join(box.root, 'linked');
    git(dir, 'worktree', 'add', '-q', '--detach', linked);
    expect(await checkoutCommit(path.join(linked, 'teams'), box.env)).toEqual({ commit: head, dirty: false });
  });

  it.each([
    [undefined, ''],
    [{ commit: 'abc123def4567890', dirty: false }, ' at commit abc123def456'],
    [{ commit: 'abc123def4567890', dirty: true }, ' at commit abc123def456 (uncommitted changes)'],
  ])('%j is named as %j', (commit, text) => {
    expect(describeCommit(commit)).toBe(text);
  });
});

describe('validateTeams', () => {
  it('from a subfolder: the checkout above it, every file, each problem with its file and pointer or line', async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'), {
      ...exampleTree(),
      'teams/platform.json':
        '{\n  "hub_role": "platform",\n  "profiles": [\n    {"name": "x", "account": "nowhere", "role": "r"}\n  ]\n}\n',
      'robo.yml': 'a:\n  command: echo {{ .nope }}\n',
    });
    const report = await validateTeams({ path: undefined, cwd: path.join(dir, 'teams'), env: box.env });
    expect(report.root).toBe(dir);
    expect(report.commit).toEqual({ commit: git(dir, 'rev-parse', 'HEAD'), dirty: false });
    expect(report.problems).toEqual([
      expect.objectContaining({
        file: 'teams/platform.json',
        pointer: '/profiles/0/account',
        line: 4,
        value: 'nowhere',
      }),
      {
        file: 'robo.yml',
        line: 2,
        message: 'task a: template {{ .nope }} names an undefined variable nope (see robo variables)',
      },
    ]);
    expect(report.problems.map(formatCheckoutProblem)).toEqual([
      expect.stringMatching(/^teams\/platform\.json: \/profiles\/0\/account: is not an account in organization\.json/),
      'robo.yml:2: task a: template {{ .nope }} names an undefined variable nope (see robo variables)',
    ]);
    expect(report.files.filter((file) => file.problems > 0)).toEqual([
      { file: 'teams/platform.json', kind: 'team', team: 'platform', problems: 1 },
      { file: 'robo.yml', kind: 'robofile', problems: 1 },
    ]);
    expect(report.files.map((file) => file.file)).toEqual([
      'organization.json',
      ...report.teams.map((team) => `teams/${team}.json`),
      // The inline policy files organization.json's IAM roles name.
      'iam/fpa-reserved-instances.json',
      'iam/platform-deploy.json',
      'robo.yml',
    ]);
  });

  it('an explicit PATH is the checkout, as given: no walking up', async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    await expect(validateTeams({ path: 'teams', cwd: dir, env: box.env })).rejects.toThrow(
      `${path.join(dir, 'teams')} is not a dotfiles checkout`,
    );
    expect((await validateTeams({ path: '..', cwd: path.join(dir, 'teams'), env: box.env })).root).toBe(dir);
  });

  it('outside any checkout, says where it looked and how to point it at one', async () => {
    const box = sandbox();
    const dir = path.join(box.root, 'nothing');
    mkdirSync(dir);
    const error = await validateTeams({ path: undefined, cwd: dir, env: box.env }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      exitCode: 3,
      message: `${dir} is not a dotfiles checkout: it has no organization.json and no teams/*.json`,
    });
    expect((error as { details: string[] }).details[0]).toContain('robo teams.validate PATH');
  });

  it("an inline policy file's problems: its file, its pointer and its line, a row of kind policy", async () => {
    const box = sandbox();
    const dir = path.join(box.root, 'plain');
    const policy = exampleTree()['iam/platform-deploy.json']!.replace(
      '"Effect": "Allow",\n      "Action": "iam:PassRole"',
      '"Effect": "allow",\n      "Action": "iam:PassRole"',
    );
    writeTree(dir, { ...exampleTree(), 'iam/platform-deploy.json': policy });
    const report = await validateTeams({ path: dir, cwd: box.root, env: box.env });
    expect(report.problems).toEqual([
      {
        file: 'iam/platform-deploy.json',
        pointer: '/Statement/1/Effect',
        line: 12,
        message: 'must be "Allow" or "Deny" (capitalised as written here)',
        value: 'allow',
      },
    ]);
    expect(report.files.filter((file) => file.kind === 'policy')).toEqual([
      { file: 'iam/fpa-reserved-instances.json', kind: 'policy', problems: 0 },
      { file: 'iam/platform-deploy.json', kind: 'policy', problems: 1 },
    ]);
  });

  it('a valid checkout without robo.yml has no robo.yml row and no problems', async () => {
    const box = sandbox();
    const dir = path.join(box.root, 'plain');
    writeTree(dir, exampleTree());
    const report = await validateTeams({ path: dir, cwd: box.root, env: box.env });
    expect(report.problems).toEqual([]);
    expect(report.commit).toBeUndefined();
    expect(report.files.some((file) => file.kind === 'robofile')).toBe(false);
  });
  it.each([
    [
      'an undefined variable',
      'ssh:\n  command: ssh {{ .hosts.stage }}\n',
      'robo.yml:2: task ssh: template {{ .hosts.stage }} names an undefined variable hosts.stage',
    ],
    [
      'a missing script',
      'release:\n  script: scripts/release.sh\n',
      'robo.yml:1: task release: script "scripts/release.sh" does not exist in the checkout',
    ],
    [
      'a script outside the checkout',
      'release:\n  script: ../release.sh\n',
      'robo.yml:1: task release: script "../release.sh" resolves to ',
    ],
    [
      'a task shadowing a built-in',
      'ok:\n  command: true\nteams.list:\n  command: echo mine\n',
      'robo.yml:3: task teams.list is refused: robo has a built-in task of that name',
    ],
  ])('a robo.yml problem alone fails the checkout (exit 3): %s', async (_name, yml, line) => {
    const box = sandbox();
    const dir = path.join(box.root, 'plain');
    writeTree(dir, { ...exampleTree(), 'robo.yml': yml });
    const report = await validateTeams({ path: dir, cwd: box.root, env: box.env });
    // One problem is enough for the command to exit 3 (commands/teams.ts).
    expect(report.problems.map(formatCheckoutProblem)).toEqual([expect.stringMatching(`^${escapeRegExp(line)}`)]);
    expect(report.files.filter((file) => file.problems > 0)).toEqual([
      { file: 'robo.yml', kind: 'robofile', problems: 1 },
    ]);
  });
});
