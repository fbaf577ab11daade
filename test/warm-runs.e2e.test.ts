/**
 * Warm runs: a git source already cloned and rendered. When the remote has
 * nothing new, robo asks it once (ls-remote) and uses the block it rendered
 * for that commit, team and build before (~/.cache/robo/rendered/<team>),
 * without the clone's lock, status, fetch or reset; anything else (no entry,
 * another commit, a damaged or foreign entry) sends it down the full path.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitTree,
  copyWarmHome,
  exampleTree,
  fileUrl,
  headCommit,
  makeDotfilesRepo,
  organizationDefining,
} from './helpers/git.js';
import { projectRoot, runRobo, runRoboBinary } from './helpers/robo.js';
import { testLogFile, waitForStep } from './helpers/test-log.js';
import { makeSandbox, sandboxes, type Sandbox } from './helpers/sandbox.js';
import { acquireLock, lockPath } from '../src/system/lock.js';

const sandbox = sandboxes();
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');

/** The git commands a run started, from GIT_TRACE (robo passes it on to git). */
function gitCommands(trace: string): string[] {
  return [...readFileSync(trace, 'utf8').matchAll(/trace: built-in: git (\S+)/g)].map((match) => match[1]!);
}

/** A folder holding a `git` that runs `script` (given the real git's path) instead: put it first on PATH. */
function fakeGit(root: string, script: (git: string) => string): string {
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\n${script(realGit)}\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  return bin;
}

function sandboxOn(box: Sandbox, repo: string) {
  const env: NodeJS.ProcessEnv = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
  const clone = () => path.join(box.cacheDir, 'sources', readdirSync(path.join(box.cacheDir, 'sources'))[0]!);
  return { box, repo, env, clone };
}

/**
 * The repo the tests run on, and a home that one run of aws.config made warm
 * from it (the clone, the rendered block, the config): made once for the
 * file, and copied by each test instead of cloning again. robo keys the clone
 * on the repo's URL, so the repo stays at its path: each test gets it back as
 * it was (a copy of the same commits) and may change it.
 */
let warmHome: { box: Sandbox; repo: string };
beforeAll(async () => {
  const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
  const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
  warmHome = { box, repo };
  const first = await runRobo(['aws.config'], { env: sandboxOn(box, repo).env });
  expect(first.code, first.stderr).toBe(0);
});
afterAll(() => warmHome.box.cleanup());

/** A sandbox whose home is a copy of the warm one, on the repo as the warm run found it. */
function warmCopy() {
  return sandboxOn(copyWarmHome(warmHome.box, warmHome.repo, sandbox({ SEGMENT_TEAM: 'platform' })), warmHome.repo);
}

