/**
 * Trust pinning: with --require-signed (or [trust] require_signed), only
 * commits signed by a signer the settings name (ssh keys in the
 * allowed-signers file, OpenPGP keys by fingerprint) are used, never one
 * older than the last accepted, and shared tasks run only what that commit
 * holds; anything else writes nothing and leaves the cache at the last
 * trusted commit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  commitSigned,
  exampleTree,
  fileUrl,
  git,
  headCommit,
  organizationDefining,
  sshKey,
  writeTree,
} from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
const gnupgHomes: string[] = [];
afterEach(() => {
  // gpg starts an agent per keyring folder to make keys and sign: stop the ones the test started.
  for (const home of gnupgHomes.splice(0))
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
  for (const made of sandboxes.splice(0)) made.cleanup();
});

function commit(repo: string, files: Record<string, string>, message: string, signingKey?: string): string {
  writeTree(repo, files);
  git(repo, 'add', '-A');
  if (signingKey) commitSigned(repo, signingKey, message);
  else git(repo, 'commit', '-q', '--allow-empty', '-m', message);
  return headCommit(repo);
}

/** The shared tasks of the start repos: robo.yml and the script one of its tasks runs. */
const ROBO_YML = 'hi:\n  command: echo signed robo.yml\ndeploy:\n  script: scripts/deploy.sh\n';
const DEPLOY = '#!/bin/sh\necho signed script\n';

/**
 * Made once for the file, as no test changes them: the two ssh keys, and the
 * repos most tests start from (the example definitions and the shared tasks
 * above in one commit, signed by the trusted key or unsigned), which each test copies.
 */
const shared = {} as {
  dir: string;
  trusted: { key: string; publicKey: string };
  stranger: { key: string; publicKey: string };
  start: Record<'signed' | 'unsigned', { repo: string; commit: string }>;
};
beforeAll(() => {
  shared.dir = mkdtempSync(path.join(os.tmpdir(), 'robo-trust-'));
  shared.trusted = sshKey(shared.dir, 'trusted');
  shared.stranger = sshKey(shared.dir, 'stranger');
  const startRepo = (name: string, signingKey?: string) => {
    const repo = path.join(shared.dir, name);
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeTree(repo, { 'scripts/deploy.sh': DEPLOY });
    chmodSync(path.join(repo, 'scripts', 'deploy.sh'), 0o755);
    const tree = { ...exampleTree(), 'robo.yml': ROBO_YML };
    return { repo, commit: commit(repo, tree, `${name} definitions`, signingKey) };
  };
  shared.start = { signed: startRepo('signed', shared.trusted.key), unsigned: startRepo('unsigned') };
});
afterAll(() => rmSync(shared.dir, { recursive: true, force: true }));

/**
 * A sandbox whose settings name a dotfiles repo in it and the trusted key as
 * the one allowed signer; the repo is empty, or a copy of a `start` repo
 * (its commit is `first`).
 */
function setup(requireInSettings: boolean): ReturnType<typeof sandboxWithRepo>;
function setup(
  requireInSettings: boolean,
  start: 'signed' | 'unsigned',
): ReturnType<typeof sandboxWithRepo> & { first: string };
function setup(requireInSettings: boolean, start?: 'signed' | 'unsigned') {
  const made = sandboxWithRepo(requireInSettings, start);
  return start ? { ...made, first: shared.start[start].commit } : made;
}

function sandboxWithRepo(requireInSettings: boolean, start?: 'signed' | 'unsigned') {
  const box = makeSandbox({ SEGMENT_TEAM: 'platform' });
  sandboxes.push(box);
  // No `git maintenance run --auto` after each of robo's fetches (a process each): git's housekeeping, not robo's.
  writeFileSync(path.join(box.home, '.gitconfig'), '[maintenance]\n\tauto = false\n');
  const { trusted, stranger } = shared;
  const keys = path.join(box.root, 'keys');
  mkdirSync(keys);
  const allowedSigners = path.join(keys, 'allowed_signers');
  writeFileSync(allowedSigners, `dotfiles-admins@example.invalid ${trusted.publicKey}\n`);
  const repo = path.join(box.root, 'dotfiles');
  if (start) cpSync(shared.start[start].repo, repo, { recursive: true });
  else {
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
  }
  const settings = path.join(box.home, '.config', 'robo', 'config');
  mkdirSync(path.dirname(settings), { recursive: true });
  writeFileSync(
    settings,
    `[dotfiles]\nrepo = ${fileUrl(repo)}\n\n[trust]\nrequire_signed = ${requireInSettings}\nallowed_signers = ${allowedSigners}\n`,
  );
  return { box, repo, trusted, stranger };
}

