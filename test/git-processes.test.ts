/**
 * How many git processes robo itself starts in one aws.config run, by state
 * (first clone, nothing new, a new commit, offline, signed commits): a `git`
 * first on PATH logs each command before running the real one. The counts
 * are the floor of a run's time (CONTRIBUTING.md, "Git per run"), so one
 * that grows must be a decision, made here. git's own children (upload-pack,
 * unpack-objects, rev-list, maintenance) are git's business and not counted.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowedSignersFile,
  commitSigned,
  commitTree,
  exampleTree,
  fileUrl,
  git,
  makeDotfilesRepo,
  organizationDefining,
  sshKey,
} from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** A sandbox whose PATH starts with a `git` that appends its command to `log`, then runs the real git. */
function counted(box: Sandbox, env: NodeJS.ProcessEnv) {
  const bin = path.join(box.root, 'bin');
  const log = path.join(box.root, 'git-commands');
  mkdirSync(bin);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  const counting = { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ''}` };
  /** One run (aws.config unless told; it must succeed), and the git commands it started: their names, in order. */
  return async (args = ['aws.config']): Promise<string[]> => {
    writeFileSync(log, '');
    const run = await runRobo(args, { env: counting });
    expect(run.code).toBe(0);
    return inStartOrder(readFileSync(log, 'utf8').split('\n').filter(Boolean).map(commandName));
  };
}

/**
 * robo asks the remote (ls-remote) while it looks at the clone (status): both
 * are started together, and which one's wrapper reaches the log first is up to
 * the scheduler. They are listed as robo starts them, ls-remote first.
 */
function inStartOrder(commands: string[]): string[] {
  const status = commands.indexOf('status');
  if (status >= 0 && commands[status + 1] === 'ls-remote') commands.splice(status, 2, 'ls-remote', 'status');
  return commands;
}

/** `-c k=v --no-optional-locks status --porcelain=v2` → `status`. */
function commandName(line: string): string {
  const words = line.split(' ');
  for (let index = 0; index < words.length; index += 1) {
    if (words[index] === '-c') index += 1;
    else if (!words[index]!.startsWith('-')) return words[index]!;
  }
  return line;
}

/** A new commit upstream that changes the platform team's hub role. */
function newCommit(repo: string, role: string): void {
  const team = JSON.parse(exampleTree()['teams/platform.json']!) as Record<string, unknown>;
  commitTree(
    repo,
    { ...organizationDefining(role), 'teams/platform.json': JSON.stringify({ ...team, hub_role: role }) },
    role,
  );
}

describe('git processes per aws.config run', () => {
  it('a git source: clone 5, nothing new 1 (2 without a rendered block), a new commit 4, offline 3', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const run = counted(box, { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) });

    expect(await run()).toEqual(['init', 'remote', 'ls-remote', 'fetch', 'reset']);
    expect(await run()).toEqual(['ls-remote']);
    newCommit(repo, 'platform-v2');
    expect(await run()).toEqual(['ls-remote', 'status', 'fetch', 'reset']);
    rmSync(path.join(box.cacheDir, 'rendered'), { recursive: true, force: true });
    expect(await run()).toEqual(['ls-remote', 'status']);

    // Offline: the URL leads to a port nothing listens on (connection refused), so the cached clone stands in.
    newCommit(repo, 'platform-v3');
    writeFileSync(
      path.join(box.home, '.gitconfig'),
      `[url "git://127.0.0.1:1/dotfiles"]\n\tinsteadOf = ${fileUrl(repo)}\n`,
    );
    expect(await run()).toEqual(['ls-remote', 'status', 'log']);
  });

  it('signed commits required: clone 7, nothing new 4, a new commit 9 (its history fetched once, asked once), a shared task 5', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const { key, publicKey } = sshKey(box.root, 'key');
    const allowedSigners = allowedSignersFile(box.root, publicKey);
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const signedCommit = (message: string) => commitSigned(repo, key, message);
    writeFileSync(path.join(repo, 'robo.yml'), 'hi:\n  command: echo signed\n');
    git(repo, 'add', 'robo.yml');
    signedCommit('signed');
    const settings = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(
      settings,
      `[dotfiles]\nrepo = ${fileUrl(repo)}\n\n[trust]\nrequire_signed = true\nallowed_signers = ${allowedSigners}\n`,
    );
    const run = counted(box, box.env);

    expect(await run()).toEqual(['init', 'remote', 'ls-remote', 'fetch', 'reset', 'cat-file', 'verify-commit']);
    expect(await run()).toEqual(['ls-remote', 'status', 'cat-file', 'verify-commit']);
    signedCommit('second');
    // The new commit came one deep: its ancestry is asked once, after its history is fetched.
    expect(await run()).toEqual([
      'ls-remote',
      'status',
      'fetch',
      'cat-file',
      'verify-commit',
      'rev-parse',
      'fetch',
      'merge-base',
      'reset',
    ]);
    // A task from the source's robo.yml: the accepted commit, read and checked again, then robo.yml from it.
    expect(await run(['hi'])).toEqual(['cat-file', 'verify-commit', 'status', 'ls-tree', 'cat-file']);
  });
});
