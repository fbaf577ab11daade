/**
 * robo as a task runner: a robo.yml in a dotfiles repo (cloned over file://),
 * its tasks listed and run with their arguments, variables, exit codes and
 * signals; broken robo.yml files refused with file and line while the
 * built-in tasks keep working; the maintainers' tasks.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitTree, exampleTree, fileUrl, headCommit, makeDotfilesRepo, writeTree } from './helpers/git.js';
import { projectRoot, roboBin, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.cleanup();
});

const ROBO_YML = `variables:
  hosts:
    stage: stage.internal
    prod: prod.internal
  greeting: hi

ssh.stage:
  summary: Log in to {{ .hosts.stage }}
  usage: "[COMMAND]"
  command: echo "ssh {{ .hosts.stage }}" "$@"
  examples:
    - description: Uptime of {{ .hosts.stage }}
      command: robo ssh.stage uptime

args:
  summary: Print each argument on its own line
  command: for a in "$@"; do echo "[$a]"; done

fail:
  summary: Exit with the code given
  command: exit "$1"

env:
  summary: Show the environment the task gets
  env:
    - GREETING={{ .greeting }} {{ .user.username }}
    - WHERE={{ .robo.path }}
  command: echo "$GREETING at $WHERE"

script:
  summary: Run a script beside robo.yml
  script: scripts/hello.sh
  command: echo "command loses to script"

exec:
  summary: Replace robo with a program
  exec: printf "%s|%s" {{ .greeting }}
  script: scripts/hello.sh

trap:
  summary: Wait for SIGTERM
  command: |
    trap 'echo got-term > "$1"; exit 7' TERM
    echo started > "$1.started"
    i=0
    while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
    echo timeout > "$1"
`;

/**
 * The dotfiles repo (over file://) every test here reads and none changes:
 * the example teams, ROBO_YML and an executable script. Built once for the file.
 */
let dotfiles: { root: string; url: string };
beforeAll(() => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'robo-robofile-'));
  const repo = makeDotfilesRepo(path.join(root, 'dotfiles'), {
    ...exampleTree(),
    'robo.yml': ROBO_YML,
    'scripts/hello.sh': '#!/bin/sh\necho "script says hello $*"\n',
  });
  chmodSync(path.join(repo, 'scripts', 'hello.sh'), 0o755);
  commitTree(repo, {}, 'make the script executable');
  dotfiles = { root, url: fileUrl(repo) };
});
afterAll(() => rmSync(dotfiles.root, { recursive: true, force: true }));

/** A sandbox of its own (nothing cloned yet) on the dotfiles repo. */
function dotfilesBox(): { box: Sandbox; env: NodeJS.ProcessEnv } {
  const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
  return { box, env: { ...box.env, ROBO_DOTFILES_REPO: dotfiles.url } };
}

/** dotfilesBox for one test: removed after it. */
function setup(): ReturnType<typeof dotfilesBox> {
  const made = dotfilesBox();
  sandboxes.push(made.box);
  return made;
}

/**
 * One sandbox for the tests that only read robo.yml's repo and run its tasks
 * (none runs aws.config, so ~/.aws and the backups stay absent): robo clones
 * the repo once for them all, not once per test.
 */
let shared: ReturnType<typeof dotfilesBox>;
beforeAll(() => {
  shared = dotfilesBox();
});
afterAll(() => shared.box.cleanup());