const cacheHead = (box: Sandbox) => {
  const sources = path.join(box.cacheDir, 'sources');
  const [clone] = readdirSync(sources);
  return headCommit(path.join(sources, clone!));
};

/**
 * The sandbox of setup(true, 'signed') after its first aws.config: the signed
 * start repo cloned and its commit accepted. The first call runs it (and checks
 * it); later ones restore a copy at the same paths, since robo keys the clone
 * and the accepted commit on the repo's path. A first clone is about 17 git
 * processes; the tests that start here only change things after it.
 */
let accepted: { made: ReturnType<typeof setup> & { first: string }; copy: string } | undefined;
async function signedAndAccepted(): Promise<ReturnType<typeof setup> & { first: string }> {
  if (accepted) {
    const { made, copy } = accepted;
    rmSync(made.box.root, { recursive: true, force: true });
    cpSync(copy, made.box.root, { recursive: true, preserveTimestamps: true });
    sandboxes.push(made.box);
    return made;
  }
  const made = setup(true, 'signed');
  const first = await runRobo(['aws.config'], { env: made.box.env });
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(cacheHead(made.box)).toBe(made.first);
  const copy = path.join(shared.dir, 'accepted');
  cpSync(made.box.root, copy, { recursive: true, preserveTimestamps: true });
  accepted = { made, copy };
  return made;
}

const settingsFile = (box: Sandbox) => path.join(box.home, '.config', 'robo', 'config');
const platform = () => JSON.parse(exampleTree()['teams/platform.json']!) as Record<string, unknown>;
/**
 * The role the written config gives the hub profile: which commit's definitions
 * were used. Read from the lines robo writes (`[profile hub]`, then `role_arn = …`
 * before the next header), not with botocore (a python start per file) and not
 * with the ini package, which misreads AWS configs (FACTS.md): these tests ask
 * which commit was used; how the AWS CLI reads the block is tested elsewhere.
 */
const hubRole = (box: Sandbox) =>
  /^\[profile hub\]\n(?:[^[\n].*\n)*?role_arn = (\S+)$/m.exec(readFileSync(box.awsConfig, 'utf8'))?.[1];

/** gpg is not on every machine; the tests that need it say so and are skipped there. */
const HAS_GPG = spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAS_GPG) console.warn('trust.e2e: gpg is not installed, so the OpenPGP tests are skipped');

