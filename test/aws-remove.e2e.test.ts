/**
 * aws.remove end to end: the quick start and back. A config robo merged into
 * gets its old bytes back exactly, botocore reads it, and the file as robo
 * left it is a backup aws.backups lists and aws.restore puts back.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWithBotocore } from './helpers/botocore.js';
import { treeState } from './helpers/files.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();
const USER_FILE =
  '# mine\n[default]\nregion = eu-north-1\n\n[profile mine]\nrole_arn = arn:aws:iam::123456789012:role/me\nsource_profile = default';
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');

function withUserFile(box: Sandbox, content: string): void {
  mkdirSync(path.dirname(box.awsConfig), { recursive: true });
  writeFileSync(box.awsConfig, content);
}

describe('robo aws.remove', () => {
  it('quick start then remove gives back the original bytes; the backup is listed and restorable', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    withUserFile(box, USER_FILE);
    chmodSync(box.awsConfig, 0o640);
    const sync = await runRobo(['aws.config'], { env: box.env });
    expect(sync.code, sync.stderr).toBe(0);
    const written = readFileSync(box.awsConfig, 'utf8');
    expect(written).toBe(snapshot('platform') + USER_FILE);

    const remove = await runRobo(['aws.remove'], { env: box.env });
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stdout).toContain("Removed robo's block (team platform, 7 profile(s)) from ~/.aws/config");
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(USER_FILE);
    expect(statSync(box.awsConfig).mode & 0o777).toBe(0o640);
    expect(loadWithBotocore(box.awsConfig).profiles).toEqual({
      default: { region: 'eu-north-1' },
      mine: { role_arn: 'arn:aws:iam::123456789012:role/me', source_profile: 'default' },
    });

    const listed = await runRobo(['aws.backups', '--json'], { env: box.env });
    const backups = (JSON.parse(listed.stdout) as { backups: Array<{ path: string; team: string | null }> }).backups;
    expect(backups[0]!.team).toBe('platform');
    expect(readFileSync(backups[0]!.path, 'utf8')).toBe(written);
    expect(remove.stdout).toContain(backups[0]!.path);

    const restore = await runRobo(['aws.restore'], { env: box.env });
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(written);
  });

  it('no block: "nothing to remove", exit 0, nothing written; no file: the same, and no file made', async () => {
    const box = sandbox();
    const before = treeState(box.root);
    const none = await runRobo(['aws.remove'], { env: box.env });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('nothing to remove');
    expect(existsSync(box.awsConfig)).toBe(false);
    expect(treeState(box.root)).toEqual(before);

    withUserFile(box, USER_FILE);
    const after = treeState(box.root);
    const again = await runRobo(['aws.remove', '--json'], { env: box.env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, task: 'aws.remove', changed: false, backup: null });
    expect(treeState(box.root)).toEqual(after);
  });

  it('--dry-run shows the diff and exits 6, writing nothing', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    withUserFile(box, USER_FILE);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const before = treeState(box.root);
    const dry = await runRobo(['aws.remove', '--dry-run'], { env: box.env });
    expect(dry.code, dry.stderr).toBe(6);
    expect(dry.stdout).toContain('-# >>> robo aws.config - team platform');
    expect(dry.stdout).toContain('-[profile hub]');
    expect(treeState(box.root)).toEqual(before);
  });

  it('damaged markers: exit 7, naming the file and line, nothing written', async () => {
    const box = sandbox();
    withUserFile(box, '[default]\nregion = x\n# >>> robo aws.config - team platform - generated\n[profile a]\n');
    const before = treeState(box.root);
    const broken = await runRobo(['aws.remove'], { env: box.env });
    expect(broken.code).toBe(7);
    expect(broken.stderr).toContain(
      `${box.awsConfig}: a start marker without an end marker at line 3; nothing was written`,
    );
    expect(treeState(box.root)).toEqual(before);
  });
});
