/**
 * Refs and fetch failures end to end, over file:// and git daemon on
 * 127.0.0.1: a ref means the same on a fresh cache and an old one; a name
 * that is both a branch and a tag is refused; a ref or repository that is
 * gone fails (exit 4) instead of falling back to the cached clone; a fetch
 * that fails for a passing reason falls back, and says so even with --quiet.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitTree,
  fileUrl,
  git,
  headCommit,
  makeDotfilesRepo,
  organizationDefining,
  startGitDaemon,
  type GitDaemon,
} from './helpers/git.js';
import { treeState } from './helpers/files.js';
import { runRobo, type RunResult } from './helpers/robo.js';
import { makeSandbox, sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** The team file of fpa with its hub role set to `hubRole`: which commit a config came from shows in its role_arn. */
const fpaWith = (hubRole: string) => ({
  ...organizationDefining(hubRole),
  'teams/fpa.json': JSON.stringify({ hub_role: hubRole, profiles: [] }),
});
const hubRoleOf = (box: Sandbox) =>
  /^role_arn = arn:aws:iam::100000000001:role\/(.*)$/m.exec(readFileSync(box.awsConfig, 'utf8'))?.[1];
const clonesOf = (box: Sandbox) =>
  existsSync(path.join(box.cacheDir, 'sources')) ? readdirSync(path.join(box.cacheDir, 'sources')) : [];
const cloneHead = (box: Sandbox) => headCommit(path.join(box.cacheDir, 'sources', clonesOf(box)[0]!));
/** The home folder as a failed run must leave it (the locks folder aside, and the settings file a test writes). */
const homeState = (box: Sandbox) => treeState(box.home, (rel) => !rel.includes('locks') && !rel.startsWith('.config'));
const stderrLines = (result: RunResult) => result.stderr.split('\n').filter(Boolean);

/** A way of serving the repos under a folder: `url` gives robo's URL of one of them. */
interface Transport {
  url(name: string): string;
  stop(): Promise<void>;
}

/** Both ways of reaching a repo the tests use: a file:// URL, and git daemon on 127.0.0.1. */
function transports(): Array<[string, (served: string) => Promise<Transport>]> {
  return [
    ['file://', async (served) => ({ url: (name) => fileUrl(path.join(served, name)), stop: async () => {} })],
    [
      'git daemon',
      async (served) => {
        const daemon: GitDaemon = await startGitDaemon(served);
        return { url: (name) => daemon.url(name), stop: () => daemon.stop() };
      },
    ],
  ];
}

/** The repo every ref test starts from, built once for both transports (outside what they serve); each test changes its own copy. */
let template: string;
beforeAll(() => {
  template = path.join(mkdtempSync(path.join(os.tmpdir(), 'robo-refs-')), 'dotfiles.git');
  const repo = makeDotfilesRepo(template);
  commitTree(repo, fpaWith('fpa-tag'), 'the tag x');
  git(repo, 'tag', 'x');
  git(repo, 'checkout', '-q', '-b', 'x', 'main');
  commitTree(repo, fpaWith('fpa-branch'), 'the branch x');
  git(repo, 'checkout', '-q', 'main');
});
afterAll(() => rmSync(path.dirname(template), { recursive: true, force: true }));