/** A GnuPG home (keyring) with one new key that it trusts ultimately, as gpg does for keys it makes. */
function gnupgHome(dir: string, name: string): { home: string; fingerprint: string } {
  mkdirSync(dir, { mode: 0o700 });
  gnupgHomes.push(dir);
  const gpg = (...args: string[]) =>
    execFileSync('gpg', ['--homedir', dir, '--batch', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  gpg('--passphrase', '', '--quick-gen-key', `${name} <${name}@example.invalid>`, 'ed25519', 'sign', 'never');
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys'))![1]!;
  return { home: dir, fingerprint };
}

/** A copy of a GnuPG home at `dir` for one test to change: its keys and trust, not its agent's sockets and locks. */
function copyOfGnupgHome(
  from: { home: string; fingerprint: string },
  dir: string,
): { home: string; fingerprint: string } {
  cpSync(from.home, dir, { recursive: true, filter: (source) => !/^(S\.|\.#lk)|\.lock$/.test(path.basename(source)) });
  chmodSync(dir, 0o700);
  gnupgHomes.push(dir);
  return { home: dir, fingerprint: from.fingerprint };
}

/** Commit `files` signed with an OpenPGP key from the keyring in `gnupg`. */
function pgpCommit(
  repo: string,
  files: Record<string, string>,
  message: string,
  gnupg: string,
  fingerprint: string,
): string {
  writeTree(repo, files);
  git(repo, 'add', '-A');
  execFileSync(
    'git',
    [
      '-c',
      'gpg.format=openpgp',
      '-c',
      `user.signingkey=${fingerprint}`,
      'commit',
      '-S',
      '-q',
      '--allow-empty',
      '-m',
      message,
    ],
    {
      cwd: repo,
      env: {
        ...process.env,
        GNUPGHOME: gnupg,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 't@example.invalid',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 't@example.invalid',
        // No `git maintenance run --auto` after the commit (helpers/git.ts, GIT_ENV).
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'maintenance.auto',
        GIT_CONFIG_VALUE_0: 'false',
      },
      stdio: 'ignore',
    },
  );
  return headCommit(repo);
}

/** Replace main's tip by a copy of it carrying `armor` as its signature header (no program can make these). */
function withSignature(repo: string, armor: string): string {
  const object = git(repo, 'cat-file', 'commit', 'HEAD');
  const end = object.indexOf('\n\n');
  const signed = `${object.slice(0, end)}\ngpgsig ${armor.trimEnd().split('\n').join('\n ')}${object.slice(end)}\n`;
  const id = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
    cwd: repo,
    input: signed,
    encoding: 'utf8',
  }).trim();
  git(repo, 'update-ref', 'refs/heads/main', id);
  return id;
}

describe('--require-signed', () => {
  it('accepts a signed commit, refuses unsigned and wrongly signed ones, and keeps the cache at the trusted commit; checks again on every run, warm ones too', async () => {
    const { box, repo, trusted, stranger, first: good } = await signedAndAccepted();
    const written = readFileSync(box.awsConfig);

    const team = JSON.parse(exampleTree()['teams/platform.json']!) as { hub_role: string };
    for (const [label, key] of [
      ['unsigned', undefined],
      ['signed by a stranger', stranger.key],
    ] as const) {
      const bad = commit(
        repo,
        {
          ...organizationDefining('attacker'),
          'teams/platform.json': JSON.stringify({ ...team, hub_role: 'attacker' }),
        },
        label,
        key,
      );
      const result = await runRobo(['aws.config'], { env: box.env });
      expect(result.code, label).toBe(9);
      expect(result.stderr).toContain(
        `commit ${bad.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer`,
      );
      expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
      expect(cacheHead(box)).toBe(good);
      expect(existsSync(box.backupDir) ? readdirSync(box.backupDir) : []).toEqual([]);
    }

    const fixed = commit(
      repo,
      {
        ...organizationDefining('platform-v2'),
        'teams/platform.json': JSON.stringify({ ...team, hub_role: 'platform-v2' }),
      },
      'signed fix',
      trusted.key,
    );
    const last = await runRobo(['aws.config'], { env: box.env });
    expect(last.code).toBe(0);
    expect(hubRole(box)).toBe('arn:aws:iam::100000000001:role/platform-v2');
    expect(cacheHead(box)).toBe(fixed);

    // Checked on every run, warm ones too: nothing changes upstream, and a signer taken out of the allowed signers stops the next run.
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const current = readFileSync(box.awsConfig);
    writeFileSync(
      path.join(box.root, 'keys', 'allowed_signers'),
      `dotfiles-admins@example.invalid ${stranger.publicKey}\n`,
    );
    const revoked = await runRobo(['aws.config', '--team', 'data'], { env: box.env });
    expect(revoked.code).toBe(9);
    expect(revoked.stderr).toContain('is not signed by an allowed signer');
    expect(readFileSync(box.awsConfig).equals(current)).toBe(true);
  });

  it("uses none of robo's own caches of results: a tampered clone or rendered block never reaches the config", async () => {
    // Runs without signatures required fill the caches first.
    const { box } = setup(false, 'signed');
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const written = readFileSync(box.awsConfig, 'utf8');
    const sources = path.join(box.cacheDir, 'sources');
    const clone = path.join(sources, readdirSync(sources)[0]!);

    // Someone with access to the cache edits the clone and the rendered block alike.
    const team = JSON.parse(exampleTree()['teams/platform.json']!) as { hub_role: string };
    const evil = JSON.stringify({ ...team, hub_role: 'pwned' });
    writeFileSync(path.join(clone, 'teams', 'platform.json'), evil);
    const rendered = path.join(box.cacheDir, 'rendered', 'platform');
    writeFileSync(rendered, readFileSync(rendered, 'utf8').replace('role/platform\n', 'role/pwned\n'));

    const result = await runRobo(['aws.config', '--require-signed'], { env: box.env });
    expect(result.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
    expect(readFileSync(box.awsConfig, 'utf8')).not.toContain('pwned');
  });

  it('refuses an unsigned repo on the first clone and leaves no cache; the flag does what the setting does', async () => {
    const { box } = setup(false, 'unsigned');
    const result = await runRobo(['aws.config', '--require-signed'], { env: box.env });
    expect(result.code).toBe(9);
    expect(existsSync(box.awsConfig)).toBe(false);
    expect(
      existsSync(path.join(box.cacheDir, 'sources')) ? readdirSync(path.join(box.cacheDir, 'sources')) : [],
    ).toEqual([]);
    // Without the flag (and require_signed = false) the same repo is used.
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
  });

  it('no other task gets around it: teams.list, aws.render and robo.yml tasks refuse unsigned commits too', async () => {
    // The signed robo.yml is accepted (signedAndAccepted); an unsigned commit changes it.
    const { box, repo, first: good } = await signedAndAccepted();
    commit(repo, { 'robo.yml': 'hi:\n  command: echo PWNED\n' }, 'unsigned');
    for (const args of [['teams.list'], ['aws.render'], ['aws.config']]) {
      const result = await runRobo(args, { env: box.env });
      expect(result.code, args.join(' ')).toBe(9);
      expect(cacheHead(box)).toBe(good);
    }
    // robo.yml comes from the trusted clone: the signed task runs, the unsigned one never did.
    expect((await runRobo(['hi'], { env: box.env })).stdout).toBe('signed robo.yml\n');

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
    const missing = await runRobo(['aws.config', '--require-signed', '--repo', fileUrl(box.root)], { env: box.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${settings}: [trust] allowed_signers: /nonexistent does not exist`);
  });
});

describe('--require-signed: only the signers named in the settings', () => {
  it('refuses a signature of a kind the settings do not name, without running its verifier, and names the signer (exit 9)', async () => {
    const { box, repo, trusted, first: good } = await signedAndAccepted();
    const written = readFileSync(box.awsConfig);
    // Copies of a real signature's armor: no gpg or gpgsm is needed to refuse them.
    const pgpArmor = readFileSync(path.join(import.meta.dirname, 'fixtures', 'trust', 'pgp-signature.asc'), 'utf8');
    const cases = [
      [
        'OpenPGP, when only ssh keys are allowed',
        pgpArmor,
        'it has an OpenPGP signature by 7269FB210E382C02F8207F6254AD69CAAA69B635',
      ],
      [
        'X.509',
        '-----BEGIN SIGNED MESSAGE-----\nMIIBAAAA\n-----END SIGNED MESSAGE-----\n',
        'it has an X.509 (gpgsm) signature',
      ],
      [
        'a kind git does not know',
        '-----BEGIN FOO SIGNATURE-----\nAAAA\n-----END FOO SIGNATURE-----\n',
        'it has a signature of a kind git does not know',
      ],
    ] as const;
    for (const [label, armor, said] of cases) {
      commit(
        repo,
        {
          ...organizationDefining('attacker'),
          'teams/platform.json': JSON.stringify({ ...platform(), hub_role: 'attacker' }),
        },
        label,
      );
      const bad = withSignature(repo, armor);
      const result = await runRobo(['aws.config'], { env: box.env });
      expect(result.code, label).toBe(9);
      expect(result.stderr, label).toContain(
        `commit ${bad.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer: ${said}`,
      );
      expect(result.stderr, label).toContain('allows ssh keys (allowed_signers');
      expect(readFileSync(box.awsConfig).equals(written), label).toBe(true);
      expect(cacheHead(box), label).toBe(good);
    }

    // The other way round: only OpenPGP keys allowed, and an ssh-signed commit comes.
    writeFileSync(
      settingsFile(box),
      `[dotfiles]\nrepo = ${fileUrl(repo)}\n\n[trust]\nrequire_signed = true\nallowed_pgp_fingerprints = ${'A'.repeat(40)}\n`,
    );
    const sshSigned = commit(
      repo,
      {
        ...organizationDefining('ssh-signed'),
        'teams/platform.json': JSON.stringify({ ...platform(), hub_role: 'ssh-signed' }),
      },
      'ssh',
      trusted.key,
    );
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${trusted.key}.pub`], { encoding: 'utf8' }).split(
      ' ',
    )[1]!;
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.code).toBe(9);
    expect(result.stderr).toContain(
      `commit ${sshSigned.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer: it has an ssh signature by ED25519 key ${fingerprint}`,
    );
    expect(result.stderr).toContain('allows OpenPGP keys (allowed_pgp_fingerprints) only');
    expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
  });

  describe.skipIf(!HAS_GPG)('OpenPGP (needs gpg; skipped where it is not installed)', () => {
    /** Made once for the describe: three keys, each in a keyring of its own that signs with it; a test copies the one it changes. */
    const keys = {} as Record<'admin' | 'colleague' | 'stranger', { home: string; fingerprint: string }>;
    let keysDir: string;
    beforeAll(() => {
      keysDir = mkdtempSync(path.join(os.tmpdir(), 'robo-trust-gpg-'));
      for (const name of ['admin', 'colleague', 'stranger'] as const)
        keys[name] = gnupgHome(path.join(keysDir, name), name);
      // Their agents stay up for the describe's signatures; afterEach stops those of the tests' own keyrings.
      gnupgHomes.splice(0);
    });
    afterAll(() => {
      for (const { home } of Object.values(keys))
        spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
      rmSync(keysDir, { recursive: true, force: true });
    });

    it("refuses a commit signed by a key in the user's GnuPG keyring when only ssh signers are configured (exit 9)", async () => {
      const { box, repo } = setup(true);
      // The user's own keyring holds a key it trusts ultimately; the attacker's commit is signed with it.
      const user = copyOfGnupgHome(keys.admin, path.join(box.root, 'gnupg'));
      box.env.GNUPGHOME = user.home;
      const signed = pgpCommit(
        repo,
        exampleTree(),
        'signed with a key from the keyring',
        keys.admin.home,
        user.fingerprint,
      );
      expect(
        execFileSync('git', ['verify-commit', signed], {
          cwd: repo,
          env: { ...process.env, GNUPGHOME: user.home },
          stdio: 'pipe',
        }),
      ).toBeDefined();
      const result = await runRobo(['aws.config'], { env: box.env });
      expect(result.code).toBe(9);
      expect(result.stderr).toContain(
        `commit ${signed.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer: it has an OpenPGP signature by ${user.fingerprint}`,
      );
      expect(existsSync(box.awsConfig)).toBe(false);
      expect(
        existsSync(path.join(box.cacheDir, 'sources')) ? readdirSync(path.join(box.cacheDir, 'sources')) : [],
      ).toEqual([]);
    });

    it('accepts a listed fingerprint the keyring trusts fully or ultimately; refuses a listed key of unknown trust and an unlisted one', async () => {
      const { box, repo } = setup(true);
      const user = copyOfGnupgHome(keys.admin, path.join(box.root, 'gnupg'));
      box.env.GNUPGHOME = user.home;
      // A second maintainer's key, imported into the user's keyring but not certified: its trust is unknown.
      const { colleague, stranger } = keys;
      execFileSync('gpg', ['--homedir', user.home, '--batch', '--import'], {
        input: execFileSync('gpg', ['--homedir', colleague.home, '--export', colleague.fingerprint]),
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      // A third key the keyring trusts ultimately, but the settings do not list.
      execFileSync('gpg', ['--homedir', user.home, '--batch', '--import'], {
        input: execFileSync('gpg', ['--homedir', stranger.home, '--export', stranger.fingerprint]),
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      execFileSync('gpg', ['--homedir', user.home, '--batch', '--import-ownertrust'], {
        input: `${stranger.fingerprint}:6:\n`,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const grouped = colleague.fingerprint
        .toLowerCase()
        .replace(/(.{4})/g, '$1 ')
        .trim();
      writeFileSync(
        settingsFile(box),
        `[dotfiles]\nrepo = ${fileUrl(repo)}\n\n[trust]\nrequire_signed = true\nallowed_pgp_fingerprints = ${user.fingerprint}, ${grouped}\n`,
      );

      const good = pgpCommit(repo, exampleTree(), 'signed by the admin', keys.admin.home, user.fingerprint);
      const first = await runRobo(['aws.config'], { env: box.env });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(cacheHead(box)).toBe(good);
      const written = readFileSync(box.awsConfig);

      const unknown = pgpCommit(
        repo,
        {
          ...organizationDefining('colleague'),
          'teams/platform.json': JSON.stringify({ ...platform(), hub_role: 'colleague' }),
        },
        'by the colleague',
        colleague.home,
        colleague.fingerprint,
      );
      const refused = await runRobo(['aws.config'], { env: box.env });
      expect(refused.code).toBe(9);
      expect(refused.stderr).toContain(
        `commit ${unknown.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer: signed by OpenPGP key ${colleague.fingerprint} (colleague <colleague@example.invalid>), but your GnuPG keyring trusts the key undefined`,
      );
      expect(readFileSync(box.awsConfig).equals(written)).toBe(true);

      const unlisted = pgpCommit(
        repo,
        {
          ...organizationDefining('stranger'),
          'teams/platform.json': JSON.stringify({ ...platform(), hub_role: 'stranger' }),
        },
        'by the stranger',
        stranger.home,
        stranger.fingerprint,
      );
      const notListed = await runRobo(['aws.config'], { env: box.env });
      expect(notListed.code).toBe(9);
      expect(notListed.stderr).toContain(
        `commit ${unlisted.slice(0, 12)} of ${fileUrl(repo)} is not signed by an allowed signer: signed by OpenPGP key ${stranger.fingerprint} (stranger <stranger@example.invalid>), but the key is not in allowed_pgp_fingerprints`,
      );
      expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
      expect(cacheHead(box)).toBe(good);

      // The user certifies the colleague's key: a commit of theirs (descending from the last accepted) now passes.
      git(repo, 'reset', '-q', '--hard', unknown);
      execFileSync('gpg', ['--homedir', user.home, '--batch', '--yes', '--quick-lsign-key', colleague.fingerprint], {
        stdio: 'ignore',
      });
      const accepted = await runRobo(['aws.config'], { env: box.env });
      expect(accepted.stderr).toBe('');
      expect(accepted.code).toBe(0);
      expect(hubRole(box)).toBe('arn:aws:iam::100000000001:role/colleague');
    });
  });
});

describe('--require-signed: no rollback', () => {
  /** Signed commits older and newer on main; the newer one accepted; then main force-pushed back to the older one. */
  async function forcePushedBack() {
    const { box, repo, trusted, first: older } = setup(true, 'signed');
    const newer = commit(
      repo,
      {
        ...organizationDefining('platform-v2'),
        'teams/platform.json': JSON.stringify({ ...platform(), hub_role: 'platform-v2' }),
      },
      'signed fix',
      trusted.key,
    );
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    expect(hubRole(box)).toBe('arn:aws:iam::100000000001:role/platform-v2');
    git(repo, 'reset', '-q', '--hard', older);
    return { box, repo, trusted, older, newer, written: readFileSync(box.awsConfig) };
  }

  function expectRollbackRefused(
    result: { code: number | null; stderr: string },
    repo: string,
    older: string,
    newer: string,
  ) {
    expect(result.code).toBe(9);
    expect(result.stderr).toContain(
      `commit ${older.slice(0, 12)} of ${fileUrl(repo)} does not descend from ${newer.slice(0, 12)}, the last commit robo accepted from it`,
    );
    expect(result.stderr).toContain(`accepted before: ${newer}`);
    expect(result.stderr).toContain(`offered now:     ${older}`);
    expect(result.stderr).toContain('--allow-rollback');
  }

  it('refuses a force-push back to an older signed commit in every task that reads the source (exit 9, naming both); --allow-rollback accepts it; the state folder remembers the last accepted commit when the cache is deleted', async () => {
    const { box, repo, trusted, older, newer, written } = await forcePushedBack();
    for (const task of [['aws.config'], ['teams.list'], ['aws.render']])
      expectRollbackRefused(await runRobo(task, { env: box.env }), repo, older, newer);
    expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
    expect(cacheHead(box)).toBe(newer);

    const allowed = await runRobo(['aws.config', '--allow-rollback'], { env: box.env });
    expect(allowed.code).toBe(0);
    expect(hubRole(box)).toBe('arn:aws:iam::100000000001:role/platform');
    expect(cacheHead(box)).toBe(older);
    // The older commit is now the last accepted one: what descends from it passes without the flag.
    const next = commit(
      repo,
      {
        ...organizationDefining('platform-v3'),
        'teams/platform.json': JSON.stringify({ ...platform(), hub_role: 'platform-v3' }),
      },
      'signed, on top of the older one',
      trusted.key,
    );
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    expect(cacheHead(box)).toBe(next);

    // The last accepted commit is remembered in the state folder: forced back again and the cache deleted, still refused.
    const accepted = readFileSync(box.awsConfig);
    git(repo, 'reset', '-q', '--hard', older);
    rmSync(box.cacheDir, { recursive: true, force: true });
    expectRollbackRefused(await runRobo(['aws.config'], { env: box.env }), repo, older, next);
    expect(readFileSync(box.awsConfig).equals(accepted)).toBe(true);
    expect(
      existsSync(path.join(box.cacheDir, 'sources')) ? readdirSync(path.join(box.cacheDir, 'sources')) : [],
    ).toEqual([]);
    expect(readdirSync(path.join(box.stateDir, 'accepted'))).toHaveLength(1);
  });

  it('--allow-rollback without signatures required is a usage error (exit 2)', async () => {
    const { box } = setup(false, 'unsigned');
    const result = await runRobo(['aws.config', '--allow-rollback'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--allow-rollback: signed commits are not required');
    expect(existsSync(box.awsConfig)).toBe(false);
  });
});

describe('--require-signed: shared tasks run only what the accepted commit holds', () => {
  it('a robo.yml or a script edited in the cached clone does not run: the clone is put back to the accepted commit first', async () => {
    // The start repo's signed commit holds ROBO_YML and DEPLOY, and is accepted.
    const { box, first: good } = await signedAndAccepted();
    const clone = path.join(box.cacheDir, 'sources', readdirSync(path.join(box.cacheDir, 'sources'))[0]!);

    // Someone with access to the cache edits what the tasks run.
    writeFileSync(
      path.join(clone, 'robo.yml'),
      'hi:\n  command: echo PWNED robo.yml\ndeploy:\n  command: echo PWNED command\n',
    );
    const hi = await runRobo(['hi'], { env: box.env });
    expect(hi.code).toBe(0);
    expect(hi.stdout).toBe('signed robo.yml\n');
    expect(readFileSync(path.join(clone, 'robo.yml'), 'utf8')).toBe(ROBO_YML);

    writeFileSync(path.join(clone, 'scripts', 'deploy.sh'), '#!/bin/sh\necho PWNED script\n');
    const deploy = await runRobo(['deploy'], { env: box.env });
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toBe('signed script\n');

    // Or moves the clone to another commit (signed or not) and edits there: the accepted commit is what runs.
    git(
      clone,
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@example.invalid',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'local, unsigned',
    );
    writeFileSync(path.join(clone, 'robo.yml'), 'hi:\n  command: echo PWNED again\n');
    const again = await runRobo(['hi'], { env: box.env });
    expect(again.stdout).toBe('signed robo.yml\n');
    expect(headCommit(clone)).toBe(good);
    // The listing reads the same robo.yml.
    expect((await runRobo([], { env: box.env })).stdout).not.toContain('PWNED');
  });
});
