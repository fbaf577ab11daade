/**
 * `robo aws.config` end to end: the built CLI, real git (file:// and git
 * daemon on 127.0.0.1), real files in a sandboxed HOME, botocore reading the
 * result.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { botocoreReader, type BotocoreConfig, type BotocoreReader } from './helpers/botocore.js';
import { sha256, treeState } from './helpers/files.js';
import {
  commitTree,
  exampleTree,
  fileUrl,
  git,
  makeDotfilesRepo,
  organizationDefining,
  startGitDaemon,
} from './helpers/git.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
/** One python for the file's reads of a config with botocore (started on the first): ~0.25 s of CPU a start. */
let botocore: BotocoreReader | undefined;
afterAll(() => botocore?.stop());
const loadWithBotocore = (file: string): Promise<BotocoreConfig> => (botocore ??= botocoreReader()).load(file);

const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');
const mode = (file: string) => statSync(file).mode & 0o777;
const backupsIn = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('awsconfig-')) : [];

describe('robo aws.config on the embedded default', () => {
  it('writes the team profiles to ~/.aws/config (0600 in a 0700 folder) and says where they came from', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('using the example organisation bundled with robo');
    expect(result.stdout).toContain('nothing to back up');
    expect(result.stdout).toMatch(/✔ : Your aws config was successfully updated/);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform'));
    expect(mode(box.awsConfig)).toBe(0o600);
    expect(mode(path.dirname(box.awsConfig))).toBe(0o700);
    expect(backupsIn(box.backupDir)).toEqual([]);
  });

  it('accepts the alias config.aws and --team over $SEGMENT_TEAM', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const result = await runRobo(['config.aws', '--team', 'fpa'], { env: box.env });
    expect(result.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('fpa'));
  });

  it('writes $AWS_CONFIG_FILE when it is set, and leaves ~/.aws alone', async () => {
    const box = sandbox();
    const target = path.join(box.root, 'elsewhere', 'aws-config');
    const result = await runRobo(['aws.config', '--team', 'data'], { env: { ...box.env, AWS_CONFIG_FILE: target } });
    expect(result.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(snapshot('data'));
    expect(existsSync(path.join(box.home, '.aws'))).toBe(false);
  });

  it('the seed scenario: foundation then platform give two different files, each reproducible anywhere', async () => {
    const box = sandbox();
    const foundation = await runRobo(['config.aws'], { env: { ...box.env, SEGMENT_TEAM: 'foundation' } });
    expect(foundation.code).toBe(0);
    const first = sha256(readFileSync(box.awsConfig));
    const platform = await runRobo(['aws.config'], { env: { ...box.env, SEGMENT_TEAM: 'platform' } });
    expect(platform.code).toBe(0);
    expect(platform.stdout).toMatch(/✔ : Your old aws config has been backed up in .*awsconfig-[0-9a-f]{32}\n/);
    const second = sha256(readFileSync(box.awsConfig));
    expect(second).not.toBe(first);

    // A fresh home, another time zone and locale: the same bytes.
    for (const [team, sum] of [
      ['foundation', first],
      ['platform', second],
    ] as const) {
      const fresh = sandbox({
        TZ: 'Pacific/Kiritimati',
        LANG: 'tr_TR.UTF-8',
        LC_ALL: 'tr_TR.UTF-8',
        SEGMENT_TEAM: team,
      });
      expect((await runRobo(['aws.config'], { env: fresh.env })).code).toBe(0);
      expect(sha256(readFileSync(fresh.awsConfig))).toBe(sum);
    }
  });
});

