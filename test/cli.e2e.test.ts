/** The command line itself: task list, help, version, flags, exit codes. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleTree, fileUrl, makeDotfilesRepo } from './helpers/git.js';
import { projectRoot, runRobo, runRoboBinary } from './helpers/robo.js';
import { makeSandbox } from './helpers/sandbox.js';

const box = makeSandbox();
afterAll(() => box.cleanup());
/** `env` with the preload that records which dist/vendor libraries the built executable loads (vendorLoaded). */
const vendorLog = path.join(box.root, 'vendor-loaded.txt');
const recording = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  NODE_OPTIONS: `--require ${path.join(projectRoot, 'test', 'fixtures', 'record-vendor.cjs')}`,
  ROBO_TEST_VENDOR_LOG: vendorLog,
});
const vendorLoaded = () => readFileSync(vendorLog, 'utf8').split('\n').filter(Boolean);
const version = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('robo', () => {
  it('with no task lists the tasks with one-line summaries', async () => {
    const result = await runRobo([], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^ {2}aws\.config +– Write your team's AWS profiles .*\(built-in; alias: config\.aws\)$/m,
    );
    expect(result.stdout).toContain('robo help TASK');
  });

  it.each([
    ['help', 'aws.config'],
    ['help', 'config.aws'],
    ['aws.config', '--help'],
  ])('robo %s %s shows the task usage and its flags', async (...args) => {
    const result = await runRobo(args, { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('robo aws.config [--team TEAM]');
    for (const flag of ['--team', '--repo', '--ref', '--quiet', '--verbose']) expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('SEGMENT_TEAM=platform robo aws.config');
  });

  // Through the binary: the smallest whole run of the built executable.
  it('--version prints the package version, and loads none of the libraries kept beside the bundle', async () => {
    // A static import of a module that imports yaml (119 KB) once put it in every start-up: 15-20 ms.
    const result = await runRoboBinary(['--version'], { env: recording(box.env) });
    expect(result.stdout.trim()).toBe(version);
    expect(vendorLoaded()).toEqual([]);
  });

  it('the built executable loads each library kept beside the bundle (dist/vendor/) where a task needs it, and prints no colour when stdout is not a terminal', async () => {
    // In-process tests run the sources; only the binary shows a library file missing or its exports lost.
    const repo = makeDotfilesRepo(path.join(box.root, 'vendor-dotfiles'), {
      ...exampleTree(),
      'robo.yml': 'hello:\n  summary: Say hello\n  command: echo hello\n',
    });
    const env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
    // simple-git (the clone), jsonc-parser (the definitions), proper-lockfile (the write); not yaml: the
    // clone's robo.yml is no business of aws.config's.
    // Its stdout is a real pipe: no colour.
    const written = await runRoboBinary(['aws.config', '--team', 'platform'], {
      env: { ...recording(env), FORCE_COLOR: undefined },
    });
    expect(vendorLoaded()).toEqual(['jsonc-parser', 'proper-lockfile', 'simple-git']);
    expect(written.stderr + written.stdout).toContain('successfully updated');
    expect(written.code).toBe(0);
    expect(written.stdout).not.toContain('\u001b[');
    // diff
    writeFileSync(box.awsConfig, readFileSync(box.awsConfig, 'utf8').replace(/^region = .*$/m, 'region = xx-east-9'));
    const diff = await runRoboBinary(['aws.config', '--team', 'platform', '--dry-run', '--diff'], { env });
    expect(diff.code).toBe(6);
    expect(diff.stdout).toMatch(/^-region = xx-east-9$/m);
    // yaml (robo.yml of the clone)
    const listed = await runRoboBinary([], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ {2}hello +– Say hello$/m);
  });

  it('the bundle carries the version, not package.json with its devDependencies', () => {
    const bundle = readFileSync(path.join(projectRoot, 'dist', 'robo.cjs'), 'utf8');
    expect(bundle).toContain(JSON.stringify(version));
    expect(bundle).not.toContain('devDependencies');
  });

  it.each([
    [['deploy'], 'unknown task "deploy"'],
    [['deploy', '-c', 'x.yml'], "-c comes after the task name, so it is the task's argument: give it before"],
    [['deploy', '--config=x.yml'], '--config=x.yml comes after the task name'],
    [['help', 'deploy'], 'unknown task "deploy"'],
    [['aws.config', '--tema', 'x'], 'unknown option --tema; see robo help aws.config'],
    [['aws.config', 'extra'], 'unexpected argument "extra"'],
    [['aws.config', '--repo', ''], '--repo is empty'],
    [['aws.config', '--ref='], '--ref is empty'],
    [['aws.config', '--team', 'a', '--team', 'b'], '--team is given more than once'],
    [['aws.restore', '/etc/hostname'], 'is not a robo backup (awsconfig-<32 hex>)'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await runRobo(args, { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('--quiet prints nothing on success', async () => {
    const result = await runRobo(['aws.config', '--team', 'fpa', '--quiet'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
  });

  it('a missing team says how to give one and lists the teams', async () => {
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no team given: pass --team TEAM or set SEGMENT_TEAM');
    expect(result.stderr).toContain('known teams: data, foundation, fpa, growth, platform, security');
  });

  it('a bad settings file names the file and key (exit 2)', async () => {
    const settings = makeSandbox();
    try {
      const file = path.join(settings.home, '.config', 'robo', 'config');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '[dotfiles]\nrepository = x\n');
      const result = await runRobo(['aws.config', '--team', 'fpa'], { env: settings.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${file}: [dotfiles] repository: unknown key (known: repo, ref, timeout)`);
    } finally {
      settings.cleanup();
    }
  });

  // Through the binary: the stack as the bundle shows it, with the error's own class name.
  it('shows the stack of an error only with --verbose', async () => {
    const quiet = await runRoboBinary(['aws.config', '--team', 'fpa', '--repo', '/nonexistent/dotfiles'], {
      env: box.env,
    });
    expect(quiet.code).toBe(4);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runRoboBinary(
      ['aws.config', '--team', 'fpa', '--repo', '/nonexistent/dotfiles', '--verbose'],
      {
        env: box.env,
      },
    );
    expect(verbose.code).toBe(4);
    expect(verbose.stderr).toMatch(/SourceError: dotfiles source \/nonexistent\/dotfiles .*\n\s+at /);
  });
});

describe('robo help', () => {
  it('with no task lists the tasks, like robo alone', async () => {
    const alone = await runRobo([], { env: box.env });
    const help = await runRobo(['help'], { env: box.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(alone.stdout);
  });
});