describe.each(transports())('a ref over %s', (_name, serve) => {
  let served: string;
  let transport: Transport;
  let count = 0;
  beforeAll(async () => {
    served = makeSandbox().root;
    transport = await serve(served);
  });
  afterAll(async () => {
    await transport.stop();
    rmSync(served, { recursive: true, force: true });
  });

  /** A new repo under `served`: main, then branch x and tag x on different commits (each with its own fpa hub role). */
  const repoWithBranchAndTag = () => {
    const name = `dotfiles-${(count += 1)}.git`;
    const repo = path.join(served, name);
    cpSync(template, repo, { recursive: true });
    return { repo, url: transport.url(name) };
  };

  it('a name that is both a branch and a tag is refused on a fresh cache: exit 2, naming both, nothing written', async () => {
    const { url } = repoWithBranchAndTag();
    const box = sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url });
    const result = await runRobo(['aws.config', '--ref', 'x'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `ref "x" (--ref) is both a branch and a tag in ${url}: refs/heads/x and refs/tags/x`,
    );
    expect(result.stderr).toContain('write the one you mean in full: --ref refs/heads/x or --ref refs/tags/x');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(box.awsConfig)).toBe(false);
    expect(clonesOf(box)).toEqual([]);
  });

  it('an old clone refuses it too, where `git fetch origin x` took the tag, whichever way the ref was set', async () => {
    // The clone was made while x was only a branch.
    const { repo, url } = repoWithBranchAndTag();
    git(repo, 'tag', '-d', 'x');
    const box = sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url });
    expect((await runRobo(['aws.config', '--ref', 'x'], { env: box.env })).code).toBe(0);
    expect(hubRoleOf(box)).toBe('fpa-branch');
    const before = homeState(box);
    const head = cloneHead(box);

    // Then someone tags x elsewhere, and the branch moves on.
    git(repo, 'tag', 'x', 'main');
    git(repo, 'checkout', '-q', 'x');
    commitTree(repo, fpaWith('fpa-branch-2'), 'the branch x moves');
    git(repo, 'checkout', '-q', 'main');

    const flag = await runRobo(['aws.config', '--ref', 'x'], { env: box.env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('refs/heads/x and refs/tags/x');
    const variable = await runRobo(['aws.config', '--quiet'], { env: { ...box.env, ROBO_DOTFILES_REF: 'x' } });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('ROBO_DOTFILES_REF=refs/heads/x or ROBO_DOTFILES_REF=refs/tags/x');
    const settings = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, '[dotfiles]\nref = x\n');
    const fromSettings = await runRobo(['aws.config'], { env: box.env });
    expect(fromSettings.code).toBe(2);
    expect(fromSettings.stderr).toContain(`ref = refs/heads/x (in ${settings}) or ref = refs/tags/x (in ${settings})`);
    rmSync(settings);

    expect(cloneHead(box)).toBe(head);
    expect(homeState(box)).toEqual(before);
  });

  it('refs/heads/x and refs/tags/x give the branch and the tag, on fresh clones and on old ones', async () => {
    const { url } = repoWithBranchAndTag();
    const [branchFirst, tagFirst] = [
      sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url }),
      sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url }),
    ];
    const run = async (box: Sandbox, ref: string) => {
      const result = await runRobo(['aws.config', '--ref', ref], { env: box.env });
      expect(result.code, result.stderr).toBe(0);
      return hubRoleOf(box);
    };
    // Fresh caches.
    expect(await run(branchFirst, 'refs/heads/x')).toBe('fpa-branch');
    expect(await run(tagFirst, 'refs/tags/x')).toBe('fpa-tag');
    // The same caches, now old, switched to the other one and back.
    expect(await run(branchFirst, 'refs/tags/x')).toBe('fpa-tag');
    expect(await run(tagFirst, 'refs/heads/x')).toBe('fpa-branch');
    expect(await run(branchFirst, 'refs/heads/x')).toBe('fpa-branch');
    // Settings take a full ref too.
    const settings = path.join(tagFirst.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, '[dotfiles]\nref = refs/tags/x\n');
    expect((await runRobo(['aws.config'], { env: tagFirst.env })).code).toBe(0);
    expect(hubRoleOf(tagFirst)).toBe('fpa-tag');
  });

  it('a full commit id works on a fresh clone and an old one; an annotated tag counts as its commit', async () => {
    const { repo, url } = repoWithBranchAndTag();
    const older = git(repo, 'rev-parse', 'main~1'); // the first commit: neither a branch's tip nor a tag's
    commitTree(repo, fpaWith('fpa-main-2'), 'main moves on');
    git(repo, 'tag', '-a', '-m', 'release', 'v1', 'refs/heads/x');
    const fresh = sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url });
    const pinned = await runRobo(['aws.config', '--ref', older, '--json'], { env: fresh.env });
    expect(pinned.code, pinned.stdout).toBe(0);
    expect((JSON.parse(pinned.stdout) as { source: { commit: string } }).source.commit).toBe(older);
    expect(hubRoleOf(fresh)).toBe('fpa');

    const old = sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url });
    expect((await runRobo(['aws.config'], { env: old.env })).code).toBe(0);
    expect(hubRoleOf(old)).toBe('fpa-main-2');
    expect((await runRobo(['aws.config', '--ref', older], { env: old.env })).code).toBe(0);
    expect(hubRoleOf(old)).toBe('fpa');

    const tagged = await runRobo(['aws.config', '--ref', 'v1', '--json'], { env: old.env });
    expect(tagged.code, tagged.stdout).toBe(0);
    expect((JSON.parse(tagged.stdout) as { source: { commit: string } }).source.commit).toBe(
      git(repo, 'rev-parse', 'v1^{commit}'),
    );
    expect(hubRoleOf(old)).toBe('fpa-branch');
  });

  it('a branch deleted upstream, then the repository removed: exit 4 each time with a cached clone, not the offline fallback', async () => {
    const { repo, url } = repoWithBranchAndTag();
    git(repo, 'branch', '-m', 'x', 'team');
    const box = sandbox({ SEGMENT_TEAM: 'fpa', ROBO_DOTFILES_REPO: url });
    expect((await runRobo(['aws.config', '--ref', 'team'], { env: box.env })).code).toBe(0);
    const before = homeState(box);

    // The branch is deleted: naming the ref and the source, --quiet or not.
    git(repo, 'branch', '-D', 'team');
    for (const quiet of [[], ['--quiet']]) {
      const result = await runRobo(['aws.config', '--ref', 'team', ...quiet], { env: box.env });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`ref "team" (--ref) does not exist in ${url}`);
      expect(result.stderr).not.toContain('using the cached clone');
      expect(result.stdout).toBe('');
    }
    expect(homeState(box)).toEqual(before);

    // Then the whole repository.
    rmSync(repo, { recursive: true, force: true });
    const result = await runRobo(['aws.config', '--ref', 'team', '--quiet'], { env: box.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`cannot fetch ${url}`);
    expect(result.stderr).toContain('the cached clone is not used');
    expect(stderrLines(result)).toHaveLength(1);
    expect(homeState(box)).toEqual(before);
  });
});