describe('backup', () => {
  it('copies the old config to ROBO_BACKUP_DIR/awsconfig-<32 hex>, 0600, byte for byte', async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    const old = Buffer.from('[profile mine]\r\nregion = eu-north-1\r\n; a comment\n\u00e9\u0000 no final newline');
    writeFileSync(box.awsConfig, old);
    chmodSync(box.awsConfig, 0o640);
    const result = await runRobo(['aws.config', '--team', 'platform'], { env: box.env });
    expect(result.code).toBe(0);
    const backups = backupsIn(box.backupDir);
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^awsconfig-[0-9a-f]{32}$/);
    const backup = path.join(box.backupDir, backups[0]!);
    expect(result.stdout).toContain(`backed up in ${backup}`);
    expect(readFileSync(backup).equals(old)).toBe(true);
    expect(mode(backup)).toBe(0o600);
    // The rewritten config keeps the mode its owner chose.
    expect(mode(box.awsConfig)).toBe(0o640);
    // robo's block goes on top; every byte the user wrote follows unchanged.
    expect(readFileSync(box.awsConfig).equals(Buffer.concat([Buffer.from(snapshot('platform')), old]))).toBe(true);
  });

  it('makes no backup and writes nothing when the config is already up to date', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'growth' });
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const before = treeState(box.home);
    const again = await runRobo(['aws.config'], { env: box.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');
    expect(backupsIn(box.backupDir)).toEqual([]);
    expect(treeState(box.home)).toEqual(before);
  });

  it('a symlinked config: the file it points to is written and the link stays', async () => {
    const box = sandbox();
    const real = path.join(box.root, 'dotfiles', 'aws', 'config');
    mkdirSync(path.dirname(real), { recursive: true });
    writeFileSync(real, '[default]\nregion = us-east-1\n');
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    symlinkSync('../../dotfiles/aws/config', box.awsConfig);
    const result = await runRobo(['aws.config', '--team', 'platform'], { env: box.env });
    expect(result.code).toBe(0);
    expect(lstatSync(box.awsConfig).isSymbolicLink()).toBe(true);
    expect(readlinkSync(box.awsConfig)).toBe('../../dotfiles/aws/config');
    expect(readFileSync(real, 'utf8')).toBe(`${snapshot('platform')}[default]\nregion = us-east-1\n`);
    const [backup] = backupsIn(box.backupDir);
    expect(readFileSync(path.join(box.backupDir, backup!), 'utf8')).toBe('[default]\nregion = us-east-1\n');
    // No temp files left beside the real file.
    expect(readdirSync(path.dirname(real))).toEqual(['config']);
  });

  it('never writes through a file or link planted in the backup dir', async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, '[default]\n');
    mkdirSync(box.backupDir, { recursive: true });
    const victim = path.join(box.root, 'victim');
    writeFileSync(victim, 'untouched');
    // Backup names are random, so a planted link cannot be guessed; exclusive
    // creation means even a correct guess would fail rather than follow it.
    symlinkSync(victim, path.join(box.backupDir, 'awsconfig-' + '0'.repeat(32)));
    expect((await runRobo(['aws.config', '--team', 'fpa'], { env: box.env })).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });
});

describe('bytes as validated', () => {
  it('a Go duration with a micro sign is written as UTF-8: botocore reads the file, and the value is the one checked', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const tree = exampleTree();
    const organization = JSON.parse(tree['organization.json']!) as { okta: Record<string, string> };
    organization.okta.session_ttl = '1h0\u00b5s';
    organization.okta.assume_role_ttl = '30m0\u03bcs';
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'), {
      ...tree,
      'organization.json': JSON.stringify(organization),
    });
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    const user = Buffer.from('# caf\u00e9\n[default]\nregion = eu-north-1\n');
    writeFileSync(box.awsConfig, user);
    const result = await runRobo(['aws.config', '--repo', fileUrl(repo)], { env: box.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const written = readFileSync(box.awsConfig);
    expect(written.includes(Buffer.from('session_ttl = 1h0\u00b5s\nassume_role_ttl = 30m0\u03bcs\n', 'utf8'))).toBe(
      true,
    );
    expect(new TextDecoder('utf-8', { fatal: true }).decode(written)).toContain('[profile dev]');
    expect(written.subarray(written.length - user.length).equals(user)).toBe(true);
    const config = (await loadWithBotocore(box.awsConfig)) as unknown as { okta: Record<string, string> };
    expect(config.okta).toMatchObject({ session_ttl: '1h0\u00b5s', assume_role_ttl: '30m0\u03bcs' });
    // The warm run (the block from robo's cache) finds the same bytes: nothing to write.
    const again = await runRobo(['aws.config', '--repo', fileUrl(repo)], { env: box.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');
    expect(readFileSync(box.awsConfig).equals(written)).toBe(true);
  });
});

describe('git sources', () => {
  it('clones over file://, then fetches updates and discards edits made in the cache', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
    const first = await runRobo(['aws.config'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain('bundled');
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform'));
    const [cache] = readdirSync(path.join(box.cacheDir, 'sources'));
    const cacheDir = path.join(box.cacheDir, 'sources', cache!);
    expect(git(cacheDir, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'HEAD'));

    // Someone edits the cache and a new commit lands upstream.
    const team = JSON.parse(exampleTree()['teams/platform.json']!) as {
      profiles: Array<{ name: string; account: string; role: string }>;
    };
    writeFileSync(path.join(cacheDir, 'teams', 'platform.json'), JSON.stringify({ hub_role: 'evil', profiles: [] }));
    writeFileSync(path.join(cacheDir, 'teams', 'stray.json'), '{');
    team.profiles.push({ name: 'logs', account: 'logs', role: 'platform-readonly' });
    const upstream = commitTree(repo, { 'teams/platform.json': JSON.stringify(team, null, 2) }, 'platform reads logs');

    const second = await runRobo(['aws.config'], { env });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const { profiles } = await loadWithBotocore(box.awsConfig);
    expect(profiles.logs?.role_arn).toBe('arn:aws:iam::400000000009:role/platform-readonly');
    expect(profiles.hub?.role_arn).toBe('arn:aws:iam::100000000001:role/platform');
    expect(git(cacheDir, 'rev-parse', 'HEAD')).toBe(upstream);
    expect(existsSync(path.join(cacheDir, 'teams', 'stray.json'))).toBe(false);
  });

  it('clones over git daemon on 127.0.0.1 and follows --ref to a branch or a tag', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'fpa' });
    const served = path.join(box.root, 'served');
    const repo = makeDotfilesRepo(path.join(served, 'dotfiles.git'));
    git(repo, 'tag', 'v1');
    git(repo, 'checkout', '-q', '-b', 'next');
    commitTree(
      repo,
      { ...organizationDefining('fpa-next'), 'teams/fpa.json': JSON.stringify({ hub_role: 'fpa-next', profiles: [] }) },
      'fpa on next',
    );
    git(repo, 'checkout', '-q', 'main');
    const daemon = await startGitDaemon(served);
    try {
      const env = { ...box.env, ROBO_DOTFILES_REPO: daemon.url('dotfiles.git') };
      // The config after each run, read by botocore at the end.
      const written: string[] = [];
      const keep = () => {
        written.push(path.join(box.root, `config-${written.length}`));
        copyFileSync(box.awsConfig, written.at(-1)!);
      };
      expect((await runRobo(['aws.config'], { env })).code).toBe(0);
      keep();

      const next = await runRobo(['aws.config', '--ref', 'next'], { env });
      expect(next.stderr).toBe('');
      keep();

      const tagged = await runRobo(['aws.config'], { env: { ...env, ROBO_DOTFILES_REF: 'v1' } });
      expect(tagged.code).toBe(0);
      keep();
      const read = await Promise.all(written.map(loadWithBotocore));
      expect(read.map((config) => config.profiles.hub?.role_arn)).toEqual([
        'arn:aws:iam::100000000001:role/fpa',
        'arn:aws:iam::100000000001:role/fpa-next',
        'arn:aws:iam::100000000001:role/fpa',
      ]);
    } finally {
      await daemon.stop();
    }
  });

  it('reads the source from the settings file (INI) when no flag or variable names one', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'growth' });
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const settings = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, `[dotfiles]\nrepo = ${fileUrl(repo)}\nref = main\n`);
    const result = await runRobo(['aws.config', '--verbose'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`source: ${fileUrl(repo)} (ref main) at ${git(repo, 'rev-parse', 'HEAD')}`);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('growth'));
  });

  it('accepts this project repository itself as a dotfiles source, by path and by file:// URL', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'security' });
    expect((await runRobo(['aws.config', '--repo', projectRoot], { env: box.env })).code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('security'));
    const byUrl = await runRobo(['aws.config', '--team', 'data', '--repo', fileUrl(projectRoot)], { env: box.env });
    expect(byUrl.stderr).toBe('');
    expect(byUrl.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('data'));
  });

  it('passes GIT_SSH_COMMAND on to git, and never prompts', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const marker = path.join(box.root, 'ssh-was-called');
    const fakeSsh = path.join(box.root, 'fake-ssh');
    writeFileSync(fakeSsh, `#!/bin/sh\necho "$@" > '${marker}'\nexit 1\n`);
    chmodSync(fakeSsh, 0o755);
    const result = await runRobo(['aws.config', '--repo', 'ssh://git@127.0.0.1:1/dotfiles.git'], {
      env: { ...box.env, GIT_SSH_COMMAND: fakeSsh },
    });
    expect(result.code).toBe(4);
    expect(readFileSync(marker, 'utf8')).toContain('127.0.0.1');
    expect(existsSync(box.awsConfig)).toBe(false);
  });
});

