/**
 * ./robo.yml in the working folder (tj/robo's default file), beside the
 * dotfiles source's robo.yml: listed under its own heading, its tasks
 * winning over shared ones of the same name, never over built-ins; one
 * broken file leaves the other's tasks working; nothing in it runs unless
 * its task is named. Also `robo -q` (names only) and `-c`. In process
 * (runRobo), with the source a local folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { complete } from '../src/completion/complete.js';
import { exampleTree, writeTree } from './helpers/git.js';
import { runRobo, runRoboBinary } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

const SHARED = `build:
  summary: Shared build
  command: echo shared build
deploy:
  summary: Shared deploy
  command: echo shared deploy "$@"
`;

const LOCAL = `variables:
  where: here
build:
  summary: Local build
  command: echo local build {{ .where }}
test:
  summary: Local test
  command: echo local test "$@"
`;

/** A dotfiles folder with SHARED as its robo.yml, and a project folder with `local` as ./robo.yml. */
function setup(local: string | undefined = LOCAL, shared: string = SHARED) {
  const box = sandbox({ SEGMENT_TEAM: 'platform' });
  const dotfiles = path.join(box.root, 'dotfiles');
  writeTree(dotfiles, { ...exampleTree(), 'robo.yml': shared });
  const project = path.join(box.root, 'project');
  mkdirSync(project, { recursive: true });
  if (local !== undefined) writeFileSync(path.join(project, 'robo.yml'), local);
  const env = { ...box.env, ROBO_DOTFILES_REPO: dotfiles };
  const run = (args: string[], cwd = project) => runRobo(args, { env, cwd });
  return { box, dotfiles, project, env, run };
}

const listed = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim().split(' ')[0]);

