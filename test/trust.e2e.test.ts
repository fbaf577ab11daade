/**
 * Trust pinning: with --require-signed (or [trust] require_signed), only
 * commits signed by a key in the allowed-signers file are used; anything else
 * writes nothing and leaves the cache at the last trusted commit.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWithBotocore } from './helpers/botocore.js';
import { exampleTree, fileUrl, git, writeTree } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.cleanup();
});

function sshKey(dir: string, name: string): { key: string; publicKey: string } {
  const key = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, publicKey: readFileSync(`${key}.pub`, 'utf8').trim() };
}

function commit(repo: string, files: Record<string, string>, message: string, signingKey?: string): string {
  writeTree(repo, files);
  git(repo, 'add', '-A');
  const sign = signingKey ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${signingKey}`, 'commit', '-S'] : ['commit'];
  git(repo, ...sign, '-q', '--allow-empty', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

function setup(requireInSettings: boolean) {
  const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
  sandboxes.push(box);
  const keys = path.join(box.root, 'keys');
  mkdirSync(keys);
  const trusted = sshKey(keys, 'trusted');
  const stranger = sshKey(keys, 'stranger');
  const allowedSigners = path.join(keys, 'allowed_signers');
  writeFileSync(allowedSigners, `dotfiles-admins@example.invalid ${trusted.publicKey}\n`);
  const repo = path.join(box.root, 'dotfiles');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  const settings = path.join(box.home, '.config', 'robo', 'config');
  mkdirSync(path.dirname(settings), { recursive: true });
  writeFileSync(settings, `[dotfiles]\nrepo = ${fileUrl(repo)}\n\n[trust]\nrequire_signed = ${requireInSettings}\nallowed_signers = ${allowedSigners}\n`);
  return { box, repo, trusted, stranger };
}

const cacheHead = (box: Sandbox) => {
  const sources = path.join(box.cacheDir, 'sources');
  const [clone] = readdirSync(sources);
  return git(path.join(sources, clone!), 'rev-parse', 'HEAD');
};

describe('--require-signed', () => {
  it('accepts a signed commit, refuses unsigned and wrongly signed ones, and keeps the cache at the trusted commit', async () => {
    const { box, repo, trusted, stranger } = setup(true);
    const good = commit(repo, exampleTree(), 'signed definitions', trusted.key);
    const first = await runRobo(['aws.config'], { env: box.env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const written = readFileSync(box.awsConfig);
    expect(cacheHead(box)).toBe(good);

    const team = JSON.parse(exampleTree()['teams/platform.json']!) as { hub_role: string };
    for (const [label, key] of [['unsigned', undefined], ['signed by a stranger', stranger.key]] as const) {
      const bad = commit(repo, { 'teams/platform.json': JSON.stringify({ ...team, hub_role: 'attacker' }) }, label, key);
      const result = await runRobo(['aws.config'], { env: box.env });
      expect(result.code, label).toBe(9);
      expect(result.stderr).toContain(`commit ${bad.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer`);
      expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
      expect(cacheHead(box)).toBe(good);
      expect(existsSync(box.backupDir) ? readdirSync(box.backupDir) : []).toEqual([]);
    }

    const fixed = commit(repo, { 'teams/platform.json': JSON.stringify({ ...team, hub_role: 'platform-v2' }) }, 'signed fix', trusted.key);
    const last = await runRobo(['aws.config'], { env: box.env });
    expect(last.code).toBe(0);
    expect(loadWithBotocore(box.awsConfig).profiles.hub?.role_arn).toBe('arn:aws:iam::100000000001:role/platform-v2');
    expect(cacheHead(box)).toBe(fixed);
  });

  it('checks the signature on every run, warm ones too: a key taken out of the allowed signers stops the next run', async () => {
    const { box, repo, trusted, stranger } = setup(true);
    commit(repo, exampleTree(), 'signed definitions', trusted.key);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const written = readFileSync(box.awsConfig);

    // The signer is revoked; nothing changed upstream.
    const allowedSigners = path.join(box.root, 'keys', 'allowed_signers');
    writeFileSync(allowedSigners, `dotfiles-admins@example.invalid ${stranger.publicKey}\n`);
    const result = await runRobo(['aws.config', '--team', 'data'], { env: box.env });
    expect(result.code).toBe(9);
    expect(result.stderr).toContain('is not signed by an allowed signer');
    expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
  });

  it("uses none of robo's own caches of results: a tampered clone, validation record or rendered block never reaches the config", async () => {
    // Runs without signatures required fill the caches first.
    const { box, repo, trusted } = setup(false);
    commit(repo, exampleTree(), 'signed definitions', trusted.key);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const written = readFileSync(box.awsConfig, 'utf8');
    const sources = path.join(box.cacheDir, 'sources');
    const clone = path.join(sources, readdirSync(sources)[0]!);
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

    // Someone with access to the cache edits the clone and makes the records agree.
    const team = JSON.parse(exampleTree()['teams/platform.json']!) as { hub_role: string };
    const evil = JSON.stringify({ ...team, hub_role: 'pwned' });
    writeFileSync(path.join(clone, 'teams', 'platform.json'), evil);
    const validated = path.join(box.cacheDir, 'validated');
    expect(readdirSync(validated)).toHaveLength(1);
    for (const name of readdirSync(validated)) {
      const record = JSON.parse(readFileSync(path.join(validated, name), 'utf8')) as { files: Record<string, string> };
      record.files['teams/platform.json'] = sha256(evil);
      writeFileSync(path.join(validated, name), JSON.stringify(record));
    }
    const rendered = path.join(box.cacheDir, 'rendered', 'platform');
    writeFileSync(rendered, readFileSync(rendered, 'utf8').replace('role/platform\n', 'role/pwned\n'));

    const result = await runRobo(['aws.config', '--require-signed'], { env: box.env });
    expect(result.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
    expect(readFileSync(box.awsConfig, 'utf8')).not.toContain('pwned');
  });

  it('refuses an unsigned repo on the first clone and leaves no cache; the flag does what the setting does', async () => {
    const { box, repo } = setup(false);
    commit(repo, exampleTree(), 'unsigned');
    const result = await runRobo(['aws.config', '--require-signed'], { env: box.env });
    expect(result.code).toBe(9);
    expect(existsSync(box.awsConfig)).toBe(false);
    expect(existsSync(path.join(box.cacheDir, 'sources')) ? readdirSync(path.join(box.cacheDir, 'sources')) : []).toEqual([]);
    // Without the flag (and require_signed = false) the same repo is used.
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
  });

  it('no other task gets around it: teams.list, aws.render and robo.yml tasks refuse unsigned commits too', async () => {
    const { box, repo, trusted } = setup(true);
    const good = commit(repo, { ...exampleTree(), 'robo.yml': 'hi:\n  command: echo signed\n' }, 'signed', trusted.key);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    commit(repo, { 'robo.yml': 'hi:\n  command: echo PWNED\n' }, 'unsigned');
    for (const args of [['teams.list'], ['aws.render'], ['aws.config']]) {
      const result = await runRobo(args, { env: box.env });
      expect(result.code, args.join(' ')).toBe(9);
      expect(cacheHead(box)).toBe(good);
    }
    // robo.yml comes from the trusted clone: the signed task runs, the unsigned one never did.
    expect((await runRobo(['hi'], { env: box.env })).stdout).toBe('signed\n');

    // A machine whose first contact is a shared task clones with the same check.
    const fresh = makeSandbox({ SEGMENT_TEAM: 'platform' });
    sandboxes.push(fresh);
    const settings = path.join(fresh.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, readFileSync(path.join(box.home, '.config', 'robo', 'config')));
    const first = await runRobo(['hi'], { env: fresh.env });
    expect(first.code).toBe(9);
    expect(first.stdout).not.toContain('PWNED');
  });

  it('needs an allowed-signers file and a git source (exit 2)', async () => {
    const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
    sandboxes.push(box);
    const noFile = await runRobo(['aws.config', '--require-signed', '--repo', fileUrl(box.root)], { env: box.env });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('no allowed-signers file: set allowed_signers in the [trust] section');
    const settings = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, '[trust]\nallowed_signers = /nonexistent\n');
    const embedded = await runRobo(['aws.config', '--require-signed'], { env: box.env });
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toContain('is not a git source, so there is no commit to verify');
  });
});
