/**
 * Which ref robo fetches, and which git failures are for good: the pure core
 * as tables, and the failure texts as real git prints them (file://, local
 * paths, git daemon on 127.0.0.1, closed ports, URLs git cannot use).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, RoboError, messageOf } from '../src/errors.js';
import {
  isPermanentGitFailure,
  parseLsRemote,
  refPatterns,
  resolveRemoteRef,
  type RefOrigin,
} from '../src/source/remote-ref.js';
import { gitEnvironment, runGit, runGitRemote } from '../src/system/git.js';
import { fileUrl, freePort, git, makeDotfilesRepo, startGitDaemon, type GitDaemon } from './helpers/git.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const T = 'c'.repeat(40); // an annotated tag object
const SOURCE = 'git@example.com:org/dotfiles.git';

const listing = (lines: Array<[string, string]>) =>
  parseLsRemote(lines.map(([id, name]) => `${id}\t${name}`).join('\n') + '\n');

describe('resolveRemoteRef', () => {
  const both = listing([
    [A, 'refs/heads/x'],
    [T, 'refs/tags/x'],
    [B, 'refs/tags/x^{}'],
    [A, 'HEAD'],
  ]);
  it.each([
    ['no ref: the remote HEAD', undefined, both, { name: 'HEAD', commit: A }],
    ['HEAD written out', 'HEAD', both, { name: 'HEAD', commit: A }],
    [
      'refs/heads/x: the branch, though a tag has the name too',
      'refs/heads/x',
      both,
      { name: 'refs/heads/x', commit: A },
    ],
    ['refs/tags/x: the tag, peeled to its commit', 'refs/tags/x', both, { name: 'refs/tags/x', commit: B }],
    ['a branch alone', 'x', listing([[A, 'refs/heads/x']]), { name: 'refs/heads/x', commit: A }],
    ['a lightweight tag alone', 'x', listing([[B, 'refs/tags/x']]), { name: 'refs/tags/x', commit: B }],
    [
      'an annotated tag alone, peeled',
      'x',
      listing([
        [T, 'refs/tags/x'],
        [B, 'refs/tags/x^{}'],
      ]),
      { name: 'refs/tags/x', commit: B },
    ],
    [
      'a branch whose name ends like another: only the exact name counts',
      'x',
      listing([
        [B, 'refs/heads/team/x'],
        [A, 'refs/heads/x'],
      ]),
      { name: 'refs/heads/x', commit: A },
    ],
    ['a full commit id names itself', B.toUpperCase(), listing([]), { name: B, commit: B }],
    [
      'another full ref',
      'refs/pull/7/head',
      listing([[B, 'refs/pull/7/head']]),
      { name: 'refs/pull/7/head', commit: B },
    ],
  ])('%s', (_name, ref, listed, expected) => {
    expect(resolveRemoteRef({ ref, origin: '--ref', url: SOURCE }, listed)).toEqual(expected);
  });

  it.each<[string, RefOrigin, string]>([
    ['--ref', '--ref', '--ref refs/heads/x or --ref refs/tags/x'],
    ['$ROBO_DOTFILES_REF', '$ROBO_DOTFILES_REF', 'ROBO_DOTFILES_REF=refs/heads/x or ROBO_DOTFILES_REF=refs/tags/x'],
    [
      'the settings file',
      { settings: '/home/u/.config/robo/config' },
      'ref = refs/heads/x (in /home/u/.config/robo/config) or ref = refs/tags/x (in /home/u/.config/robo/config)',
    ],
  ])(
    'a name that is both a branch and a tag (from %s) is refused with exit 2, naming both and how to choose',
    (_name, origin, howTo) => {
      const error = caught(() => resolveRemoteRef({ ref: 'x', origin, url: SOURCE }, both));
      expect(error.exitCode).toBe(ExitCode.usage);
      expect(error.message).toContain(`is both a branch and a tag in ${SOURCE}: refs/heads/x and refs/tags/x`);
      expect(error.details.join('\n')).toContain(howTo);
    },
  );

  it.each([
    ['a branch that is gone', 'gone', listing([[A, 'HEAD']])],
    ['a full ref that is gone', 'refs/heads/gone', listing([[A, 'HEAD']])],
    ['an abbreviated commit id (the server cannot be asked for one)', A.slice(0, 12), listing([[A, 'HEAD']])],
  ])('%s: exit 4, naming the ref and the source', (_name, ref, listed) => {
    const error = caught(() => resolveRemoteRef({ ref, origin: '$ROBO_DOTFILES_REF', url: SOURCE }, listed));
    expect(error.exitCode).toBe(ExitCode.sourceUnreachable);
    expect(error.message).toContain(`ref ${JSON.stringify(ref)} ($ROBO_DOTFILES_REF) does not exist in ${SOURCE}`);
  });

  it('a remote without HEAD, and no ref given: exit 4', () => {
    expect(
      caught(() => resolveRemoteRef({ ref: undefined, origin: undefined, url: SOURCE }, listing([[A, 'refs/heads/x']])))
        .exitCode,
    ).toBe(ExitCode.sourceUnreachable);
  });
});

describe('refPatterns', () => {
  it.each([
    [undefined, ['HEAD']],
    ['x', ['refs/heads/x', 'refs/tags/x', 'refs/tags/x^{}']],
    ['refs/heads/x', ['refs/heads/x']],
    ['refs/tags/x', ['refs/tags/x', 'refs/tags/x^{}']],
  ])('%s', (ref, expected) => {
    expect(refPatterns(ref)).toEqual(expected);
  });
});

describe('isPermanentGitFailure, on what git really prints', () => {
  let box: Sandbox;
  let daemon: GitDaemon;
  let closedPort: number;
  beforeAll(async () => {
    box = makeSandbox();
    makeDotfilesRepo(path.join(box.root, 'served', 'dotfiles.git'));
    daemon = await startGitDaemon(path.join(box.root, 'served'));
    closedPort = await freePort();
    mkdirSync(path.join(box.root, 'not-a-repo'));
  });
  afterAll(async () => {
    await daemon.stop();
    box.cleanup();
  });

  // What robo's source.ts sees: git run the way robo runs a command that reaches a
  // remote (runGitRemote, which keeps git's stderr however git ended), with no time limit.
  const remoteFailureOf = async (dir: string, args: string[]) => {
    try {
      await runGitRemote(dir, box.env, args, { remote: args.join(' '), timeoutMs: undefined });
    } catch (error) {
      return messageOf(error);
    }
    return `git ${args.join(' ')} succeeded`;
  };
  const failureOf = (url: string, ...patterns: string[]) => remoteFailureOf(box.root, ['ls-remote', url, ...patterns]);

  it.each<[string, (root: string) => string, boolean]>([
    ['file:// to a folder that does not exist', (root) => fileUrl(path.join(root, 'missing')), true],
    ['file:// to a folder that is not a repository', (root) => fileUrl(path.join(root, 'not-a-repo')), true],
    ['a local path that does not exist', (root) => path.join(root, 'missing'), true],
    ['git daemon without that repository', () => daemon.url('missing.git'), true],
    ['a scheme git has no helper for', () => 'htps://example.com/dotfiles.git', true],
    ['a file:// URL without a path', () => 'file://', true],
    ['an ssh host that is an option', () => 'ssh://-oProxyCommand=true/x', true],
    ['git daemon on a closed port of 127.0.0.1', () => `git://127.0.0.1:${closedPort}/dotfiles.git`, false],
    ['http on a closed port of 127.0.0.1', () => `http://127.0.0.1:${closedPort}/dotfiles.git`, false],
    ['ssh on a closed port of 127.0.0.1', () => `ssh://git@127.0.0.1:${closedPort}/dotfiles.git`, false],
  ])('%s: permanent = %s', async (_name, url, permanent) => {
    const message = await failureOf(url(box.root));
    expect(isPermanentGitFailure(message), message).toBe(permanent);
  });

  // For a scheme without a helper, git starts `git remote-htps` and writes
  // "capabilities" to it. Under load the helper may have printed its words and
  // exited before that write: git then dies of SIGPIPE, not exit 128. This
  // makes that ending happen every time (the helper's words, then SIGPIPE to git).
  it("git killed by SIGPIPE after its helper spoke: the helper's words still decide (permanent)", async () => {
    const words = "git: 'remote-htps' is not a git command. See 'git --help'.";
    const repo = path.join(box.root, 'helper-gone');
    git(box.root, 'init', '-q', repo);
    git(repo, 'config', 'alias.helper-gone', `!echo "${words}" >&2; kill -PIPE $PPID`);
    const message = await remoteFailureOf(repo, ['helper-gone']);
    expect(message).toContain(words);
    expect(isPermanentGitFailure(message), message).toBe(true);
  });

  it("runGit (local commands) keeps git's words when git is stopped by a signal", async () => {
    const repo = path.join(box.root, 'killed-local');
    git(box.root, 'init', '-q', repo);
    git(repo, 'config', 'alias.killed', '!echo "fatal: the words before the signal" >&2; kill -PIPE $PPID');
    const error = await runGit(repo, box.env, ['killed']).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(String(error)).toContain('fatal: the words before the signal');
    expect(String(error)).toContain('git ended without an exit code');
  });

  it('a fetch of a ref that went away, and of a commit the server does not have, are permanent', async () => {
    const clone = path.join(box.root, 'clone');
    await runGit(box.root, box.env, ['init', '-q', clone]);
    await runGit(clone, box.env, ['remote', 'add', 'origin', daemon.url('dotfiles.git')]);
    for (const wanted of ['refs/heads/gone', 'f'.repeat(40)]) {
      const message = await remoteFailureOf(clone, ['fetch', '--depth', '1', 'origin', wanted]);
      expect(isPermanentGitFailure(message), message).toBe(true);
    }
  });

  it.each([
    [
      'GitHub over https',
      "remote: Repository not found.\nfatal: repository 'https://github.com/org/gone.git/' not found",
      true,
    ],
    [
      'GitHub over ssh',
      'ERROR: Repository not found.\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.',
      true,
    ],
    [
      'GitLab',
      "remote: The project you were looking for could not be found or you don't have permission to view it.\nfatal: repository 'https://gitlab.com/org/gone.git/' not found",
      true,
    ],
    [
      'ssh without a key (could be the agent)',
      'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.',
      false,
    ],
    [
      'DNS down',
      "fatal: unable to access 'https://github.com/org/dotfiles.git/': Could not resolve host: github.com",
      false,
    ],
    [
      'ssh DNS down',
      'ssh: Could not resolve hostname github.com: Temporary failure in name resolution\nfatal: Could not read from remote repository.',
      false,
    ],
    [
      'a timeout',
      "fatal: unable to access 'https://github.com/org/dotfiles.git/': Failed to connect to github.com port 443 after 130000 ms: Connection timed out",
      false,
    ],
    [
      'no credentials and no prompt',
      "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
      false,
    ],
    [
      'a server error',
      "fatal: unable to access 'https://git.example.com/dotfiles.git/': The requested URL returned error: 503",
      false,
    ],
    ['something never seen', 'fatal: the remote end hung up unexpectedly', false],
  ])("%s (the server's own words): permanent = %s", (_name, message, permanent) => {
    expect(isPermanentGitFailure(message)).toBe(permanent);
  });

  it('git runs with its messages in English, whatever the locale, so they can be read', () => {
    expect(gitEnvironment({ LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de' }).LANGUAGE).toBe('en');
  });
});

function caught(run: () => unknown): RoboError {
  try {
    run();
  } catch (error) {
    if (error instanceof RoboError) return error;
    throw error;
  }
  throw new Error('did not throw');
}