describe('./robo.yml in the working folder', () => {
  it('is listed under its own heading, with the path; an override says so and hides the shared task', async () => {
    const { run, project, dotfiles } = setup();
    const result = await run([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const [main, local] = result.stdout.split(`Tasks from ./robo.yml (${path.join(project, 'robo.yml')}):\n`);
    expect(local).toBeDefined();
    expect(main).toContain(`Shared tasks from ${path.join(dotfiles, 'robo.yml')}.`);
    expect(listed(main!)).toContain('deploy');
    expect(listed(main!)).not.toContain('build');
    expect(listed(main!)).toContain('aws.config');
    expect(listed(local!)).toEqual(['build', 'test']);
    expect(local).toMatch(/^ {2}build +– Local build \(overrides the shared task\)$/m);
    expect(local).toMatch(/^ {2}test +– Local test$/m);
  });

  it('runs its tasks, a name the shared file also has included; the other shared tasks still run', async () => {
    const { run } = setup();
    expect((await run(['build'])).stdout).toBe('local build here\n');
    expect((await run(['test', 'a b'])).stdout).toBe('local test a b\n');
    expect((await run(['deploy', 'now'])).stdout).toBe('shared deploy now\n');
  });

  it('is read only in the working folder itself, not from a parent', async () => {
    const { run, project } = setup();
    const below = path.join(project, 'src');
    mkdirSync(below);
    expect((await run(['build'], below)).stdout).toBe('shared build\n');
    expect((await run(['test'], below)).code).toBe(2);
  });

  it('help, variables, --json and completion see the merged view', async () => {
    const { run, env, project } = setup();
    expect((await run(['help', 'build'])).stdout).toContain('Runs (command): echo local build here');
    expect((await run(['help', 'deploy'])).stdout).toContain('Runs (command): echo shared deploy "$@"');
    // robo variables: the working folder's robo.yml's, the one its tasks see.
    expect((await run(['variables'])).stdout).toMatch(/^ {2}where +\S* = here$/m);
    const json = JSON.parse((await run(['--json'])).stdout) as {
      tasks: Array<{ name: string; local: boolean; overrides: boolean; builtin: boolean }>;
      localRobofile: { file: string; errors: string[] } | null;
    };
    expect(json.tasks.filter((task) => task.name === 'build')).toEqual([
      expect.objectContaining({ name: 'build', local: true, overrides: true, builtin: false }),
    ]);
    expect(json.tasks.find((task) => task.name === 'deploy')).toMatchObject({ local: false, overrides: false });
    expect(json.localRobofile).toEqual({ file: path.join(project, 'robo.yml'), errors: [], warnings: [] });
    const completion = await complete({ words: [''], env, cwd: project });
    const words = completion.kind === 'words' ? completion.candidates.map((candidate) => candidate.word) : [];
    expect(words).toEqual(expect.arrayContaining(['build', 'deploy', 'test', 'aws.config']));
    expect(words.filter((word) => word === 'build')).toHaveLength(1);
    expect(completion.kind === 'words' && completion.candidates.find((c) => c.word === 'build')?.description).toBe(
      'Local build',
    );
  });

  it('cannot shadow a built-in', async () => {
    const { run } = setup(`aws.config:\n  command: echo hijacked\n${LOCAL}`);
    const result = await run([]);
    expect(result.stderr).toContain('task aws.config is refused: robo has a built-in task of that name');
    expect(result.stdout).not.toContain('hijacked');
    const names = (await run(['-q'])).stdout.split('\n');
    expect(names.filter((name) => name === 'aws.config')).toHaveLength(1);
  });

  it('runs nothing while robo lists, helps, completes or shows variables', async () => {
    const { run, env, project, box } = setup(
      'variables:\n  v: $(touch "$HOME/ran-v")\nt:\n  summary: x\n  command: touch "$HOME/ran-t"\n',
    );
    await run([]);
    await run(['-q']);
    await run(['help', 't']);
    await run(['variables']);
    await run(['teams.list']);
    await complete({ words: [''], env, cwd: project });
    expect(existsSync(path.join(box.home, 'ran-v'))).toBe(false);
    expect(existsSync(path.join(box.home, 'ran-t'))).toBe(false);
    await run(['t']);
    expect(existsSync(path.join(box.home, 'ran-t'))).toBe(true);
  });

  it('run in the dotfiles folder itself, it is one file, not two', async () => {
    const { run, dotfiles } = setup();
    const result = await run([], dotfiles);
    expect(result.stdout).not.toContain('Tasks from ./robo.yml');
    expect(listed(result.stdout).filter((name) => name === 'build')).toHaveLength(1);
    expect((await run(['build'], dotfiles)).stdout).toBe('shared build\n');
  });

  it('is not read when a tasks file is named (--tasks, -c, $ROBO_TASKS)', async () => {
    const { run, env, project, dotfiles } = setup();
    const named = path.join(dotfiles, 'robo.yml');
    for (const args of [
      ['--tasks', named, 'build'],
      ['-c', named, 'build'],
    ])
      expect((await run(args)).stdout).toBe('shared build\n');
    const viaEnv = await runRobo(['build'], { env: { ...env, ROBO_TASKS: named }, cwd: project });
    expect(viaEnv.stdout).toBe('shared build\n');
    expect((await run(['-c', named])).stdout).not.toContain('Tasks from');
  });

  it('broken past reading its names (YAML): listed as unavailable, and no robo.yml task runs, since it may hold any', async () => {
    const { run, project } = setup(`${LOCAL}oops: [\n`);
    const list = await run([]);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain(`${path.join(project, 'robo.yml')} is invalid, so its tasks are not available`);
    expect(listed(list.stdout)).toEqual(expect.arrayContaining(['build', 'deploy']));
    expect(list.stdout).not.toContain('Local build');
    // No heading with nothing under it: the warning says why the file's tasks are missing.
    expect(list.stdout).not.toContain('Tasks from ./robo.yml');
    for (const task of ['deploy', 'test']) {
      const stopped = await run([task]);
      expect(stopped.code).toBe(3);
      expect(stopped.stdout).toBe('');
      expect(stopped.stderr).toContain(`${path.join(project, 'robo.yml')}:9: YAML:`);
    }
    expect((await run(['teams.list'])).code).toBe(0);
  });

  it('broken in the very task: its name stops with exit 3 rather than run the shared task of that name', async () => {
    const { run, project } = setup(LOCAL.replace('{{ .where }}', '{{ .typo }}'));
    for (const args of [['build'], ['help', 'build']]) {
      const result = await run(args);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${path.join(project, 'robo.yml')}:5: task build:`);
    }
    // A name it does not declare is the shared file's.
    expect((await run(['deploy'])).stdout).toBe('shared deploy\n');
  });

  it('broken with a task that still parses: that name stops with exit 3 rather than run the shared task', async () => {
    const { run } = setup(`${LOCAL}bad:\n  colour: red\n`);
    const result = await run(['build']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });

  it.each<[string, string, (file: string) => void]>([
    ['a folder', 'is a folder, not a file', (file) => mkdirSync(file)],
    // Reading a FIFO would wait for a writer: robo only looks at what it is.
    ['a FIFO', 'is a FIFO, not a file', (file) => execFileSync('mkfifo', [file])],
    // A link whose target is gone: there, but nothing to read.
    ['a dangling link', 'is a link to gone.yml, which does not exist', (file) => symlinkSync('gone.yml', file)],
    ['a link to itself', 'is a link to robo.yml, which cannot be followed', (file) => symlinkSync('robo.yml', file)],
  ])(
    '%s named robo.yml: robo warns that it is not a file, as for a broken one, and the shared tasks run',
    async (_name, problem, make) => {
      const { run, project } = setup();
      const file = path.join(project, 'robo.yml');
      rmSync(file);
      make(file);
      const list = await run([]);
      expect(list.code).toBe(0);
      expect(list.stderr).toContain(`${file} is invalid, so its tasks are not available`);
      expect(list.stderr).toContain(`${file}:1: ${problem}`);
      expect(listed(list.stdout)).toEqual(expect.arrayContaining(['build', 'deploy']));
      expect(list.stdout).not.toContain('Tasks from ./robo.yml');
      const json = JSON.parse((await run(['--json'])).stdout) as { localRobofile: { errors: string[] } };
      expect(json.localRobofile.errors).toEqual([`${file}:1: ${problem}`]);
      // It holds no task names, so every shared task runs.
      expect(await run(['deploy', 'now'])).toMatchObject({ code: 0, stdout: 'shared deploy now\n' });
      expect(await run(['build'])).toMatchObject({ code: 0, stdout: 'shared build\n' });
    },
  );

  it('a broken shared robo.yml leaves the local tasks working', async () => {
    const { run } = setup(LOCAL, 'deploy: [\n');
    expect((await run(['test'])).stdout).toBe('local test\n');
    expect((await run(['build'])).stdout).toBe('local build here\n');
    expect((await run(['deploy'])).code).toBe(3);
  });
});

describe('robo -q: task names only', () => {
  it('one a line, sorted, built-ins included, each once', async () => {
    const { run } = setup();
    const result = await run(['-q']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const names = result.stdout.trimEnd().split('\n');
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['aws.config', 'teams.list', 'build', 'deploy', 'test']));
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => /^[\w.:-]+$/.test(name))).toBe(true);
    expect((await run(['--quiet'])).stdout).toBe(result.stdout);
  });

  it('says nothing of a broken robo.yml: its tasks are simply absent', async () => {
    const { run } = setup('oops: [\n');
    const result = await run(['-q']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toContain('deploy');
    expect(result.stdout.split('\n')).not.toContain('test');
  });

  it('with --json, the JSON list as always', async () => {
    const { run } = setup();
    const json = JSON.parse((await run(['-q', '--json'])).stdout) as { ok: boolean; tasks: unknown[] };
    expect(json.ok).toBe(true);
    expect(json.tasks.length).toBeGreaterThan(5);
  });

  it('with a task, -q keeps its meaning for built-ins: quiet', async () => {
    const { run } = setup();
    const result = await run(['-q', 'aws.config']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
  });
});

describe('-c through the binary', () => {
  it('robo -c compose.yml all runs task all', async () => {
    const { env, project } = setup();
    writeFileSync(path.join(project, 'compose.yml'), 'all:\n  command: echo all of it\n');
    const result = await runRoboBinary(['-c', 'compose.yml', 'all'], { env, cwd: project });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('all of it\n');
    expect(result.code).toBe(0);
  });
});