describe('robo aws.config --repo examples/sso (the bundled IAM Identity Center example)', () => {
  const ssoSnapshot = (team: string) =>
    readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'sso', `${team}.config`), 'utf8');

  it('switching from the okta example: [okta] goes, [sso-session] comes, the profiles stay, botocore reads it', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, '[default]\nregion = eu-north-1\n');
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toContain('[okta]\n');
    // A relative path, from where the engineer stands: the robo checkout.
    const result = await runRobo(['aws.config', '--repo', 'examples/sso'], { env: box.env, cwd: projectRoot });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(`${ssoSnapshot('platform')}[default]\nregion = eu-north-1\n`);
    const parsed = await loadWithBotocore(box.awsConfig);
    expect(parsed.okta).toBeUndefined();
    expect(parsed.sso_sessions).toEqual({
      'robo-example': {
        sso_start_url: 'https://robo-example.awsapps.com/start',
        sso_region: 'us-east-1',
        sso_registration_scopes: 'sso:account:access',
      },
    });
    expect(parsed.profiles.hub).toEqual({
      sso_session: 'robo-example',
      sso_account_id: '100000000001',
      sso_role_name: 'platform',
      region: 'us-west-2',
    });
    expect(parsed.profiles.default).toEqual({ region: 'eu-north-1' });
    // The next run finds its sso block in place: nothing is written, no third backup (one per changing run).
    const before = readFileSync(box.awsConfig);
    const again = await runRobo(['aws.config', '--repo', 'examples/sso'], { env: box.env, cwd: projectRoot });
    expect(again.code).toBe(0);
    expect(readFileSync(box.awsConfig).equals(before)).toBe(true);
    expect(backupsIn(box.backupDir)).toHaveLength(2);
  });
});
