/**
 * Safe sync of a file people also edit, end to end: drift checks, restore,
 * refused markers, offline runs, concurrent runs, JSON output.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { botocoreReader, type BotocoreReader } from './helpers/botocore.js';
import { treeState } from './helpers/files.js';
import { commitTree, exampleTree, git, makeDotfilesRepo, startGitDaemon } from './helpers/git.js';
import { projectRoot, runRobo, runRoboBinary } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

const USER_FILE =
  '# my own settings\n[default]\nregion = eu-north-1\n\n[profile mine]\nrole_arn = arn:aws:iam::123456789012:role/me\nsource_profile = default\ns3 =\n  max_concurrent_requests = 20\n';
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');
const backupsIn = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.startsWith('awsconfig-'))
        .map((name) => path.join(dir, name))
    : [];

/** One python for the file's reads of a config with botocore (started on the first): each start imports botocore. */
let botocore: BotocoreReader | undefined;
afterAll(() => botocore?.stop());
const loadWithBotocore = (file: string) => (botocore ??= botocoreReader()).load(file);

function withUserFile(box: Sandbox, content = USER_FILE): void {
  mkdirSync(path.dirname(box.awsConfig), { recursive: true });
  writeFileSync(box.awsConfig, content);
}

describe('--dry-run (alias --diff)', () => {
  it('prints the diff, writes nothing, exits 6 when something would change and 0 when nothing would', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    withUserFile(box);
    const before = treeState(box.root);
    const drift = await runRobo(['aws.config', '--dry-run'], { env: box.env });
    expect(drift.code).toBe(6);
    expect(drift.stdout).toContain(`--- a${box.awsConfig}`);
    expect(drift.stdout).toContain('+[profile prod-deploy]');
    expect(drift.stdout).toContain(' # my own settings');
    expect(drift.stdout).not.toContain('\u001b[');
    expect(treeState(box.root)).toEqual(before);

    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const clean = await runRobo(['aws.config', '--diff'], { env: box.env });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('up to date');
    expect(clean.stdout).not.toContain('+++');
  });

  it('--json gives one object with changed: true and the same exit code', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'fpa' });
    const result = await runRobo(['aws.config', '--dry-run', '--json'], { env: box.env });
    expect(result.code).toBe(6);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      ok: true,
      team: 'fpa',
      dryRun: true,
      changed: true,
      backup: null,
      profiles: ['hub'],
    });
    expect(existsSync(box.awsConfig)).toBe(false);
  });
});

describe('managed block end to end', () => {
  it('keeps the user part across team switches, and takes out user sections robo now defines, naming them', async () => {
    const box = sandbox();
    withUserFile(box, `[profile dev]\nregion = mine\n\n${USER_FILE}`);
    const first = await runRobo(['aws.config', '--team', 'platform'], { env: box.env });
    expect(first.code).toBe(0);
    const [backup] = backupsIn(box.backupDir);
    expect(first.stderr).toContain("took 1 of your own section(s) out of ~/.aws/config: robo's block now defines them");
    expect(first.stderr).toContain('[profile dev] (was at line 1)');
    expect(first.stderr).toContain(`the old file, with them, is in ${backup}`);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform') + USER_FILE);

    for (const team of ['foundation', 'fpa', 'platform']) {
      expect((await runRobo(['aws.config', '--team', team], { env: box.env })).code).toBe(0);
      expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot(team) + USER_FILE);
      const parsed = await loadWithBotocore(box.awsConfig);
      expect(parsed.profiles.mine).toEqual({
        role_arn: 'arn:aws:iam::123456789012:role/me',
        source_profile: 'default',
        s3: { max_concurrent_requests: '20' },
      });
    }
  });

  it('--replace replaces the whole file after a backup', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'growth' });
    withUserFile(box);
    expect((await runRobo(['aws.config', '--replace'], { env: box.env })).code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('growth'));
    expect(readFileSync(backupsIn(box.backupDir)[0]!, 'utf8')).toBe(USER_FILE);
  });

  it('refuses broken markers with exit 7, naming the file and line, and writes nothing', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    withUserFile(box, `${USER_FILE}# <<< robo aws.config\n`);
    const outsideCache = (rel: string) => !rel.includes('.cache');
    const before = treeState(box.root, outsideCache);
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(
      `${box.awsConfig}: an end marker without a start marker at line 10; nothing was written`,
    );
    expect(treeState(box.root, outsideCache)).toEqual(before);
  });
});

