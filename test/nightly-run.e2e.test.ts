/**
 * `robo nightly run`, what the scheduled job runs: exactly one log line per
 * run (changed, unchanged, offline since, failed), nothing printed with
 * --quiet, and a non-zero exit code whenever the scheduler should record a
 * failure: a permanent one (missing ref or repository, invalid definitions,
 * unknown team) or a cached clone used for longer than [nightly] max_offline.
 * Real git (file:// and git daemon on 127.0.0.1); dates are set on commits
 * and in the log instead of waiting.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { commitTree, copyWarmHome, fileUrl, headCommit, makeDotfilesRepo, startGitDaemon } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { makeSandbox, sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();
const logOf = (box: Sandbox) => path.join(box.stateDir, 'nightly.log');
const lines = (box: Sandbox) =>
  existsSync(logOf(box)) ? readFileSync(logOf(box), 'utf8').split('\n').filter(Boolean) : [];
const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;
const run = (box: Sandbox, env: NodeJS.ProcessEnv = {}, args: string[] = ['--quiet']) =>
  runRobo(['nightly', 'run', ...args], { env: { ...box.env, ...env } });

function settings(box: Sandbox, text: string): void {
  const file = path.join(box.home, '.config', 'robo', 'config');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** An empty commit whose committer date (the one robo reads) is `date`. */
function commitAt(repo: string, date: Date): void {
  const when = date.toISOString();
  const identity = {
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'recent'], {
    cwd: repo,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...identity, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
  });
}

/** A dotfiles repo served by git daemon, so stopping the daemon makes the source unreachable for a while (not gone). */
async function served(box: Sandbox, committed?: Date) {
  const repo = makeDotfilesRepo(path.join(box.root, 'served', 'dotfiles.git'));
  if (committed) commitAt(repo, committed);
  const daemon = await startGitDaemon(path.dirname(repo));
  return { repo, daemon, url: daemon.url('dotfiles.git'), commit: headCommit(repo) };
}

/**
 * A repo (over file://) and a home one quiet nightly run of team platform
 * made from it (the clone, the config, one "changed" line in the log): made
 * once for the file, and copied by a test whose point is not the clone.
 * robo keys the clone on the repo's URL, so the repo stays at its path: each
 * copy gets it back as that run found it, and the test may change it.
 */
let warm: Sandbox;
let warmRepo: string;
beforeAll(async () => {
  warm = makeSandbox({ SEGMENT_TEAM: 'platform' });
  warmRepo = makeDotfilesRepo(path.join(warm.root, 'dotfiles'));
  settings(warm, `[dotfiles]\nrepo = ${fileUrl(warmRepo)}\n`);
  const first = await run(warm);
  expect([first.code, first.stdout, first.stderr]).toEqual([0, '', '']);
});
afterAll(() => warm.cleanup());

/** A sandbox with the warm home's settings and clone (with `all`, its config and log too), on its repo as it was. */
function warmCopy({ all }: { all: boolean }): Sandbox {
  const parts = all ? [''] : ['.config', path.relative(warm.home, warm.cacheDir)];
  return copyWarmHome(warm, warmRepo, sandbox({ SEGMENT_TEAM: 'platform' }), parts);
}

