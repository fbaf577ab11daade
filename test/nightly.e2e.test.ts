/**
 * `robo nightly install|uninstall|status` end to end: the built robo, real
 * files in a sandboxed HOME, and fake crontab, systemctl and launchctl first
 * on PATH (helpers/schedulers.ts). Ported from the tests of scripts/nightly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { projectRoot, roboBin, runRobo, runRoboBinary } from './helpers/robo.js';
import {
  CRON_MARKER,
  hasCommand,
  loadPlist,
  markedLines,
  nodeFor,
  plistFile,
  schedulerBoxes,
  stateLog,
  unitDir,
  type SchedulerBox,
} from './helpers/schedulers.js';

const box = schedulerBoxes();
const nightly = (b: SchedulerBox, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runRobo(['nightly', ...args], { env: { ...b.env, ...env } });
const read = (file: string) => readFileSync(file, 'utf8');
/** A source must be configured to install; it need not exist until the job runs. */
const SOURCE = { ROBO_DOTFILES_REPO: '/srv/dotfiles' };

// Awkward but legal values: quotes, $, %, &, <, > and spaces must all survive every format.
const AWKWARD_REPO = `/srv/dot files/a&b<c>"d"'e'%f$g`;

describe('robo nightly install with systemd', () => {
  it('writes a oneshot service and a spread-out timer with absolute paths, the environment and the log', async () => {
    const b = box({ SEGMENT_TEAM: 'platform' });
    const awsConfig = path.join(b.root, 'aws', 'config');
    // Through the binary: the job runs robo's executable as this process was started (process.argv[1]).
    const result = await runRoboBinary(['nightly', 'install', '--scheduler', 'systemd'], {
      env: { ...b.env, ROBO_DOTFILES_REPO: AWKWARD_REPO, AWS_CONFIG_FILE: awsConfig },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('systemd timer robo-aws-config.timer');
    expect(result.stdout).toContain(`log: ${stateLog(b)}`);

    const service = read(path.join(unitDir(b), 'robo-aws-config.service'));
    const node = nodeFor(b);
    expect(path.isAbsolute(node)).toBe(true);
    expect(service).toContain('Type=oneshot\n');
    expect(service).toContain(`ExecStart="${node}" "${roboBin}" "nightly" "run" "--quiet"\n`);
    expect(service).toContain('Environment="SEGMENT_TEAM=platform"\n');
    expect(service).toContain('Environment="NO_COLOR=1"\n');
    expect(service).toContain(`Environment="AWS_CONFIG_FILE=${awsConfig}"\n`);
    expect(service).toContain(`Environment="ROBO_NIGHTLY_LOG=${stateLog(b)}"\n`);
    // systemd unquoting: \" and \\ are escapes, %% is a literal %.
    expect(service).toContain(String.raw`Environment="ROBO_DOTFILES_REPO=/srv/dot files/a&b<c>\"d\"'e'%%f$g"` + '\n');
    expect(service).not.toContain('ROBO_DOTFILES_REF');
    expect(service).toContain(`StandardOutput=append:${stateLog(b)}\n`);
    expect(service).toContain(`StandardError=append:${stateLog(b)}\n`);
    expect(existsSync(path.dirname(stateLog(b)))).toBe(true);

    const timer = read(path.join(unitDir(b), 'robo-aws-config.timer'));
    for (const line of [
      'OnCalendar=*-*-* 01:00:00',
      'RandomizedDelaySec=4h',
      'FixedRandomDelay=true',
      'Persistent=true',
      'WantedBy=timers.target',
    ]) {
      expect(timer).toContain(`${line}\n`);
    }
    expect(b.calls().filter((call) => !call.startsWith('crontab'))).toEqual([]);
  });

  it.runIf(hasCommand('systemd-analyze'))('the units pass systemd-analyze verify', async () => {
    const b = box({ SEGMENT_TEAM: 'platform', ...SOURCE });
    expect((await nightly(b, ['install', '--scheduler', 'systemd'])).code).toBe(0);
    const units = ['robo-aws-config.service', 'robo-aws-config.timer'].map((unit) => path.join(unitDir(b), unit));
    expect(() => execFileSync('systemd-analyze', ['verify', ...units], { env: b.env, stdio: 'pipe' })).not.toThrow();
  });

  it('is idempotent, and uninstall removes both units and succeeds when nothing is installed', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ...SOURCE });
    expect((await nightly(b, ['install', '--scheduler', 'systemd'])).code).toBe(0);
    const first = treeState(b.home);
    const again = await nightly(b, ['install', '--scheduler', 'systemd']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed, unchanged');
    expect(treeState(b.home)).toEqual(first);
    expect(readdirSync(unitDir(b)).sort()).toEqual(['robo-aws-config.service', 'robo-aws-config.timer']);

    const removed = await nightly(b, ['uninstall']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed');
    expect(readdirSync(unitDir(b))).toEqual([]);
    const nothing = await nightly(b, ['uninstall']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to remove');
  });

  it('activates with systemctl --user, and deactivates on uninstall', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ...SOURCE, ROBO_NIGHTLY_NO_ACTIVATE: undefined });
    expect((await nightly(b, ['install', '--scheduler', 'systemd'])).code).toBe(0);
    const installCalls = b.calls().filter((call) => call.startsWith('systemctl'));
    expect(installCalls.slice(-2)).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user enable --now robo-aws-config.timer',
    ]);
    expect((await nightly(b, ['uninstall', '--scheduler', 'systemd'])).code).toBe(0);
    const uninstallCalls = b
      .calls()
      .filter((call) => call.startsWith('systemctl'))
      .slice(installCalls.length);
    expect(uninstallCalls).toContain('systemctl --user disable --now robo-aws-config.timer');
    expect(uninstallCalls.at(-1)).toBe('systemctl --user daemon-reload');
  });

  it('refuses systemd when systemctl --user does not work, unless only the files are wanted', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ...SOURCE, ROBO_NIGHTLY_NO_ACTIVATE: undefined, FAKE_SYSTEMCTL_RC: '1' });
    const before = treeState(b.home);
    const refused = await nightly(b, ['install', '--scheduler', 'systemd']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('`systemctl --user` does not work here');
    expect(treeState(b.home)).toEqual(before);
  });

  it('--dry-run prints the units and changes nothing', async () => {
    const b = box({ SEGMENT_TEAM: 'platform', ...SOURCE });
    const before = treeState(b.home);
    const result = await nightly(b, ['install', '--scheduler', 'systemd', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would write ${path.join(unitDir(b), 'robo-aws-config.service')}:`);
    expect(result.stdout).toContain('RandomizedDelaySec=4h');
    expect(result.stdout).toContain('would run: systemctl --user enable --now robo-aws-config.timer');
    expect(result.stdout).toContain('dry run, nothing changed');
    expect(treeState(b.home)).toEqual(before);
  });
});

describe('robo nightly install with launchd', () => {
  it('writes a valid plist: program arguments, environment, a time between 01:00 and 04:59, the log', async () => {
    const b = box({ SEGMENT_TEAM: 'platform', ROBO_DOTFILES_REPO: AWKWARD_REPO, ROBO_DOTFILES_REF: 'main' });
    const result = await nightly(b, ['install', '--scheduler', 'launchd']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const log = path.join(b.home, 'Library', 'Logs', 'robo', 'nightly.log');
    expect(result.stdout).toContain(`log: ${log}`);
    const plist = loadPlist(plistFile(b));
    expect(plist).toMatchObject({
      Label: 'com.robo.aws-config',
      ProgramArguments: [nodeFor(b), roboBin, 'nightly', 'run', '--quiet'],
      StandardOutPath: log,
      StandardErrorPath: log,
      RunAtLoad: false,
    });
    expect(plist.EnvironmentVariables).toMatchObject({
      SEGMENT_TEAM: 'platform',
      NO_COLOR: '1',
      ROBO_DOTFILES_REPO: AWKWARD_REPO,
      ROBO_DOTFILES_REF: 'main',
      ROBO_NIGHTLY_LOG: log,
    });
    const { Hour, Minute } = plist.StartCalendarInterval as { Hour: number; Minute: number };
    expect(Hour).toBeGreaterThanOrEqual(1);
    expect(Hour).toBeLessThanOrEqual(4);
    expect(Minute).toBeGreaterThanOrEqual(0);
    expect(Minute).toBeLessThanOrEqual(59);
    expect(result.stdout).toContain(`at ${String(Hour).padStart(2, '0')}:${String(Minute).padStart(2, '0')}`);
    expect(existsSync(path.dirname(log))).toBe(true);
  });

  it('the time is reproducible with a seed and kept on reinstall; uninstall removes the plist', async () => {
    const [one, two] = [box({ SEGMENT_TEAM: 'data', ...SOURCE }), box({ SEGMENT_TEAM: 'data', ...SOURCE })];
    expect((await nightly(one, ['install', '--scheduler', 'launchd'], { ROBO_NIGHTLY_SEED: '4242' })).code).toBe(0);
    expect((await nightly(two, ['install', '--scheduler', 'launchd'], { ROBO_NIGHTLY_SEED: '4242' })).code).toBe(0);
    const first = read(plistFile(one));
    const time = (b: SchedulerBox) => loadPlist(plistFile(b)).StartCalendarInterval;
    expect(time(two)).toEqual(time(one));

    // Other seeds would pick other times: the installed one stays.
    for (const seed of ['1', '77', '31337']) {
      const again = await nightly(one, ['install', '--scheduler', 'launchd'], { ROBO_NIGHTLY_SEED: seed });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('the time picked at the first install');
      expect(read(plistFile(one))).toBe(first);
    }

    expect((await nightly(one, ['uninstall'])).code).toBe(0);
    expect(existsSync(plistFile(one))).toBe(false);
  });

  it('boots the agent out and in with launchctl, and out on uninstall', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ...SOURCE, ROBO_NIGHTLY_NO_ACTIVATE: undefined });
    const uid = execFileSync('id', ['-u'], { encoding: 'utf8' }).trim();
    expect((await nightly(b, ['install', '--scheduler', 'launchd'])).code).toBe(0);
    const launchctl = () => b.calls().filter((call) => call.startsWith('launchctl'));
    expect(launchctl()).toEqual([
      `launchctl bootout gui/${uid}/com.robo.aws-config`,
      `launchctl bootstrap gui/${uid} ${plistFile(b)}`,
    ]);
    expect((await nightly(b, ['uninstall', '--scheduler', 'launchd'])).code).toBe(0);
    expect(launchctl().at(-1)).toBe(`launchctl bootout gui/${uid}/com.robo.aws-config`);
    expect(existsSync(plistFile(b))).toBe(false);
  });
});

describe('robo nightly install with cron', () => {
  // Another job with a %, an environment line, a comment, trailing blanks and a CRLF line.
  const OTHER =
    'MAILTO=ops@example.com\n# backups\n30 2 * * * tar czf /tmp/home-$(date +\\%F).tgz ~ \n0 9 * * 1 echo monday\r\n';

  it('adds one marked line and keeps every other line byte for byte; the line runs robo as cron would, which logs one line', async () => {
    const b = box({ SEGMENT_TEAM: 'growth', ROBO_DOTFILES_REPO: projectRoot });
    writeFileSync(b.crontab, OTHER);
    const awsConfig = path.join(b.root, 'elsewhere', 'aws%config');
    const result = await nightly(b, ['install', '--scheduler', 'cron'], { AWS_CONFIG_FILE: awsConfig });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const text = read(b.crontab);
    expect(text.startsWith(OTHER)).toBe(true);
    const line = text.slice(OTHER.length);
    expect(line.endsWith(`${CRON_MARKER}\n`)).toBe(true);
    expect(markedLines(text)).toHaveLength(1);
    const fields =
      /^(\d{1,2}) (\d) \* \* \* (.*) (\S+) (\S+) nightly run --quiet >> (\S+) 2>&1 # robo-aws-config nightly\n$/.exec(
        line,
      );
    expect(fields).not.toBeNull();
    const [, minute, hour, env, node, robo, log] = fields as unknown as string[];
    expect(Number(hour)).toBeGreaterThanOrEqual(1);
    expect(Number(hour)).toBeLessThanOrEqual(4);
    expect(Number(minute)).toBeLessThanOrEqual(59);
    expect([node, robo, log]).toEqual([nodeFor(b), roboBin, stateLog(b)]);
    expect(env).toMatch(/^SEGMENT_TEAM=growth /);
    expect(env).toContain(' NO_COLOR=1 ');
    // cron turns a bare % into a newline: robo escapes it.
    expect(env).toContain(`AWS_CONFIG_FILE='${awsConfig.replace('%', '\\%')}' `);

    // Run the command the way cron does: \% becomes %, then sh -c, with a bare environment.
    const command = line.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
    execFileSync('sh', ['-c', command], { env: { HOME: b.home }, stdio: 'pipe', timeout: 15_000 });
    expect(read(awsConfig)).toContain('# >>> robo aws.config - team growth');
    expect(read(stateLog(b))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ growth - changed\n$/);
  });

  it('is idempotent, keeps its time, replaces its line in place, and uninstall restores the crontab exactly', async () => {
    const b = box({ SEGMENT_TEAM: 'growth', ...SOURCE });
    const after = '15 * * * * echo after\n';
    writeFileSync(b.crontab, OTHER);
    expect((await nightly(b, ['install', '--scheduler', 'cron'], { ROBO_NIGHTLY_SEED: '1' })).code).toBe(0);
    writeFileSync(b.crontab, read(b.crontab) + after);
    const installed = read(b.crontab);

    const again = await nightly(b, ['install', '--scheduler', 'cron'], { ROBO_NIGHTLY_SEED: '2' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed, unchanged');
    expect(read(b.crontab)).toBe(installed);

    // Another team: the same line, in the same place, at the same time.
    expect(
      (await nightly(b, ['install', '--scheduler', 'cron', '--team', 'data'], { ROBO_NIGHTLY_SEED: '3' })).code,
    ).toBe(0);
    const switched = read(b.crontab);
    expect(markedLines(switched)).toHaveLength(1);
    expect(switched).toBe(installed.replace('SEGMENT_TEAM=growth', 'SEGMENT_TEAM=data'));

    const removed = await nightly(b, ['uninstall', '--scheduler', 'cron']);
    expect(removed.code).toBe(0);
    expect(read(b.crontab)).toBe(OTHER + after);
    const nothing = await nightly(b, ['uninstall']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to remove');
    expect(read(b.crontab)).toBe(OTHER + after);
  });

  it('works without any crontab yet', async () => {
    const b = box({ SEGMENT_TEAM: 'fpa', ...SOURCE });
    expect((await nightly(b, ['install', '--scheduler', 'cron'])).code).toBe(0);
    expect(markedLines(read(b.crontab))).toHaveLength(1);
    expect(read(b.crontab).split('\n')).toHaveLength(2);
  });

  it('a duplicated marked line (hand edits) is folded into one', async () => {
    const b = box({ SEGMENT_TEAM: 'fpa', ...SOURCE });
    writeFileSync(
      b.crontab,
      `1 1 * * * old one ${CRON_MARKER}\n0 9 * * 1 echo monday\n2 2 * * * old two ${CRON_MARKER}\n`,
    );
    expect((await nightly(b, ['install', '--scheduler', 'cron'])).code).toBe(0);
    const lines = read(b.crontab).split('\n');
    expect(markedLines(read(b.crontab))).toHaveLength(1);
    expect(lines[0]).toMatch(/^1 1 \* \* \* SEGMENT_TEAM=fpa /);
    expect(lines.slice(1)).toEqual(['0 9 * * 1 echo monday', '']);
  });
});

describe('robo nightly choices and errors', () => {
  it.runIf(process.platform === 'linux')(
    'picks systemd when systemctl --user works, cron otherwise, and $ROBO_SCHEDULER over both',
    async () => {
      const b = box({ SEGMENT_TEAM: 'fpa', ...SOURCE });
      expect((await nightly(b, ['install'])).stdout).toContain('systemd timer');
      expect((await nightly(b, ['install'], { FAKE_SYSTEMCTL_RC: '1' })).stdout).toContain('crontab line');
      // One schedule at a time: moving to cron removed the units.
      expect(existsSync(path.join(unitDir(b), 'robo-aws-config.service'))).toBe(false);
      expect((await nightly(b, ['install'], { ROBO_SCHEDULER: 'launchd' })).stdout).toContain('launchd agent');
      expect(markedLines(read(b.crontab))).toEqual([]);
    },
  );

  it('requires a valid team, and writes nothing without one', async () => {
    const b = box(SOURCE);
    const before = treeState(b.home);
    const missing = await nightly(b, ['install', '--scheduler', 'cron']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'no team given: pass --team TEAM, set SEGMENT_TEAM, or record one with robo onboard',
    );
    const invalid = await nightly(b, ['install', '--scheduler', 'cron', '--team', 'Platform!']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--team: "Platform!" is not a team name');
    expect(treeState(b.home)).toEqual(before);
  });

  it('takes the team from the settings file, after $SEGMENT_TEAM', async () => {
    const b = box(SOURCE);
    const settings = path.join(b.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, '[user]\nteam = security\n');
    expect((await nightly(b, ['install', '--scheduler', 'cron'])).code).toBe(0);
    expect(markedLines(read(b.crontab))[0]).toMatch(/ SEGMENT_TEAM=security /);
    expect((await nightly(b, ['install', '--scheduler', 'cron'], { SEGMENT_TEAM: 'data' })).code).toBe(0);
    expect(markedLines(read(b.crontab))[0]).toMatch(/ SEGMENT_TEAM=data /);
  });

  it('refuses without a dotfiles source (the job would use the bundled example), and writes nothing', async () => {
    const b = box({ SEGMENT_TEAM: 'fpa' });
    const before = treeState(b.home);
    const result = await nightly(b, ['install', '--scheduler', 'cron']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no dotfiles source configured');
    expect(result.stderr).toContain('robo onboard --repo URL');
    expect(treeState(b.home)).toEqual(before);
    expect(existsSync(b.crontab)).toBe(false);
  });

  it.each([
    [['install', '--bogus']],
    [['install', '--scheduler', 'anacron']],
    [['install', 'uninstall']],
    [['reinstall']],
    [['status', '--dry-run']],
    [['run', '--scheduler', 'cron']],
  ])('%j is a usage error (exit 2)', async (args) => {
    const b = box({ SEGMENT_TEAM: 'fpa', ...SOURCE });
    const before = treeState(b.home);
    const result = await nightly(b, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^✖ : /);
    expect(treeState(b.home)).toEqual(before);
  });

  it('an unknown $ROBO_SCHEDULER is named as such', async () => {
    const result = await nightly(box({ SEGMENT_TEAM: 'fpa', ...SOURCE }), ['install'], { ROBO_SCHEDULER: 'anacron' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$ROBO_SCHEDULER "anacron": unknown scheduler; use systemd, launchd, cron');
  });

  it('--help describes the actions and options', async () => {
    const result = await nightly(box(), ['--help']);
    expect(result.code).toBe(0);
    for (const word of ['install', 'uninstall', 'status', 'run', '--team', '--scheduler', '--dry-run'])
      expect(result.stdout).toContain(word);
  });
});

describe('robo nightly status', () => {
  it('says when nothing is installed, and which scheduler install would use', async () => {
    const b = box({ FAKE_SYSTEMCTL_RC: '1' });
    const result = await nightly(b, ['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('installed: no (robo nightly install, or robo onboard, installs it with cron)');
    expect(result.stdout).toContain('last run:  none logged yet');
    const json = JSON.parse((await nightly(b, ['status', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      ok: true,
      installed: false,
      scheduler: 'cron',
      jobs: [],
      lastRun: null,
      nextRun: null,
    });
  });

  it('cron: the team, the time, the last run from the log and the next run computed from the line', async () => {
    const b = box({ SEGMENT_TEAM: 'growth', ...SOURCE });
    expect((await nightly(b, ['install', '--scheduler', 'cron'])).code).toBe(0);
    const [minute, hour] = markedLines(read(b.crontab))[0]!.split(' ').map(Number) as [number, number];
    writeFileSync(
      stateLog(b),
      '2026-03-01T02:00:00Z growth 3f2c9d1e0a7b changed\n2026-03-02T02:00:00Z growth 3f2c9d1e0a7b offline since 2026-03-01T02:00:00Z: fatal: unable to connect\n',
    );

    const json = JSON.parse((await nightly(b, ['status', '--json'])).stdout) as {
      installed: boolean;
      jobs: Array<{ scheduler: string; team: string; time: string }>;
      lastRun: Record<string, unknown>;
      nextRun: { at: string; from: string };
    };
    const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    expect(json.installed).toBe(true);
    expect(json.jobs).toEqual([{ scheduler: 'cron', where: ['crontab'], team: 'growth', time }]);
    expect(json.lastRun).toMatchObject({
      time: '2026-03-02T02:00:00.000Z',
      result: 'offline',
      since: '2026-03-01T02:00:00.000Z',
      commit: '3f2c9d1e0a7b',
      reason: 'fatal: unable to connect',
    });
    // The sandbox runs in UTC: the next run is the next day's HH:MM, UTC, after now.
    const next = new Date(json.nextRun.at);
    expect(json.nextRun.from).toBe('computed');
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([hour, minute]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);

    const text = (await nightly(b, ['status'])).stdout;
    expect(text).toContain(`installed: cron at ${time}, team growth: crontab`);
    expect(text).toContain(
      'last run:  2026-03-02 02:00: source unreachable, used the cached clone; offline since 2026-03-01 02:00',
    );
    expect(text).toContain(`log:       ~/.local/state/robo/nightly.log`);
  });

  it('systemd: the next run as systemctl says it (asked in UTC), and what the job printed without its line', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ...SOURCE, FAKE_NEXT_ELAPSE: 'Sat 2031-01-04 03:21:09' });
    expect((await nightly(b, ['install', '--scheduler', 'systemd'])).code).toBe(0);
    writeFileSync(stateLog(b), '2026-03-01T02:00:00Z data - unchanged\n/usr/bin/node: No such file or directory\n');
    const json = JSON.parse((await nightly(b, ['status', '--json'])).stdout) as {
      nextRun: unknown;
      trailing: string[];
      lastRun: { result: string };
    };
    expect(json.nextRun).toEqual({ at: '2031-01-04T03:21:09.000Z', earliest: null, latest: null, from: 'systemctl' });
    expect(json.trailing).toEqual(['/usr/bin/node: No such file or directory']);
    expect(json.lastRun.result).toBe('unchanged');
    const text = (await nightly(b, ['status'])).stdout;
    expect(text).toContain('next run:  2031-01-04 03:21 (from systemctl)');
    expect(text).toContain('the job printed, without its log line: /usr/bin/node: No such file or directory');
  });

  it('systemd without an answer: the window it runs in', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ...SOURCE });
    expect((await nightly(b, ['install', '--scheduler', 'systemd'])).code).toBe(0);
    const json = JSON.parse((await nightly(b, ['status', '--json'])).stdout) as {
      nextRun: { earliest: string; latest: string; from: string };
    };
    expect(json.nextRun.from).toBe('computed');
    expect(new Date(json.nextRun.earliest).getUTCHours()).toBe(1);
    expect(new Date(json.nextRun.latest).getTime() - new Date(json.nextRun.earliest).getTime()).toBe(4 * 3_600_000);
  });
});