describe('backups and restore', () => {
  it('lists backups newest first with team, and restores the newest or a named one, backing up first', async () => {
    const box = sandbox();
    withUserFile(box);
    const listing = async () => {
      const result = await runRobo(['aws.backups', '--json'], { env: box.env });
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as { backups: Array<{ path: string; team: string | null; size: number }> })
        .backups;
    };
    expect(await listing()).toEqual([]);
    expect((await runRobo(['aws.config', '--team', 'platform'], { env: box.env })).code).toBe(0);
    const withPlatform = readFileSync(box.awsConfig);
    expect((await runRobo(['aws.config', '--team', 'foundation'], { env: box.env })).code).toBe(0);
    const withFoundation = readFileSync(box.awsConfig);

    const backups = await listing();
    expect(backups.map((backup) => backup.team)).toEqual(['platform', null]);
    expect(backups[1]!.size).toBe(Buffer.byteLength(USER_FILE));
    const table = await runRobo(['aws.backups'], { env: box.env });
    expect(table.stdout).toMatch(
      /^TIME \(UTC\) +SIZE +TEAM +PATH\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[\d.]+ (B|KiB) +platform +\//,
    );

    const restore = await runRobo(['aws.restore'], { env: box.env });
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`Restored ${backups[0]!.path}`);
    expect(readFileSync(box.awsConfig).equals(withPlatform)).toBe(true);
    // The file it replaced is itself backed up, and is now the newest.
    const after = await listing();
    expect(after).toHaveLength(3);
    expect(readFileSync(after[0]!.path).equals(withFoundation)).toBe(true);

    const named = await runRobo(['aws.restore', backups[1]!.path], { env: box.env });
    expect(named.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(USER_FILE);
  });

  it('with no backups says so (exit 2)', async () => {
    const box = sandbox();
    const result = await runRobo(['aws.restore'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no robo backups of ${box.awsConfig}`);
  });
});

describe('fetch failures', () => {
  it('uses the cached clone with a warning when the git daemon is gone; --strict and a cold cache fail', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const served = path.join(box.root, 'served');
    const repo = makeDotfilesRepo(path.join(served, 'dotfiles.git'));
    const commit = git(repo, 'rev-parse', 'HEAD');
    const daemon = await startGitDaemon(served);
    const env = { ...box.env, ROBO_DOTFILES_REPO: daemon.url('dotfiles.git') };
    expect((await runRobo(['aws.config', '--team', 'fpa'], { env })).code).toBe(0);
    await daemon.stop();

    const offline = await runRobo(['aws.config'], { env });
    expect(offline.code).toBe(0);
    expect(offline.stderr).toContain(`could not fetch ${daemon.url('dotfiles.git')}`);
    expect(offline.stderr).toContain(`using the cached clone at commit ${commit.slice(0, 12)}, committed`);
    expect(offline.stderr).toContain('(2024-01-01T00:00:00.000Z)');
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform'));

    const json = await runRobo(['aws.config', '--json'], { env });
    expect((JSON.parse(json.stdout) as { source: { offline: unknown } }).source.offline).toMatchObject({
      commitDate: '2024-01-01T00:00:00.000Z',
    });

    const before = treeState(box.root);
    const strict = await runRobo(['aws.config', '--team', 'growth', '--strict'], { env });
    expect(strict.code).toBe(4);
    expect(strict.stderr).toContain('--strict: not using the cached clone');
    expect(treeState(box.root, (rel) => !rel.includes('locks'))).toEqual(
      Object.fromEntries(Object.entries(before).filter(([rel]) => !rel.includes('locks'))),
    );

    const cold = sandbox({ SEGMENT_TEAM: 'platform' });
    const none = await runRobo(['aws.config'], {
      env: { ...cold.env, ROBO_DOTFILES_REPO: daemon.url('dotfiles.git') },
    });
    expect(none.code).toBe(4);
    expect(existsSync(cold.awsConfig)).toBe(false);
  });

  it('a kill-left git lock file in the cache does not break later runs', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const env = { ...box.env, ROBO_DOTFILES_REPO: `file://${repo}` };
    expect((await runRobo(['aws.config'], { env })).code).toBe(0);
    const [clone] = readdirSync(path.join(box.cacheDir, 'sources'));
    writeFileSync(path.join(box.cacheDir, 'sources', clone!, '.git', 'index.lock'), '');
    commitTree(repo, { 'teams/platform.json': exampleTree()['teams/fpa.json'] }, 'platform becomes fpa-like');
    const result = await runRobo(['aws.config'], { env });
    expect(result.stderr).toBe('');
    expect((await loadWithBotocore(box.awsConfig)).profiles.hub?.role_arn).toBe('arn:aws:iam::100000000001:role/fpa');
  });
});

describe('temp files of killed writes', () => {
  it("are removed by the next run that writes (it holds the lock): only robo's names, only when over a minute old", async () => {
    const box = sandbox();
    withUserFile(box);
    const folder = path.dirname(box.awsConfig);
    const old = new Date(Date.now() - 120_000);
    const planted = (name: string, age: Date | undefined) => {
      writeFileSync(path.join(folder, name), 'half a config');
      if (age) utimesSync(path.join(folder, name), age, age);
      return path.join(folder, name);
    };
    const leftover = planted('.config.robo-0123456789abcdef.tmp', old);
    const fresh = planted('.config.robo-fedcba9876543210.tmp', undefined); // maybe a write in progress
    const notes = planted('.config.robo-notes.tmp', old); // not a name robo makes
    const editor = planted('.config.swp', old);
    expect((await runRobo(['aws.config', '--team', 'platform'], { env: box.env })).code).toBe(0);
    expect([leftover, fresh, notes, editor].map((file) => existsSync(file))).toEqual([false, true, true, true]);
    // A run with nothing to write takes no lock, so it leaves such files alone.
    planted('.config.robo-0123456789abcdef.tmp', old);
    expect((await runRobo(['aws.config', '--team', 'platform'], { env: box.env })).code).toBe(0);
    expect(existsSync(leftover)).toBe(true);
  });
});

describe('concurrent runs', () => {
  it('ten runs at once on one config, alternating teams: one valid file, the user part intact, every backup complete', async () => {
    const box = sandbox();
    withUserFile(box);
    const teams = ['platform', 'foundation'];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        runRoboBinary(['aws.config', '--team', teams[index % 2]!], { env: box.env, timeoutMs: 90_000 }),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const final = readFileSync(box.awsConfig, 'utf8');
    expect([snapshot('platform') + USER_FILE, snapshot('foundation') + USER_FILE]).toContain(final);
    expect((await loadWithBotocore(box.awsConfig)).profiles.mine?.role_arn).toBe('arn:aws:iam::123456789012:role/me');
    const states = new Set([USER_FILE, snapshot('platform') + USER_FILE, snapshot('foundation') + USER_FILE]);
    const backups = backupsIn(box.backupDir);
    expect(backups.length).toBeGreaterThanOrEqual(1);
    for (const backup of backups) expect(states.has(readFileSync(backup, 'utf8'))).toBe(true);
  }, 120_000);
});
