/**
 * The nightly job's pure parts, as tables: quoting for each scheduler, the
 * unit, plist and crontab line (read back by the real readers where there is
 * one: plistlib, sh, systemd-analyze), robo's marked line in a shared file,
 * the time of day, and the log line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CRON_MARKER,
  JOB_ARGS,
  jobPath,
  makeJob,
  nextDaily,
  parseSystemdTimestamp,
  pickTime,
  seededRandom,
  type Job,
} from '../src/nightly/job.js';
import { formatDuration as durationText } from '../src/duration.js';
import { formatLogLine, offlineSince, parseLogLine, readLogText, type LogEntry } from '../src/nightly/log.js';
import { isMarked, markedLine, rewriteMarked } from '../src/marked-lines.js';
import {
  cronTime,
  jobTeam,
  plistTime,
  renderCronLine,
  renderPlist,
  renderService,
  renderTimer,
  shQuote,
  systemdExecQuote,
  systemdQuote,
  xmlEscape,
} from '../src/nightly/render.js';
import { hasCommand, loadPlist } from './helpers/schedulers.js';

// Awkward but legal values: quotes, $, %, &, <, > and spaces must all survive every format.
const AWKWARD = `/srv/dot files/a&b<c>"d"'e'%f$g\\h`;

function job(overrides: Partial<Parameters<typeof makeJob>[0]> = {}): Job {
  return makeJob({
    team: 'platform',
    node: '/opt/node 20/bin/node',
    robo: '/opt/robo/bin/robo.cjs',
    env: { ROBO_DOTFILES_REPO: AWKWARD, AWS_CONFIG_FILE: '/home/u/aws%config', XDG_CACHE_HOME: '' },
    passSource: true,
    path: '/opt/node 20/bin:/usr/bin',
    logFile: '/home/u/.local/state/robo/nightly.log',
    time: { hour: 3, minute: 7 },
    ...overrides,
  });
}

let timezone: string | undefined;
beforeAll(() => {
  timezone = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (timezone === undefined) delete process.env.TZ;
  else process.env.TZ = timezone;
});

describe('quoting', () => {
  it.each([
    [systemdQuote, 'a b', '"a b"'],
    [systemdQuote, 'say "hi" \\ 100%', '"say \\"hi\\" \\\\ 100%%"'],
    [systemdExecQuote, 'cost $5 and 5%', '"cost $$5 and 5%%"'],
    [xmlEscape, 'a&b<c>"d"', 'a&amp;b&lt;c&gt;"d"'],
    [shQuote, '/usr/bin/node', '/usr/bin/node'],
    [shQuote, '', "''"],
    [shQuote, "it's $HOME", `'it'\\''s $HOME'`],
  ] as const)('%o(%j) is %j', (quote, value, expected) => {
    expect(quote(value)).toBe(expected);
  });
});

describe('makeJob', () => {
  it('runs robo nightly run with the team, the variables set now, the log and a PATH', () => {
    const made = job();
    expect(made.command).toEqual(['/opt/node 20/bin/node', '/opt/robo/bin/robo.cjs', ...JOB_ARGS]);
    expect(made.environment).toEqual([
      ['SEGMENT_TEAM', 'platform'],
      ['ROBO_DOTFILES_REPO', AWKWARD],
      ['AWS_CONFIG_FILE', '/home/u/aws%config'],
      ['ROBO_NIGHTLY_LOG', '/home/u/.local/state/robo/nightly.log'],
      ['NO_COLOR', '1'],
      ['PATH', '/opt/node 20/bin:/usr/bin'],
    ]);
  });

  it('passes the source on only when asked (onboard records it in the settings instead)', () => {
    const names = job({
      passSource: false,
      env: { ROBO_DOTFILES_REPO: 'x', ROBO_DOTFILES_REF: 'y', XDG_STATE_HOME: '/s' },
    }).environment.map(([name]) => name);
    expect(names).toEqual(['SEGMENT_TEAM', 'XDG_STATE_HOME', 'ROBO_NIGHTLY_LOG', 'NO_COLOR', 'PATH']);
  });

  it.each([
    ['AWS_CONFIG_FILE', { env: { AWS_CONFIG_FILE: '/a\nb' } }],
    ['the path of node', { node: '/bin/no\rde' }],
  ])('refuses a line break in %s (exit 2)', (name, overrides) => {
    expect(() => job(overrides)).toThrow(`${name} contains a line break: it cannot be passed to a scheduled job`);
  });

  it('the PATH has node and git first, then the system folders, each once', () => {
    expect(jobPath(['/opt/node/bin', '/usr/bin', undefined])).toBe('/opt/node/bin:/usr/bin:/usr/local/bin:/bin');
  });
});

describe('renderService and renderTimer', () => {
  it('writes a oneshot service with every value quoted for systemd, and its log', () => {
    const service = renderService(job());
    expect(service).toContain('Type=oneshot\n');
    expect(service).toContain('ExecStart="/opt/node 20/bin/node" "/opt/robo/bin/robo.cjs" "nightly" "run" "--quiet"\n');
    expect(service).toContain('Environment="SEGMENT_TEAM=platform"\n');
    // systemd unquoting: \" and \\ are escapes, %% is a literal %.
    expect(service).toContain(
      String.raw`Environment="ROBO_DOTFILES_REPO=/srv/dot files/a&b<c>\"d\"'e'%%f$g\\h"` + '\n',
    );
    expect(service).toContain('Environment="AWS_CONFIG_FILE=/home/u/aws%%config"\n');
    expect(service).toContain('StandardOutput=append:/home/u/.local/state/robo/nightly.log\n');
    expect(service).toContain('StandardError=append:/home/u/.local/state/robo/nightly.log\n');
    expect(jobTeam(service)).toBe('platform');
  });

  it('the timer spreads the runs and catches up a missed night', () => {
    const timer = renderTimer();
    for (const line of [
      'OnCalendar=*-*-* 01:00:00',
      'RandomizedDelaySec=4h',
      'FixedRandomDelay=true',
      'Persistent=true',
      'WantedBy=timers.target',
    ]) {
      expect(timer).toContain(`${line}\n`);
    }
  });

  it.runIf(hasCommand('systemd-analyze'))('both pass systemd-analyze verify', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'robo-units-'));
    try {
      // verify checks that ExecStart's program exists and is executable.
      const made = job({ node: process.execPath, robo: path.join(folder, 'robo.cjs') });
      writeFileSync(path.join(folder, 'robo.cjs'), '');
      const service = path.join(folder, 'robo-aws-config.service');
      const timer = path.join(folder, 'robo-aws-config.timer');
      writeFileSync(service, renderService(made));
      writeFileSync(timer, renderTimer());
      // verify exits 0 on lines it ignores: it must say nothing at all.
      const verified = spawnSync('systemd-analyze', ['verify', service, timer], {
        encoding: 'utf8',
        env: { ...process.env, HOME: folder },
      });
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('renderPlist', () => {
  it('is a plist that plistlib reads back to the same values', () => {
    const text = renderPlist(job());
    const folder = mkdtempSync(path.join(os.tmpdir(), 'robo-plist-'));
    try {
      writeFileSync(path.join(folder, 'job.plist'), text);
      expect(loadPlist(path.join(folder, 'job.plist'))).toEqual({
        Label: 'com.robo.aws-config',
        ProgramArguments: ['/opt/node 20/bin/node', '/opt/robo/bin/robo.cjs', 'nightly', 'run', '--quiet'],
        EnvironmentVariables: {
          SEGMENT_TEAM: 'platform',
          ROBO_DOTFILES_REPO: AWKWARD,
          AWS_CONFIG_FILE: '/home/u/aws%config',
          ROBO_NIGHTLY_LOG: '/home/u/.local/state/robo/nightly.log',
          NO_COLOR: '1',
          PATH: '/opt/node 20/bin:/usr/bin',
        },
        StartCalendarInterval: { Hour: 3, Minute: 7 },
        StandardOutPath: '/home/u/.local/state/robo/nightly.log',
        StandardErrorPath: '/home/u/.local/state/robo/nightly.log',
        RunAtLoad: false,
        ProcessType: 'Background',
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect(plistTime(text)).toEqual({ hour: 3, minute: 7 });
    expect(jobTeam(text)).toBe('platform');
  });
});

describe('renderCronLine', () => {
  it('is one marked line whose command sh runs with every value intact, as cron would', () => {
    const line = renderCronLine(job());
    expect(line.startsWith('7 3 * * * SEGMENT_TEAM=platform ')).toBe(true);
    expect(line.endsWith(` >> /home/u/.local/state/robo/nightly.log 2>&1 ${CRON_MARKER}`)).toBe(true);
    expect(line).not.toMatch(/[^\\]%/); // cron would cut the line at a bare %
    expect(cronTime(line)).toEqual({ hour: 3, minute: 7 });
    expect(jobTeam(line)).toBe('platform');

    // cron: \% becomes %, then sh -c. Here the program prints its environment instead of running robo.
    const folder = mkdtempSync(path.join(os.tmpdir(), 'robo-cron-'));
    try {
      const log = path.join(folder, 'out log');
      const printing = {
        ...job(),
        command: [process.execPath, '-e', 'console.log(JSON.stringify(process.env))'],
        logFile: log,
      };
      const command = renderCronLine(printing).split(' ').slice(5).join(' ').replaceAll('\\%', '%');
      execFileSync('sh', ['-c', command], { env: {}, stdio: 'pipe' });
      const env = JSON.parse(execFileSync('cat', [log], { encoding: 'utf8' })) as Record<string, string>;
      expect(env).toMatchObject({
        SEGMENT_TEAM: 'platform',
        ROBO_DOTFILES_REPO: AWKWARD,
        AWS_CONFIG_FILE: '/home/u/aws%config',
        NO_COLOR: '1',
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('marked lines', () => {
  const M = '# mine';
  it.each([
    ['appended to an empty file', '', 'x # mine', 'x # mine\n'],
    ['appended after a last line without a newline', 'a\nb', 'x # mine', 'a\nb\nx # mine\n'],
    ['replaced in place', 'a\nold # mine\nb\n', 'x # mine', 'a\nx # mine\nb\n'],
    ['replaced in place, trailing blanks and a CR ignored', 'a\r\nold # mine \r\nb', 'x # mine', 'a\r\nx # mine\nb'],
    ['duplicates folded into the first', 'old1 # mine\na\nold2 # mine\n', 'x # mine', 'x # mine\na\n'],
    ['taken out', 'a\nold # mine\nb\n', undefined, 'a\nb\n'],
    ['taken out of a file without it: unchanged', 'a\r\nb  \n', undefined, 'a\r\nb  \n'],
    ["a line that only mentions the marker is not robo's", 'echo "# mine" > f\n', undefined, 'echo "# mine" > f\n'],
  ])('%s', (_name, text, line, expected) => {
    expect(rewriteMarked(text, M, line)).toBe(expected);
  });

  it('finds the marked line, and not a prefix of the marker', () => {
    expect(markedLine('a\n1 2 * * * x # mine\n', M)).toBe('1 2 * * * x # mine');
    expect(isMarked('x # mine2', M)).toBe(false);
  });
});

describe('time', () => {
  it('picks a time between 01:00 and 04:59, the same for the same seed', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const time = pickTime(seededRandom(seed));
      expect(time.hour).toBeGreaterThanOrEqual(1);
      expect(time.hour).toBeLessThanOrEqual(4);
      expect(time.minute).toBeGreaterThanOrEqual(0);
      expect(time.minute).toBeLessThanOrEqual(59);
      expect(pickTime(seededRandom(seed))).toEqual(time);
    }
    const spread = new Set(Array.from({ length: 50 }, (_, seed) => JSON.stringify(pickTime(seededRandom(seed)))));
    expect(spread.size).toBeGreaterThan(20);
  });

  it.each([
    ['later today', { hour: 3, minute: 7 }, '2026-03-02T01:00:00Z', '2026-03-02T03:07:00.000Z'],
    ["tomorrow when today's is past", { hour: 3, minute: 7 }, '2026-03-02T03:07:00Z', '2026-03-03T03:07:00.000Z'],
    ['across a month', { hour: 1, minute: 0 }, '2026-03-31T22:00:00Z', '2026-04-01T01:00:00.000Z'],
  ])('the next run: %s', (_name, time, now, expected) => {
    expect(nextDaily(time, new Date(now)).toISOString()).toBe(expected);
  });

  it.each([
    ['Sat 2024-01-06 01:37:12 UTC', '2024-01-06T01:37:12.000Z'],
    ['n/a', undefined],
    ['', undefined],
  ])('systemctl says %j', (text, expected) => {
    expect(parseSystemdTimestamp(text)?.toISOString()).toBe(expected);
  });
});

describe('the log line', () => {
  const at = new Date('2026-03-04T02:17:41.512Z');
  it.each<[string, LogEntry, string]>([
    [
      'changed',
      { time: at, team: 'platform', commit: '3f2c9d1e0a7b5c4d', result: 'changed' },
      '2026-03-04T02:17:41Z platform 3f2c9d1e0a7b changed',
    ],
    [
      'unchanged',
      { time: at, team: 'platform', commit: '3f2c9d1e0a7b', result: 'unchanged' },
      '2026-03-04T02:17:41Z platform 3f2c9d1e0a7b unchanged',
    ],
    [
      'a folder source',
      { time: at, team: 'data', commit: undefined, result: 'unchanged' },
      '2026-03-04T02:17:41Z data - unchanged',
    ],
    [
      'offline',
      {
        time: at,
        team: 'platform',
        commit: '3f2c9d1e0a7b',
        result: 'offline',
        since: new Date('2026-03-01T02:00:00Z'),
        reason: 'fatal: unable to connect\nretry',
      },
      '2026-03-04T02:17:41Z platform 3f2c9d1e0a7b offline since 2026-03-01T02:00:00Z: fatal: unable to connect; retry',
    ],
    [
      'offline too long',
      {
        time: at,
        team: 'platform',
        commit: '3f2c9d1e0a7b',
        result: 'offline',
        since: new Date('2026-02-01T02:00:00Z'),
        overThreshold: '7d',
        reason: 'x',
      },
      '2026-03-04T02:17:41Z platform 3f2c9d1e0a7b offline since 2026-02-01T02:00:00Z (over max_offline 7d): x',
    ],
    [
      'failed',
      { time: at, team: undefined, commit: undefined, result: 'failed', reason: 'no team given\x1b[2J' },
      '2026-03-04T02:17:41Z - - failed: no team given\\x1b[2J',
    ],
    [
      'a team that is no team name',
      { time: at, team: 'Platform Team', commit: undefined, result: 'failed', reason: 'bad' },
      '2026-03-04T02:17:41Z - - failed: bad',
    ],
  ])('%s', (_name, entry, line) => {
    expect(formatLogLine(entry)).toBe(line);
    const parsed = parseLogLine(line)!;
    expect(parsed.result).toBe(entry.result);
    expect(parsed.time.toISOString()).toBe('2026-03-04T02:17:41.000Z');
    expect(parsed.since?.toISOString()).toBe(entry.since?.toISOString());
    expect(parsed.overThreshold).toBe(entry.overThreshold);
  });

  it('a very long reason is cut', () => {
    const line = formatLogLine({ time: at, team: 'a', commit: undefined, result: 'failed', reason: 'x'.repeat(5000) });
    expect(line.length).toBeLessThan(700);
  });

  it('what the scheduler caught after the last line is kept apart', () => {
    const log = readLogText(
      '2026-03-04T02:17:41Z a - changed\nnoise\n2026-03-05T02:17:41Z a - unchanged\nsh: 1: /usr/bin/node: not found\n',
    );
    expect(log.entries.map((entry) => entry.result)).toEqual(['changed', 'unchanged']);
    expect(log.trailing).toEqual(['sh: 1: /usr/bin/node: not found']);
  });

  it.each([
    ['no run reached it: the commit date', [], '2026-01-01T00:00:00.000Z'],
    [
      'the last run that found the remote at this commit',
      [
        '2026-02-10T02:00:00Z a 3f2c9d1e0a7b unchanged',
        '2026-02-11T02:00:00Z a 3f2c9d1e0a7b changed',
        '2026-02-12T02:00:00Z a 3f2c9d1e0a7b offline since 2026-02-11T02:00:00Z',
      ],
      '2026-02-11T02:00:00.000Z',
    ],
    [
      'runs at another commit do not count',
      ['2026-02-10T02:00:00Z a 000000000000 unchanged'],
      '2026-01-01T00:00:00.000Z',
    ],
    ['failed runs do not count', ['2026-02-10T02:00:00Z a - failed: x'], '2026-01-01T00:00:00.000Z'],
  ])('offline since: %s', (_name, lines, expected) => {
    const entries = readLogText(lines.join('\n')).entries;
    expect(
      offlineSince(entries, '3f2c9d1e0a7b5c4d3e2f1a0b9c8d7e6f5a4b3c2d', new Date('2026-01-01T00:00:00Z')).toISOString(),
    ).toBe(expected);
  });

  it.each([
    [7 * 24 * 3_600_000, '7d'],
    [36 * 3_600_000, '36h'],
  ])('%d ms is %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});