/** Seconds, as the log writes times. */
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('robo nightly run: one line per run', () => {
  it('changed, then unchanged; with --quiet nothing is printed', async () => {
    // The warm home's settings and clone, without its config or log: the first run writes the config.
    const box = warmCopy({ all: false });
    const commit = headCommit(warmRepo).slice(0, 12);

    const first = await run(box);
    expect([first.code, first.stdout, first.stderr]).toEqual([0, '', '']);
    expect(readFileSync(box.awsConfig, 'utf8')).toContain('# >>> robo aws.config - team platform');
    const second = await run(box);
    expect([second.code, second.stdout, second.stderr]).toEqual([0, '', '']);
    expect(lines(box)).toHaveLength(2);
    expect(lines(box)[0]).toMatch(new RegExp(`^${TIME} platform ${commit} changed$`));
    expect(lines(box)[1]).toMatch(new RegExp(`^${TIME} platform ${commit} unchanged$`));
  });

  it('without --quiet, prints the line it logs; the log is where $ROBO_NIGHTLY_LOG says', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'fpa' });
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const log = path.join(box.root, 'logs', 'robo.log');
    const result = await run(box, { ROBO_DOTFILES_REPO: repo, ROBO_NIGHTLY_LOG: log }, []);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${TIME} fpa - changed\n$`));
    expect(readFileSync(log, 'utf8')).toBe(result.stdout);
    expect(existsSync(logOf(box))).toBe(false);
  });

  it('offline: uses the cached clone, logs since when, exits 0 while under max_offline and 4 over it', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const { daemon, url, commit } = await served(box);
    settings(box, `[dotfiles]\nrepo = ${url}\n`);
    expect((await run(box)).code).toBe(0);
    await daemon.stop();
    const [reached] = lines(box);

    // The clone's commit is from 2024, but the first run found it current just now: one night stale at most.
    const offline = await run(box);
    expect([offline.code, offline.stdout, offline.stderr]).toEqual([0, '', '']);
    const since = reached!.slice(0, 20);
    expect(lines(box)[1]).toMatch(
      new RegExp(`^${TIME} platform ${commit.slice(0, 12)} offline since ${since}: .*127\\.0\\.0\\.1`),
    );

    // The same, had the last run that reached it been 8 days ago: over the default of 7 days.
    const eightDaysAgo = iso(new Date(Date.now() - 8 * 24 * 3_600_000));
    writeFileSync(logOf(box), `${eightDaysAgo} platform ${commit.slice(0, 12)} unchanged\n`);
    const stale = await run(box);
    expect([stale.code, stale.stdout, stale.stderr]).toEqual([4, '', '']);
    expect(lines(box)[1]).toMatch(
      new RegExp(`^${TIME} platform ${commit.slice(0, 12)} offline since ${eightDaysAgo} \\(over max_offline 7d\\): `),
    );
    expect(readFileSync(box.awsConfig, 'utf8')).toContain('# >>> robo aws.config - team platform');

    // A longer threshold in the settings: fine again.
    settings(box, `[dotfiles]\nrepo = ${url}\n\n[nightly]\nmax_offline = 10d\n`);
    expect((await run(box)).code).toBe(0);
  });

  it('offline with no run that reached the source: the commit date counts', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'data' });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
    const { daemon, url } = await served(box, twoDaysAgo);
    // The clone comes from aws.config by hand: no log line says when the source was reached.
    expect((await runRobo(['aws.config'], { env: { ...box.env, ROBO_DOTFILES_REPO: url } })).code).toBe(0);
    await daemon.stop();
    settings(box, `[dotfiles]\nrepo = ${url}\n`);
    const young = await run(box);
    expect(young.code).toBe(0);
    expect(lines(box)[0]).toContain(`offline since ${iso(twoDaysAgo)}: `);

    settings(box, `[dotfiles]\nrepo = ${url}\n\n[nightly]\nmax_offline = 36h\n`);
    const old = await run(box);
    expect(old.code).toBe(4);
    expect(lines(box)[1]).toContain('(over max_offline 36h)');
  });
});

describe('robo nightly run: failures that will not pass exit non-zero', () => {
  // Each case starts from the warm home's settings and clone, without its config or log.
  it.each([
    ['a ref the repository does not have', { ROBO_DOTFILES_REF: 'no-such-branch' }, 4, /failed: .*no-such-branch/],
    [
      'a repository that is not there',
      { ROBO_DOTFILES_REPO: 'file:///nonexistent/dotfiles.git' },
      4,
      /failed: cannot clone file:\/\/\/nonexistent\/dotfiles\.git/,
    ],
    [
      'an unknown team',
      { SEGMENT_TEAM: 'platfrom' },
      2,
      /^\S+ platfrom - failed: unknown team "platfrom" \(from \$SEGMENT_TEAM\) .*did you mean platform\?; known teams: /,
    ],
    ['no team anywhere', { SEGMENT_TEAM: undefined }, 2, /^\S+ - - failed: no team given/],
  ])('%s: its exit code, one failed line, nothing printed', async (_name, env, code, line) => {
    const box = warmCopy({ all: false });
    const result = await run(box, env);
    expect([result.code, result.stdout, result.stderr]).toEqual([code, '', '']);
    expect(lines(box)).toHaveLength(1);
    expect(lines(box)[0]).toMatch(line);
    expect(existsSync(box.awsConfig)).toBe(false);
  });

  it('a ref the repository does not have, on a home with nothing cloned yet: exit 4, one failed line, no clone left', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    rmSync(warmRepo, { recursive: true, force: true });
    makeDotfilesRepo(warmRepo);
    settings(box, `[dotfiles]\nrepo = ${fileUrl(warmRepo)}\n`);
    const result = await run(box, { ROBO_DOTFILES_REF: 'no-such-branch' });
    expect([result.code, result.stdout, result.stderr]).toEqual([4, '', '']);
    expect(lines(box)).toHaveLength(1);
    expect(lines(box)[0]).toMatch(/failed: .*no-such-branch/);
    expect(existsSync(box.awsConfig)).toBe(false);
    const sources = path.join(box.cacheDir, 'sources');
    expect(existsSync(sources) ? readdirSync(sources) : []).toEqual([]);
  });

  it('invalid definitions: exit 3, the config as it was, and the problems on a terminal run', async () => {
    // A home one good run made: its config, its clone, its log line.
    const box = warmCopy({ all: true });
    const repo = warmRepo;
    commitTree(repo, { 'teams/platform.json': '{ "hub_role": 7 }' }, 'broken');
    const before = treeState(path.dirname(box.awsConfig));

    const quiet = await run(box);
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([3, '', '']);
    expect(lines(box)[1]).toMatch(
      new RegExp(
        `^${TIME} platform - failed: invalid definitions in ${fileUrl(repo)}; nothing was written; teams/platform.json`,
      ),
    );
    expect(treeState(path.dirname(box.awsConfig))).toEqual(before);

    const loud = await run(box, {}, []);
    expect(loud.code).toBe(3);
    expect(loud.stdout).toContain('failed: invalid definitions');
    expect(loud.stderr).toContain('✖ : invalid definitions in');
    expect(loud.stderr).toContain('teams/platform.json');
  });

  it('no dotfiles source configured: exit 2, not a refresh from the bundled example', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const result = await run(box);
    expect(result.code).toBe(2);
    expect(lines(box)).toEqual([
      expect.stringMatching(/ platform - failed: no dotfiles source configured .*run robo onboard --repo URL$/),
    ]);
    expect(existsSync(box.awsConfig)).toBe(false);
  });

  it('--json gives the entry and the exit code', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const result = await run(box, {}, ['--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      task: 'nightly',
      action: 'run',
      result: 'failed',
      team: 'platform',
      exitCode: 2,
      logFile: logOf(box),
    });
  });
});