describe('robo.yml tasks', () => {
  it('are listed with built-ins, sorted, built-ins marked', async () => {
    const { env } = shared;
    const result = await runRobo([], { env });
    expect(result.code).toBe(0);
    const names = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim().split(' ')[0]);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['args', 'aws.config', 'ssh.stage', 'teams.list', 'trap']));
    expect(result.stdout).toMatch(/^ {2}ssh\.stage +– Log in to stage\.internal$/m);
    expect(result.stdout).toMatch(/^ {2}aws\.render +– .*\(built-in\)$/m);
  });

  it('get every argument after the task name untouched, flags included', async () => {
    const { env } = shared;
    const result = await runRobo(['args', 'one', 'two words', '--team', 'x', '--help', '-q'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('[one]\n[two words]\n[--team]\n[x]\n[--help]\n[-q]\n');
  });

  it('template nested and built-in variables into command, env and summary', async () => {
    const { env, box } = shared;
    expect((await runRobo(['ssh.stage', 'uptime'], { env })).stdout).toBe('ssh stage.internal uptime\n');
    const clone = path.join(box.cacheDir, 'sources');
    const shown = await runRobo(['env'], { env });
    expect(shown.stdout).toMatch(new RegExp(`^hi \\S+ at ${clone}/[^/]*dotfiles-[0-9a-f]{12}\\n$`));
  });

  it('exit with the task exit code', async () => {
    const { env } = shared;
    for (const code of ['0', '3', '42']) expect((await runRobo(['fail', code], { env })).code).toBe(Number(code));
  });

  it('run script (relative to robo.yml) over command, and exec over script', async () => {
    const { env } = shared;
    expect((await runRobo(['script', 'a', 'b'], { env })).stdout).toBe('script says hello a b\n');
    expect((await runRobo(['exec', 'there'], { env })).stdout).toBe('hi|there');
  });

  it('forward SIGTERM to the task and exit with its code', async () => {
    const { env, box } = shared;
    const marker = path.join(box.root, 'trap');
    const child = spawn(process.execPath, [roboBin, 'trap', marker], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let attempt = 0; attempt < 200 && !existsSync(`${marker}.started`); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(existsSync(`${marker}.started`)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(7);
    expect(readFileSync(marker, 'utf8')).toBe('got-term\n');
  });

  it('help TASK shows usage, summary and examples; variables lists them all', async () => {
    const { env } = shared;
    const help = await runRobo(['help', 'ssh.stage'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('robo ssh.stage [COMMAND]');
    expect(help.stdout).toContain('Log in to stage.internal');
    expect(help.stdout).toContain('robo ssh.stage uptime\n      Uptime of stage.internal');
    const variables = await runRobo(['variables'], { env });
    expect(variables.stdout).toMatch(/^ {2}hosts\.prod += prod\.internal$/m);
    expect(variables.stdout).toMatch(/^ {2}robo\.file += \/.*\/robo\.yml$/m);
    for (const name of ['robo.path', 'user.home', 'user.name', 'user.username', 'greeting'])
      expect(variables.stdout).toContain(`  ${name}`);
  });

  it('come from --tasks FILE or $ROBO_TASKS when given, and from their old names --config and $ROBO_CONFIG', async () => {
    const { box } = shared;
    const file = path.join(box.root, 'mine.yml');
    writeFileSync(file, 'mine:\n  command: echo "from {{ .robo.file }}"\n');
    expect((await runRobo(['--tasks', file, 'mine'], { env: box.env })).stdout).toBe(`from ${file}\n`);
    expect((await runRobo(['mine'], { env: { ...box.env, ROBO_TASKS: file } })).stdout).toBe(`from ${file}\n`);
    expect((await runRobo(['--config', file, 'mine'], { env: box.env })).stdout).toBe(`from ${file}\n`);
    expect((await runRobo(['mine'], { env: { ...box.env, ROBO_CONFIG: file } })).stdout).toBe(`from ${file}\n`);
    // After a reserved word too: robo variables reads the file named.
    expect((await runRobo(['variables', '--tasks', file], { env: box.env })).stdout).toMatch(
      new RegExp(`^ {2}robo\\.file += ${file.replace(/[.]/g, '\\.')}$`, 'm'),
    );
    const missing = await runRobo(['--tasks', path.join(box.root, 'nope.yml'), 'mine'], { env: box.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `tasks file ${path.join(box.root, 'nope.yml')} (--tasks, --config or -c; $ROBO_TASKS or $ROBO_CONFIG): `,
    );
  });
});

describe('a bad robo.yml', () => {
  /**
   * One sandbox and clone for the cases. Tasks read robo.yml from the clone
   * as it is, so a case writes its robo.yml there, as a fetch of a commit
   * holding it would leave it; aws.config, with nothing new upstream, asks
   * the remote and leaves the clone alone (were it to reset the clone, the
   * good robo.yml would be back and the case would fail, not pass).
   */
  let bad: ReturnType<typeof dotfilesBox>;
  beforeAll(async () => {
    bad = dotfilesBox();
    expect((await runRobo(['aws.config'], { env: bad.env })).code).toBe(0);
  });
  afterAll(() => bad.box.cleanup());
  /** The clone's robo.yml is now `content`; the config another case wrote is gone, so this case's aws.config must write it. */
  const badRoboYml = (content: string) => {
    const sources = path.join(bad.box.cacheDir, 'sources');
    writeFileSync(path.join(sources, readdirSync(sources)[0]!, 'robo.yml'), content);
    rmSync(bad.box.awsConfig, { force: true });
    return bad;
  };

  it.each([
    ['a YAML syntax error', 'ok:\n  command: echo ok\nbroken: [1,\n', /robo\.yml:3: YAML: /],
    ['an unknown key', 'ok:\n  command: echo ok\n  comand: echo typo\n', /robo\.yml:3: task ok: unknown key comand/],
    [
      'a task with nothing to run',
      'ok:\n  command: echo ok\nempty:\n  summary: does nothing\n',
      /robo\.yml:3: task empty: nothing to run/,
    ],
    [
      'an undefined variable',
      'variables:\n  a: 1\nok:\n  command: echo {{ .a }} {{ .b.c }}\n',
      /robo\.yml:4: task ok: template \{\{ \.b\.c \}\} names an undefined variable b\.c/,
    ],
    // The YAML parser recursed once per level: this aborted the whole process (V8 out of memory compiling a regex).
    [
      '30,000 sequences on one line',
      `ok:\n  command: echo ok\n${'- '.repeat(30_000)}x\n`,
      /robo\.yml:3: content starts at column 66: robo\.yml may nest at most 32 levels/,
    ],
    [
      'flow collections 60,000 deep',
      `ok:\n  command: echo ok\nv: ${'['.repeat(60_000)}\n`,
      /robo\.yml:3: nested more than 32 levels deep/,
    ],
    [
      'over 64 KiB',
      `ok:\n  command: echo ok\n# ${'x'.repeat(70_000)}\n`,
      /robo\.yml:1: is \d+ bytes; robo\.yml may be at most 65536 bytes/,
    ],
  ])('%s: refused with file and line, nothing runs, aws.config still works', async (_name, content, message) => {
    const { env, box } = badRoboYml(content.replace('echo ok', `touch ${'$HOME'}/ran`));
    // aws.config works all the same.
    const builtin = await runRobo(['aws.config'], { env });
    expect(builtin.code).toBe(0);
    expect(existsSync(box.awsConfig)).toBe(true);
    const result = await runRobo(['ok'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`${box.cacheDir}/sources/`);
    expect(existsSync(path.join(box.home, 'ran'))).toBe(false);
    const list = await runRobo([], { env });
    expect(list.code).toBe(0);
    expect(list.stderr).toMatch(message);
    expect(list.stdout).toContain('aws.config');
  });

  it('committed upstream: aws.config fetches it and works all the same, on the full path', async () => {
    // The cases above reach a clone robo does not fetch again; here each bad robo.yml comes in a new
    // commit, so aws.config fetches, checks out, validates and renders with it in the checkout.
    const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
    sandboxes.push(box);
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'), { ...exampleTree(), 'robo.yml': ROBO_YML });
    const env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
    expect((await runRobo(['aws.config'], { env })).code).toBe(0);
    for (const [content, message] of [
      ['ok:\n  command: echo ok\nbroken: [1,\n', /robo\.yml:3: YAML: /],
      [`ok:\n  command: echo ok\nv: ${'['.repeat(60_000)}\n`, /robo\.yml:3: nested more than 32 levels deep/],
    ] as const) {
      const commit = commitTree(repo, { 'robo.yml': content }, 'a bad robo.yml');
      rmSync(box.awsConfig, { force: true });
      const builtin = await runRobo(['aws.config'], { env });
      expect(builtin.stderr).toBe('');
      expect(builtin.code).toBe(0);
      expect(existsSync(box.awsConfig)).toBe(true);
      const sources = path.join(box.cacheDir, 'sources');
      expect(headCommit(path.join(sources, readdirSync(sources)[0]!))).toBe(commit);
      const task = await runRobo(['ok'], { env });
      expect(task.code).toBe(3);
      expect(task.stderr).toMatch(message);
    }
  });

  it('a task named like a built-in is refused with file and line, and the built-in runs', async () => {
    const { env, box } = badRoboYml('aws.config:\n  command: touch "$HOME/hijacked"\nok:\n  command: echo ok\n');
    expect((await runRobo(['aws.config'], { env })).code).toBe(0);
    expect(existsSync(box.awsConfig)).toBe(true);
    expect(existsSync(path.join(box.home, 'hijacked'))).toBe(false);
    const list = await runRobo([], { env });
    expect(list.stderr).toMatch(/robo\.yml:1: task aws\.config is refused: robo has a built-in task of that name/);
    expect((await runRobo(['ok'], { env })).stdout).toBe('ok\n');
  });
});

describe('tasks for the dotfiles repo', () => {
  it('teams.validate is green on the bundled organisation and lists every error of a broken checkout', async () => {
    const box = makeSandbox();
    sandboxes.push(box);
    const green = await runRobo(['teams.validate', projectRoot], { env: box.env });
    expect(green.code).toBe(0);
    expect(green.stdout).toContain('organization.json, 6 team file(s), 2 inline policy file(s) and robo.yml are valid');
    const broken = path.join(box.root, 'broken');
    writeTree(broken, {
      ...exampleTree(),
      'teams/platform.json': '{"hub_role": "platform", "profiles": [{"name": "x", "account": "nowhere", "role": "r"}]}',
      'teams/data.json': '{"hub_role": "data", "profiles": [], "credential_process": "sh"}',
      'teams/growth.json': '{',
    });
    const red = await runRobo(['teams.validate', broken], { env: box.env });
    expect(red.code).toBe(3);
    expect(red.stderr).toContain('3 problem(s) in 3 file(s)');
    expect(red.stderr).toContain('teams/platform.json: /profiles/0/account: is not an account');
    expect(red.stderr).toContain('teams/data.json: /credential_process: is refused');
    expect(red.stderr).toContain('teams/growth.json: /: invalid JSON');
  });

  it('teams.list shows each team with its hub role and profile count', async () => {
    const { env } = shared;
    const result = await runRobo(['teams.list'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TEAM +HUB ROLE +PROFILES$/m);
    expect(result.stdout).toMatch(/^foundation +foundation +21$/m);
    expect(result.stdout).toMatch(/^fpa +fpa +1$/m);
  });

  it('aws.render prints the team config to stdout and writes no config or backup', async () => {
    const { env, box } = shared;
    const result = await runRobo(['aws.render', '--team', 'growth'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', 'growth.config'), 'utf8'),
    );
    expect(existsSync(path.join(box.home, '.aws'))).toBe(false);
    expect(existsSync(box.backupDir)).toBe(false);
  });

  it('shell completion: a bash and a zsh script, and task names from robo.yml (more in completion.e2e.test.ts)', async () => {
    const { env } = setup();
    const bash = await runRobo(['completion', 'bash'], { env });
    expect(bash.stdout).toContain('complete -o filenames -F _robo_complete robo');
    const zsh = await runRobo(['completion', 'zsh'], { env });
    expect(zsh.stdout).toContain('#compdef robo');
    // A Tab never clones: the first run of robo does. Until then only the built-ins complete.
    expect((await runRobo(['__complete', 'bash', '--', 's'], { env })).stdout).toBe('status\n');
    await runRobo([], { env });
    const words = await runRobo(['__complete', 'bash', '--', 's'], { env });
    expect(words.stdout.split('\n')).toEqual(expect.arrayContaining(['script', 'ssh.stage']));
    // As the scripts yargs made for older robos call it: robo's own name first.
    const fromScript = await runRobo(['--get-yargs-completions', 'robo', 'ss'], { env });
    expect(fromScript.stdout.trim().split('\n')).toEqual(['ssh.stage']);
    const all = await runRobo(['__complete', 'bash', '--', ''], { env });
    expect(all.stdout.split('\n')).toEqual(expect.arrayContaining(['aws.config', 'config.aws', 'trap', 'variables']));
  });
});

describe('robo variables with a broken robo.yml', () => {
  it('shows the variables with the problems as a warning (the problems point there), and --eval runs nothing', async () => {
    const box = makeSandbox();
    sandboxes.push(box);
    const file = path.join(box.root, 'robo.yml');
    const marker = path.join(box.root, 'ran');
    writeFileSync(
      file,
      `variables:\n  a: x\n  b: "{{ .a }}-y"\n  c: $(touch ${marker})\nt:\n  command: echo {{ .nope }}\n`,
    );
    const shown = await runRobo(['--tasks', file, 'variables'], { env: box.env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^ {2}b += x-y$/m);
    expect(shown.stderr).toContain(`${file}:6: task t: template {{ .nope }} names an undefined variable nope`);
    const json = await runRobo(['--tasks', file, '--json', 'variables'], { env: box.env });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      variables: { b: 'x-y' },
      robofile: { file, errors: [expect.stringContaining(':6: task t: template {{ .nope }}') as unknown] },
    });
    const evaluated = await runRobo(['--tasks', file, 'variables', '--eval'], { env: box.env });
    expect(evaluated.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });
});
