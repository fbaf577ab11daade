/**
 * Real git repositories for tests: a dotfiles repo built from a file tree in a
 * temp dir, committed, and served over file:// or `git daemon` on 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from './robo.js';
import type { Sandbox } from './sandbox.js';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  // No `git maintenance run --auto` after each commit: a process per commit for repos of a few objects.
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'maintenance.auto',
  GIT_CONFIG_VALUE_0: 'false',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export type FileTree = Record<string, string>;

/** The example organisation bundled with robo, as a file tree. */
export function exampleTree(): FileTree {
  const tree: FileTree = { 'organization.json': readFileSync(path.join(projectRoot, 'organization.json'), 'utf8') };
  // The teams, and the inline policy files organization.json's iam roles name.
  for (const folder of ['teams', 'iam']) {
    for (const name of readdirSync(path.join(projectRoot, folder))) {
      tree[`${folder}/${name}`] = readFileSync(path.join(projectRoot, folder, name), 'utf8');
    }
  }
  return tree;
}

/**
 * The example's organization.json with these roles defined too. The example
 * defines every role its teams use (docs/iam.md), so a test that marks a
 * commit by giving a team a new role commits this beside it to keep the
 * organisation valid.
 */
export function organizationDefining(...roles: string[]): FileTree {
  const organization = JSON.parse(exampleTree()['organization.json']!) as { iam: { roles: Record<string, object> } };
  for (const role of roles) organization.iam.roles[role] = {};
  return { 'organization.json': JSON.stringify(organization, null, 2) };
}

export function writeTree(dir: string, tree: FileTree): void {
  for (const [file, content] of Object.entries(tree)) {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** Repos made by makeDotfilesRepo in this test process, by tree: later ones are copies. */
let templates: string | undefined;

/**
 * A dotfiles repo with one commit of `tree` on branch main. Each tree is
 * built with git once per test process and copied after that: author,
 * committer and dates are fixed, so a copy is the very repo git would make,
 * commit id included.
 */
export function makeDotfilesRepo(dir: string, tree: FileTree = exampleTree()): string {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    // Files already there are committed with the tree.
    git(dir, 'init', '-q', '-b', 'main');
    commitTree(dir, tree, 'initial definitions');
    return dir;
  }
  if (!templates) {
    const root = mkdtempSync(path.join(os.tmpdir(), 'robo-repos-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    templates = root;
  }
  const template = path.join(templates, createHash('sha256').update(JSON.stringify(tree)).digest('hex'));
  if (!existsSync(template)) {
    const building = `${template}.new`;
    mkdirSync(building);
    git(building, 'init', '-q', '-b', 'main');
    commitTree(building, tree, 'initial definitions');
    renameSync(building, template);
  }
  cpSync(template, dir, { recursive: true });
  return dir;
}

/**
 * `box` given a copy of the home one run made warm (all of it, or only `parts`),
 * and the example repo made again at `repo` as that run found it: robo keys its
 * clone on the repo's URL, so the copied clone is current, and the test may
 * change the repo.
 */
export function copyWarmHome(warm: Sandbox, repo: string, box: Sandbox, parts = ['']): Sandbox {
  for (const part of parts)
    cpSync(path.join(warm.home, part), path.join(box.home, part), { recursive: true, preserveTimestamps: true });
  rmSync(repo, { recursive: true, force: true });
  makeDotfilesRepo(repo);
  return box;
}

/** Write (or with undefined, delete) files and commit them; returns the new commit. */
export function commitTree(dir: string, tree: Record<string, string | undefined>, message: string): string {
  for (const [file, content] of Object.entries(tree)) {
    if (content === undefined) rmSync(path.join(dir, file), { force: true });
    else writeTree(dir, { [file]: content });
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return headCommit(dir);
}

/** HEAD's commit, read from .git as git would (one process fewer per commit); git itself for anything but a loose ref. */
export function headCommit(dir: string): string {
  const head = readFileSync(path.join(dir, '.git', 'HEAD'), 'utf8').trim();
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(head)?.[1];
  const loose = ref && path.join(dir, '.git', ref);
  return loose && existsSync(loose) ? readFileSync(loose, 'utf8').trim() : git(dir, 'rev-parse', 'HEAD');
}

export function fileUrl(dir: string): string {
  return `file://${dir}`;
}

export interface GitDaemon {
  url(repoName: string): string;
  stop(): Promise<void>;
}

/** `git daemon` serving every repo under baseDir, on 127.0.0.1 and a free port. */
export async function startGitDaemon(baseDir: string): Promise<GitDaemon> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--listen=127.0.0.1',
      `--port=${port}`,
      `--base-path=${baseDir}`,
      baseDir,
    ],
    { env: GIT_ENV, stdio: 'ignore' },
  );
  // Bounded wait for the port to accept connections (at most ~5 s).
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await canConnect(port)) break;
    if (attempt === 99) throw new Error('git daemon did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: (repoName) => `git://127.0.0.1:${port}/${repoName}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A port on 127.0.0.1 that was free a moment ago (nothing listens there now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A new ed25519 ssh key without a passphrase at dir/name, for signing commits. */
export function sshKey(dir: string, name: string): { key: string; publicKey: string } {
  const key = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, publicKey: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** An allowed-signers file (git's gpg.ssh.allowedSignersFile) at dir/allowed_signers trusting `publicKey`. */
export function allowedSignersFile(dir: string, publicKey: string): string {
  const file = path.join(dir, 'allowed_signers');
  writeFileSync(file, `admins@example.invalid ${publicKey}\n`);
  return file;
}

/** `git commit -S` with an ssh key: what is staged (or nothing), signed. */
export function commitSigned(repo: string, signingKey: string, message: string): void {
  git(
    repo,
    '-c',
    'gpg.format=ssh',
    '-c',
    `user.signingkey=${signingKey}`,
    'commit',
    '-S',
    '-q',
    '--allow-empty',
    '-m',
    message,
  );
}
