/**
 * robo doctor through the binary, with fake schedulers (helpers/schedulers.ts)
 * so the real crontab is never read: a healthy setup exits 0; a broken one
 * exits 10 and names each problem with its fix; --json is one object; and
 * doctor writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { fileUrl, makeDotfilesRepo } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { schedulerBoxes } from './helpers/schedulers.js';

const box = schedulerBoxes();

interface DoctorJson {
  ok: boolean;
  task: string;
  exitCode: number;
  checks: Array<{ name: string; status: string; message: string; fix: string | null }>;
}

describe('robo doctor', () => {
  it('after onboarding from a git source: no ✖, exit 0; the checks in --json, and nothing written', async () => {
    const sandbox = box();
    const repo = makeDotfilesRepo(path.join(sandbox.root, 'repo'));
    const onboard = await runRobo(['onboard', '--team', 'platform', '--repo', fileUrl(repo), '--no-nightly'], {
      env: { ...sandbox.env, SHELL: '/bin/bash' },
    });
    expect(onboard.code, onboard.stderr).toBe(0);
    const env = { ...sandbox.env, SHELL: '/bin/bash' };
    const before = treeState(sandbox.root, (file) => !file.startsWith('home/.cache') && file !== 'calls.log');
    const text = await runRobo(['doctor'], { env });
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^✔ team +team platform \(from team in ~\/\.config\/robo\/config\)$/m);
    expect(text.stdout).toMatch(/^✔ remote +reachable, at [0-9a-f]{12}; cached clone at/m);
    expect(text.stdout).toMatch(/^✔ drift +the config is what the source says$/m);
    expect(text.stdout).toMatch(/^⚠ nightly +the nightly refresh is not installed/m);
    expect(text.stdout).toMatch(/→ robo nightly install$/m);
    expect(treeState(sandbox.root, (file) => !file.startsWith('home/.cache') && file !== 'calls.log')).toEqual(before);

    const json = await runRobo(['doctor', '--json'], { env });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as DoctorJson;
    expect(parsed).toMatchObject({ ok: true, task: 'doctor', exitCode: 0 });
    expect(parsed.checks.map((check) => check.name)).toEqual([
      'node',
      'git',
      'team',
      'source',
      'remote',
      'config',
      'markers',
      'drift',
      'credentials',
      'aws-profile',
      'aws-okta',
      'nightly',
      'backups',
    ]);
  });

  it('a broken setup: exit 10, each problem named with its fix (--json too)', async () => {
    const sandbox = box();
    mkdirSync(path.join(sandbox.home, '.aws'), { recursive: true });
    writeFileSync(path.join(sandbox.home, '.aws', 'config'), '[default]\nregion = x\n[default]\nregion = y\n');
    writeFileSync(path.join(sandbox.home, '.aws', 'credentials'), '[default]\naws_access_key_id = x\n');
    const env = { ...sandbox.env, AWS_PROFILE: 'gone' };
    const before = treeState(sandbox.root, (file) => file !== 'calls.log');
    const text = await runRobo(['doctor'], { env });
    expect(text.code).toBe(10);
    expect(text.stdout).toMatch(/^✖ team +no team: no --team, \$SEGMENT_TEAM or team in ~\/\.config\/robo\/config$/m);
    expect(text.stdout).toMatch(/^✖ config +~\/\.aws\/config: section \[default\] at lines 1 and 3: botocore refuses/m);
    expect(text.stdout).toMatch(/^✖ aws-profile +\$AWS_PROFILE is gone, which is not a profile/m);
    expect(text.stdout).toMatch(/^⚠ source +no dotfiles repo configured/m);
    expect(treeState(sandbox.root, (file) => file !== 'calls.log')).toEqual(before);

    const json = await runRobo(['doctor', '--json'], { env });
    expect(json.code).toBe(10);
    const parsed = JSON.parse(json.stdout) as DoctorJson;
    expect(parsed.ok).toBe(false);
    expect(parsed.exitCode).toBe(10);
    expect(
      parsed.checks.filter((check) => check.status === 'fail').map((check) => [check.name, Boolean(check.fix)]),
    ).toEqual([
      ['team', true],
      ['config', true],
      ['aws-profile', true],
    ]);
  });

  it('a nightly job installed for another team: the team check says so', async () => {
    const sandbox = box({ SEGMENT_TEAM: 'platform' });
    writeFileSync(
      sandbox.crontab,
      '0 3 * * * SEGMENT_TEAM=data /usr/bin/robo nightly run --quiet # robo-aws-config nightly\n',
    );
    const text = await runRobo(['doctor', '--json'], { env: sandbox.env });
    const team = (JSON.parse(text.stdout) as DoctorJson).checks.find((check) => check.name === 'team')!;
    expect(team).toEqual({
      name: 'team',
      status: 'warn',
      message: 'team platform (from $SEGMENT_TEAM) is not your usual team: the nightly job (cron) writes team data',
      fix: 'robo onboard --team platform',
    });
  });
});
