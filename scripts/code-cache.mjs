// Record V8's code cache for dist/robo.cjs (see bin/robo.cjs): run robo's
// common tasks once each, in a throw-away HOME, every run starting from the
// cache the one before left and adding the code it compiled. The example
// organisation bundled with robo, committed to a temp git repo, is the
// source, so the git paths (first clone, a warm run with nothing new, a
// change) are all exercised. Nothing outside the temp folder is touched.
//
// The cache is only an optimisation: if a run fails here, the build says so
// and keeps what it has; robo works the same without it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function recordCodeCache() {
  const bin = path.join(root, 'bin', 'robo.cjs');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'robo-code-cache-'));
  try {
    const home = path.join(tmp, 'home');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(tmp, 'config'),
      XDG_CACHE_HOME: path.join(tmp, 'cache'),
      AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
      ROBO_BACKUP_DIR: path.join(tmp, 'backups'),
      NO_COLOR: '1',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    mkdirSync(home, { recursive: true });
    const repo = exampleRepo(path.join(tmp, 'org'), env);
    const from = repo ? ['--repo', pathToFileURL(repo).href] : [];
    const failed = [];
    const run = (args, cache) => {
      const out = `${cache}.new`;
      const result = spawnSync(process.execPath, [bin, ...args], {
        cwd: home,
        env: { ...env, ROBO_CODE_CACHE_OUT: out },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 60_000,
      });
      if (result.status === 0 && existsSync(out)) renameSync(out, cache);
      else
        failed.push(
          `robo ${args.join(' ')}: exit ${result.status ?? result.signal}${result.stderr?.length ? `: ${result.stderr.toString().trim().split('\n')[0]}` : ''}`,
        );
    };
    // The first clone and full validation are not recorded: they happen once per commit.
    run(['aws.config', '--team', 'platform', ...from], path.join(tmp, 'unused.cache'));
    const runs = [
      ['aws.config', ['aws.config', '--team', 'platform', ...from]], // warm: nothing new, nothing written
      ['aws.config', ['aws.config', '--team', 'data', ...from]], // warm, and a change to back up and write
      ['default', ['aws.render', '--team', 'platform', ...from]],
      ['default', ['teams.validate', ...(repo ? [repo] : [])]],
      ['default', ['teams.list', ...from]],
      ['default', ['aws.backups']],
      ['default', []], // the task list (robo.yml)
      ['default', ['help', 'aws.config']],
      ['default', ['--version']],
    ];
    // Each run starts from the cache the one before left: see bin/robo.cjs.
    for (const [name, args] of runs) run(args, path.join(root, 'dist', `robo.cjs.${name}.cache`));
    if (failed.length > 0)
      console.warn(
        `code cache: ${failed.length} of ${runs.length + 1} runs failed (robo still works, it starts slower):\n  ${failed.join('\n  ')}`,
      );
    if (!repo) console.warn('code cache: git is not available, so the git paths were not recorded');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The bundled example organisation as a one-commit git repo, or undefined without git. */
function exampleRepo(dir, env) {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['organization.json', 'teams', 'robo.yml'])
    cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  const git = (...args) =>
    spawnSync(
      'git',
      [
        '-c',
        'init.defaultBranch=main',
        '-c',
        'commit.gpgsign=false',
        '-c',
        'user.name=robo build',
        '-c',
        'user.email=build@robo.invalid',
        ...args,
      ],
      { cwd: dir, env, stdio: 'ignore' },
    ).status === 0;
  return git('init', '-q') && git('add', '-A') && git('commit', '-q', '-m', 'example organisation') ? dir : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await recordCodeCache();