describe('warm runs', () => {
  it('with nothing new upstream: one git command (ls-remote), and nothing written', async () => {
    const { box, env } = warmCopy();
    const before = statSync(box.awsConfig);

    const trace = path.join(box.root, 'git-trace');
    const warm = await runRobo(['aws.config'], { env: { ...env, GIT_TRACE: trace } });
    expect(warm.stderr).toBe('');
    expect(warm.code).toBe(0);
    expect(warm.stdout).toContain('already up to date');
    // upload-pack is the other end of ls-remote over file://.
    expect(gitCommands(trace).filter((command) => command !== 'upload-pack')).toEqual(['ls-remote']);
    const after = statSync(box.awsConfig);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('a new commit upstream is fetched and used; the run after it is warm again', async () => {
    const { box, repo, env, clone } = warmCopy();
    const team = JSON.parse(exampleTree()['teams/platform.json']!) as { hub_role: string };
    const upstream = commitTree(
      repo,
      {
        ...organizationDefining('platform-v2'),
        'teams/platform.json': JSON.stringify({ ...team, hub_role: 'platform-v2' }),
      },
      'new hub role',
    );

    const trace = path.join(box.root, 'git-trace');
    const changed = await runRobo(['aws.config'], { env: { ...env, GIT_TRACE: trace } });
    expect(changed.code).toBe(0);
    expect(gitCommands(trace)).toContain('fetch');
    expect(readFileSync(box.awsConfig, 'utf8')).toContain('role_arn = arn:aws:iam::100000000001:role/platform-v2');
    expect(headCommit(clone())).toBe(upstream);

    writeFileSync(trace, '');
    expect((await runRobo(['aws.config'], { env: { ...env, GIT_TRACE: trace } })).code).toBe(0);
    expect(gitCommands(trace).filter((command) => command !== 'upload-pack')).toEqual(['ls-remote']);
  });

  it('the block rendered for this commit before is used as it is: the clone is not even read', async () => {
    const { box, env, clone } = warmCopy();
    const before = statSync(box.awsConfig);
    // Someone edits and deletes files in the clone; upstream is unchanged.
    writeFileSync(path.join(clone(), 'teams', 'platform.json'), JSON.stringify({ hub_role: 'evil', profiles: [] }));
    rmSync(path.join(clone(), 'organization.json'));

    const trace = path.join(box.root, 'git-trace');
    const warm = await runRobo(['aws.config'], { env: { ...env, GIT_TRACE: trace } });
    expect(warm.stderr).toBe('');
    expect(warm.code).toBe(0);
    expect(gitCommands(trace).filter((command) => command !== 'upload-pack')).toEqual(['ls-remote']);
    const after = statSync(box.awsConfig);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform'));
    // aws.render reads the same cache, and prints the commit's block too.
    const rendered = await runRobo(['aws.render'], { env });
    expect(rendered.code).toBe(0);
    expect(snapshot('platform')).toContain(rendered.stdout.trim());
  });

  it('without a rendered block, edits in the clone never reach the config: the bytes are checked and the clone made clean', async () => {
    const { box, repo, env, clone } = warmCopy();
    const platform = path.join(clone(), 'teams', 'platform.json');
    const organization = path.join(clone(), 'organization.json');
    for (const [file, edit] of [
      [platform, JSON.stringify({ hub_role: 'evil', profiles: [] })],
      [organization, readFileSync(organization, 'utf8').replace('"us-west-2"', '"eu-west-1"')],
    ] as const) {
      rmSync(path.join(box.cacheDir, 'rendered'), { recursive: true, force: true });
      const committed = readFileSync(file, 'utf8');
      writeFileSync(file, edit);
      const result = await runRobo(['aws.config'], { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform'));
      // The full path ran: it reset the clone to the commit.
      expect(readFileSync(file, 'utf8')).toBe(committed);
    }
    expect(headCommit(clone())).toBe(headCommit(repo));
  });

  it('a config edited while git runs is planned as it is after: the edit is backed up, the block repaired', async () => {
    const { box, env } = warmCopy();
    const written = readFileSync(box.awsConfig, 'utf8');
    // A git that, asked ls-remote, answers it and then, before it exits, damages robo's block the
    // way an editor would (a new file): the edit lands while robo waits for git, so a robo that read
    // or planned the config before its source settled would miss it. No sleep: the order is git's.
    const bin = fakeGit(
      box.root,
      (git) =>
        `if [ "$1" = ls-remote ]; then '${git}' "$@"; rc=$?; sed 's/role_arn = arn:aws:iam::100000000001:role\\/platform$/role_arn = edited/' '${box.awsConfig}' > '${box.awsConfig}.new' && mv '${box.awsConfig}.new' '${box.awsConfig}'; exit $rc; fi\nexec '${git}' "$@"`,
    );

    const result = await runRobo(['aws.config'], { env: { ...env, PATH: `${bin}:${env.PATH}` } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('successfully updated');
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
    const backups = readdirSync(box.backupDir).filter((name) => name.startsWith('awsconfig-'));
    expect(backups.map((name) => readFileSync(path.join(box.backupDir, name), 'utf8'))).toContain(
      written.replace('role_arn = arn:aws:iam::100000000001:role/platform\n', 'role_arn = edited\n'),
    );
  });

  it('a change waits for a held lock, then plans from the file as it is then', async () => {
    const { box, env } = warmCopy();
    const platform = readFileSync(box.awsConfig, 'utf8');
    // robo says in its test-only log when it starts waiting for the lock.
    const log = testLogFile(box.root);

    const lock = await acquireLock(lockPath(box.cacheDir, 'target', realpathSync(box.awsConfig)), 'the test');
    let released = false;
    try {
      // In this process: the run waits on the lock file, which knows no holder's process.
      const running = runRobo(['aws.config', '--team', 'data'], {
        env: { ...env, ROBO_TEST_LOG: log },
        timeoutMs: 30_000,
      });
      await waitForStep(log, `waiting for the lock on ${box.awsConfig}`);
      // While robo waits for the lock, someone adds a profile of their own.
      writeFileSync(box.awsConfig, `${platform}\n[profile mine]\nregion = eu-north-1\n`);
      await lock.release();
      released = true;
      const result = await running;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const written = readFileSync(box.awsConfig, 'utf8');
      expect(written).toBe(`${snapshot('data')}\n[profile mine]\nregion = eu-north-1\n`);
      const backups = readdirSync(box.backupDir).filter((name) => name.startsWith('awsconfig-'));
      expect(backups.map((name) => readFileSync(path.join(box.backupDir, name), 'utf8'))).toContain(
        `${platform}\n[profile mine]\nregion = eu-north-1\n`,
      );
    } finally {
      if (!released) await lock.release();
    }
  });

  it('a config that holds the block is still read on every run: a byte changed in place is noticed and repaired', async () => {
    const { box, repo, env } = warmCopy();
    const written = readFileSync(box.awsConfig, 'utf8');
    const before = statSync(box.awsConfig);
    expect((await runRobo(['aws.config'], { env })).stdout).toContain('already up to date');

    // Someone changes a byte of robo's block in place: same file, same size.
    const at = written.indexOf('role/platform');
    const handle = openSync(box.awsConfig, 'r+');
    writeSync(handle, 'X', at);
    closeSync(handle);
    expect(statSync(box.awsConfig).ino).toBe(before.ino);
    const fixed = await runRobo(['aws.config'], { env });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('successfully updated');
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);

    // A new commit upstream is not the one the block was rendered from.
    const team = JSON.parse(exampleTree()['teams/platform.json']!) as { hub_role: string };
    commitTree(
      repo,
      {
        ...organizationDefining('platform-v2'),
        'teams/platform.json': JSON.stringify({ ...team, hub_role: 'platform-v2' }),
      },
      'new hub role',
    );
    expect((await runRobo(['aws.config'], { env })).code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toContain('role/platform-v2');
  });

  it('the cache holds a block per team: another team at the same commit renders its own', async () => {
    const { box, env } = warmCopy();
    expect(existsSync(path.join(box.cacheDir, 'rendered', 'platform'))).toBe(true);
    const trace = path.join(box.root, 'git-trace');
    const data = await runRobo(['aws.config', '--team', 'data'], { env: { ...env, GIT_TRACE: trace } });
    expect(data.code).toBe(0);
    // The full path: the clone is looked at (status), not only the remote.
    expect(gitCommands(trace)).toContain('status');
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('data'));
    expect(existsSync(path.join(box.cacheDir, 'rendered', 'data'))).toBe(true);
  });

  it('a rendered block in the cache is used only if robo could have written it, and its profiles are its own', async () => {
    const { box, env } = warmCopy();
    const written = readFileSync(box.awsConfig, 'utf8');
    const entry = path.join(box.cacheDir, 'rendered', 'platform');
    const cached = readFileSync(entry, 'utf8');
    for (const tampered of [
      cached.replace('[profile dev]\n', '[profile dev]\ncredential_process = /tmp/evil\n'),
      cached.replace('[profile dev]\n', '[profile dev]\nregion = x\n[default]\n'),
      cached.replace('region = us-west-2\n', 'region = us-west-2 [x]\n'),
      // Characters whose latin1 encoding was "\n", "[" and "]": once a new section and a credential_process.
      cached.replace('[profile dev]\n', '[profile dev]\nregion = x\u010acredential_process = /tmp/evil\n'),
      cached.replace(
        '[profile dev]\n',
        '[profile dev]\nregion = x\u010a\u015bprofile evil\u015d\u010acredential_process = /tmp/evil\n',
      ),
    ]) {
      expect(tampered).not.toBe(cached);
      writeFileSync(entry, tampered);
      const result = await runRobo(['aws.config'], { env });
      expect(result.code).toBe(0);
      expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
    }
  });

  it('a damaged cache entry is ignored, never a crash', async () => {
    const { box, env } = warmCopy();
    const written = readFileSync(box.awsConfig, 'utf8');
    const entry = path.join(box.cacheDir, 'rendered', 'platform');
    const cached = readFileSync(entry, 'utf8');
    const newline = cached.indexOf('\n');
    writeFileSync(
      entry,
      `${JSON.stringify({ ...(JSON.parse(cached.slice(0, newline)) as object), warnings: [1, null] })}${cached.slice(newline)}`,
    );
    const damagedEntry = await runRobo(['aws.config'], { env });
    expect(damagedEntry.stderr).toBe('');
    expect(damagedEntry.code).toBe(0);

    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
  });

  it('what one build of robo cached is not used by another', async () => {
    // The warm home's block was cached by robo run from the sources (build 0.1.0+source): the binary's
    // first run does not use it, and caches its own.
    const { box, env } = warmCopy();
    expect((await runRoboBinary(['aws.config'], { env })).code).toBe(0);
    const written = readFileSync(box.awsConfig, 'utf8');
    // Another build cached a block that differs (as if its renderer did), for the same commit.
    const entry = path.join(box.cacheDir, 'rendered', 'platform');
    const cached = readFileSync(entry, 'utf8');
    const newline = cached.indexOf('\n');
    const about = JSON.parse(cached.slice(0, newline)) as { version: string };
    expect(about.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{16}$/);
    writeFileSync(
      entry,
      `${JSON.stringify({ ...about, version: '0.1.0+0000000000000000' })}\n${cached.slice(newline + 1).replace('role/platform\n', 'role/older\n')}`,
    );
    // robo run from the sources (build 0.1.0+source) is another build too.
    const result = await runRobo(['aws.config'], { env });
    expect(result.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
  });
});
