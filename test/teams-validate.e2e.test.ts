/**
 * `robo teams.validate` as a dotfiles repo's CI runs it, through the built
 * binary: robo.yml checked with the definitions, run from a subfolder, the
 * commit named, and --json as exactly one document (valid or not), as every
 * other --json run. Each rule of robo.yml and of the definitions is checked
 * in process (teams-validate.test.ts, validation-rules.test.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleTree, git, makeDotfilesRepo, writeTree } from './helpers/git.js';
import { runRobo, type RunResult } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

const BROKEN_ROBO_YML = `variables:
  host: stage.internal

ssh:
  command: ssh {{ .host }}

deploy:
  summary: Deploy to {{ .hosts.prod }}
  command: ./deploy

release:
  script: scripts/release.sh

aws.config:
  command: echo hijacked
`;

const BROKEN = {
  ...exampleTree(),
  'teams/platform.json':
    '{\n  "hub_role": "platform",\n  "profiles": [\n    {"name": "x", "account": "nowhere", "role": "r"}\n  ]\n}\n',
  'robo.yml': BROKEN_ROBO_YML,
  'docs/ci/README.md': 'how CI runs robo\n',
};

const PROBLEM_LINES = [
  'teams/platform.json: /profiles/0/account: is not an account in organization.json',
  'robo.yml:8: task deploy: template {{ .hosts.prod }} names an undefined variable hosts.prod',
  'robo.yml:11: task release: script "scripts/release.sh" does not exist in the checkout',
  'robo.yml:14: task aws.config is refused: robo has a built-in task of that name',
];

function brokenRepo(box: Sandbox): { dir: string; head: string } {
  const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'), BROKEN);
  return { dir, head: git(dir, 'rev-parse', 'HEAD') };
}

const hasJq = spawnSync('jq', ['--version']).status === 0;

/** stdout holds exactly one JSON document: JSON.parse takes it whole, and jq (when installed) reads one. */
function oneDocument(result: RunResult): Record<string, unknown> {
  const value = JSON.parse(result.stdout) as Record<string, unknown>;
  if (hasJq) expect(execFileSync('jq', ['-s', 'length'], { input: result.stdout, encoding: 'utf8' }).trim()).toBe('1');
  return value;
}