describe('a fetch that fails for a passing reason (git daemon stopped: its port on 127.0.0.1 refuses)', () => {
  let box: Sandbox;
  let commit: string;
  let url: string;
  beforeAll(async () => {
    box = makeSandbox({ SEGMENT_TEAM: 'fpa' });
    const served = path.join(box.root, 'served');
    commit = headCommit(makeDotfilesRepo(path.join(served, 'dotfiles.git')));
    const daemon = await startGitDaemon(served);
    url = daemon.url('dotfiles.git');
    box.env.ROBO_DOTFILES_REPO = url;
    const first = await runRobo(['aws.config'], { env: box.env });
    await daemon.stop();
    expect(first.code).toBe(0);
  });
  afterAll(() => box.cleanup());

  const warning = () =>
    new RegExp(
      `^⚠ : could not fetch ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*; using the cached clone at commit ${commit.slice(0, 12)}, committed \\d+ \\w+ ago \\(2024-01-01T00:00:00.000Z\\)$`,
    );

  it('--quiet: the cached clone is used, and exactly one warning line on stderr says so, with the commit and its age', async () => {
    const result = await runRobo(['aws.config', '--quiet'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(stderrLines(result)).toHaveLength(1);
    expect(stderrLines(result)[0]).toMatch(warning());
    expect(hubRoleOf(box)).toBe('fpa');
  });

  it('without --quiet the same line, and how to make it an error', async () => {
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.code).toBe(0);
    expect(stderrLines(result)[0]).toMatch(warning());
    expect(stderrLines(result)[1]).toBe('    --strict makes this an error');
  });

  it('--json: the offline state in the object, and the one line on stderr too', async () => {
    const result = await runRobo(['aws.config', '--json'], { env: box.env });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { source: { offline: unknown } }).source.offline).toMatchObject({
      commitDate: '2024-01-01T00:00:00.000Z',
    });
    expect(stderrLines(result)).toHaveLength(1);
    expect(stderrLines(result)[0]).toMatch(warning());
  });

  it('aws.render and teams.list say it too, with --quiet', async () => {
    for (const task of ['aws.render', 'teams.list']) {
      const result = await runRobo([task, '--quiet'], { env: box.env });
      expect(result.code, result.stderr).toBe(0);
      expect(stderrLines(result)).toHaveLength(1);
      expect(stderrLines(result)[0]).toMatch(warning());
    }
  });

  it('--strict keeps its meaning: exit 4', async () => {
    const result = await runRobo(['aws.config', '--quiet', '--strict'], { env: box.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('--strict: not using the cached clone');
  });
});
