/** Which variables reach git (the ones users rely on, not the ones that redirect it), and how a git call fails. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GitCommandError,
  gitEnvironment,
  gitFailure,
  gitVersion,
  runGit,
  runGitForAnswer,
  runGitRemote,
} from '../src/system/git.js';
import { commitTree, git, makeDotfilesRepo } from './helpers/git.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

describe('gitEnvironment', () => {
  const env = gitEnvironment({
    PATH: '/bin',
    HOME: '/home/u',
    GIT_SSH_COMMAND: 'ssh -i key',
    GIT_SSL_CAINFO: '/etc/ca.pem',
    GIT_DIR: '/elsewhere/.git',
    GIT_WORK_TREE: '/elsewhere',
    GIT_CONFIG_PARAMETERS: "'core.hooksPath=/x'",
    EDITOR: 'vim',
    PAGER: 'less',
    HTTPS_PROXY: 'http://proxy:3128',
  });

  it('passes on what users need to reach their git server', () => {
    expect(env).toMatchObject({
      GIT_SSH_COMMAND: 'ssh -i key',
      GIT_SSL_CAINFO: '/etc/ca.pem',
      HTTPS_PROXY: 'http://proxy:3128',
      PATH: '/bin',
      HOME: '/home/u',
    });
  });

  it('drops variables that would point git elsewhere or run programs', () => {
    for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_PARAMETERS', 'EDITOR', 'PAGER'])
      expect(env).not.toHaveProperty(key);
  });

  it('never lets git prompt unless the user asked for it', () => {
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(gitEnvironment({ GIT_TERMINAL_PROMPT: '1' }).GIT_TERMINAL_PROMPT).toBe('1');
  });

  it('without a terminal, no graphical passphrase or credential dialog either', () => {
    expect(env).toMatchObject({ SSH_ASKPASS_REQUIRE: 'never', GCM_INTERACTIVE: 'never' });
    expect(gitEnvironment({}, true)).not.toHaveProperty('SSH_ASKPASS_REQUIRE');
  });
});

describe('one runner, one error: every git call fails the same way', () => {
  const sandbox = sandboxes();
  const noGit = (box: Sandbox) => ({ ...box.env, PATH: path.join(box.root, 'no-git-here') });

  it('a local command: git exit code and stderr as the message; the answer form resolves with them', async () => {
    const box = sandbox();
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const first = git(repo, 'rev-parse', 'HEAD');
    const head = commitTree(repo, { 'README.md': 'second\n' }, 'second');
    expect(await runGit(repo, box.env, ['rev-parse', 'HEAD'])).toBe(`${head}\n`);
    const error = await runGit(repo, box.env, ['rev-parse', '--verify', 'nope']).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error).toMatchObject({ exitCode: 128, message: 'fatal: Needed a single revision' });
    expect(await runGitForAnswer(repo, box.env, ['merge-base', '--is-ancestor', head, first])).toEqual({
      code: 1,
      stdout: '',
      stderr: '',
    });
  });

  it('no git on PATH: the same sentence from the local and the remote runner', async () => {
    const box = sandbox();
    const env = noGit(box);
    const local = await runGit(box.root, env, ['status']).catch((thrown: unknown) => thrown);
    const remote = await runGitRemote(box.root, env, ['ls-remote', 'x'], { remote: 'x', timeoutMs: 1000 }).catch(
      (thrown: unknown) => thrown,
    );
    for (const error of [local, remote]) {
      expect(error).toBeInstanceOf(GitCommandError);
      expect(gitFailure(error)).toBe('git is not installed or not on PATH');
    }
    expect(await gitVersion(env)).toBeUndefined(); // robo doctor: git fails its check
    expect(await gitVersion(box.env)).toMatch(/^git version \d/);
  });
});