describe('teams.validate in a dotfiles checkout', () => {
  it('lists every problem of the team files and robo.yml as FILE:LINE or FILE: /pointer, from a subfolder, naming the commit', async () => {
    const box = sandbox();
    const { dir, head } = brokenRepo(box);
    const result = await runRobo(['teams.validate'], { env: box.env, cwd: path.join(dir, 'docs', 'ci') });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`✖ : ${dir} at commit ${head.slice(0, 12)}: 4 problem(s) in 2 file(s)\n`);
    for (const line of PROBLEM_LINES) expect(result.stderr).toContain(`\n    ${line}`);
    expect(result.stderr).not.toContain('uncommitted');

    // An edit not committed yet: CI of a pull request validates exactly this.
    writeFileSync(path.join(dir, 'robo.yml'), `${BROKEN_ROBO_YML}\nextra:\n  command: "{{ .nope }}"\n`);
    const dirty = await runRobo(['teams.validate'], { env: box.env, cwd: path.join(dir, 'teams') });
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toContain(
      `✖ : ${dir} at commit ${head.slice(0, 12)} (uncommitted changes): 5 problem(s) in 2 file(s)\n`,
    );
    expect(dirty.stderr).toContain(
      '\n    robo.yml:18: task extra: template {{ .nope }} names an undefined variable nope',
    );
  });

  it('--json: one document with ok, the commit, each file, each problem and the exit code, and nothing on stderr', async () => {
    const box = sandbox();
    const { dir, head } = brokenRepo(box);
    const result = await runRobo(['teams.validate', '--json'], { env: box.env, cwd: path.join(dir, 'teams') });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('');
    const report = oneDocument(result);
    expect(report).toMatchObject({
      ok: false,
      task: 'teams.validate',
      root: dir,
      commit: { id: head, dirty: false },
      exitCode: 3,
    });
    expect(report.problems).toEqual([
      expect.objectContaining({
        file: 'teams/platform.json',
        pointer: '/profiles/0/account',
        line: 4,
        value: 'nowhere',
        text: expect.stringContaining(PROBLEM_LINES[0]!) as string,
      }),
      expect.objectContaining({
        file: 'robo.yml',
        pointer: null,
        line: 8,
        message: expect.stringContaining('undefined variable hosts.prod') as string,
      }),
      expect.objectContaining({
        file: 'robo.yml',
        pointer: null,
        line: 11,
        text: expect.stringContaining(PROBLEM_LINES[2]!) as string,
      }),
      expect.objectContaining({
        file: 'robo.yml',
        pointer: null,
        line: 14,
        text: expect.stringContaining(PROBLEM_LINES[3]!) as string,
      }),
    ]);
    const files = report.files as Array<{ file: string; team: string | null; ok: boolean; problems: number }>;
    expect(files.filter((file) => !file.ok)).toEqual([
      { file: 'teams/platform.json', kind: 'team', team: 'platform', ok: false, problems: 1 },
      { file: 'robo.yml', kind: 'robofile', team: null, ok: false, problems: 3 },
    ]);
    expect(files.find((file) => file.file === 'teams/data.json')).toEqual({
      file: 'teams/data.json',
      kind: 'team',
      team: 'data',
      ok: true,
      problems: 0,
    });
  });

  it('a valid checkout: exit 0, the commit in the success line, and one document with ok true', async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'dotfiles'), {
      ...exampleTree(),
      'robo.yml': 'hello:\n  script: scripts/hello.sh\n',
      'scripts/hello.sh': '#!/bin/sh\necho hi\n',
    });
    chmodSync(path.join(dir, 'scripts', 'hello.sh'), 0o755);
    git(dir, 'add', '--chmod=+x', 'scripts/hello.sh');
    git(dir, 'commit', '-q', '-m', 'executable');
    const head = git(dir, 'rev-parse', 'HEAD');
    const human = await runRobo(['teams.validate'], { env: box.env, cwd: path.join(dir, 'scripts') });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe(
      `✔ : ${dir} at commit ${head.slice(0, 12)}: organization.json, 6 team file(s), 2 inline policy file(s) and robo.yml are valid.\n`,
    );
    const json = await runRobo(['teams.validate', '--json', dir], { env: box.env });
    expect(json.code).toBe(0);
    expect(oneDocument(json)).toMatchObject({
      ok: true,
      commit: { id: head, dirty: false },
      problems: [],
      exitCode: 0,
    });
  });

  it('outside git, names no commit', async () => {
    const box = sandbox();
    const dir = path.join(box.root, 'plain');
    writeTree(dir, BROKEN);
    const result = await runRobo(['teams.validate', dir], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`✖ : ${dir}: 4 problem(s) in 2 file(s)\n`);
    expect(oneDocument(await runRobo(['teams.validate', dir, '--json'], { env: box.env }))).toMatchObject({
      ok: false,
      commit: null,
    });
  });
});

describe('every --json run prints one document', () => {
  it.each([
    ['teams.validate with problems, flag last', (dir: string) => ['teams.validate', dir, '--json'], 3],
    ['teams.validate with problems, flag first', (dir: string) => ['--json', 'teams.validate', dir], 3],
    ['teams.validate of a missing folder', (dir: string) => ['teams.validate', '--json', path.join(dir, 'nope')], 4],
    [
      'teams.validate of a folder that is no checkout',
      (dir: string) => ['teams.validate', '--json', path.join(dir, 'docs')],
      3,
    ],
    ['teams.validate with an unknown option', (dir: string) => ['teams.validate', dir, '--json', '--bogus'], 2],
    ['aws.render of an unknown team', (dir: string) => ['aws.render', '--json', '--team', 'nope', '--repo', dir], 2],
    ['the task list with a broken robo.yml', (dir: string) => ['--config', path.join(dir, 'robo.yml'), '--json'], 0],
    // Shown with the file's problems, as the list shows them (robofile.errors); --eval refuses (exit 3).
    [
      'variables of a broken robo.yml',
      (dir: string) => ['--config', path.join(dir, 'robo.yml'), '--json', 'variables'],
      0,
    ],
    [
      'variables --eval of a broken robo.yml',
      (dir: string) => ['--config', path.join(dir, 'robo.yml'), '--json', 'variables', '--eval'],
      3,
    ],
  ])('%s', async (_name, args, code) => {
    const box = sandbox();
    const dir = path.join(box.root, 'plain');
    writeTree(dir, BROKEN);
    const result = await runRobo(args(dir), { env: box.env });
    expect(result.code, result.stderr).toBe(code);
    expect(oneDocument(result).ok).toBe(code === 0);
  });
});
