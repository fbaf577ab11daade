/**
 * How long robo waits for the dotfiles remote: the durations it reads, where
 * the limit comes from ($ROBO_DOTFILES_TIMEOUT over the settings over 30 s),
 * what it says about a bad value, and when a person may answer git instead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { parseDuration } from '../src/duration.js';
import { resolveTimeout, seconds, timeoutAdvice, TIMEOUT_DURATION } from '../src/source/timeout.js';
import { readSettings } from '../src/settings.js';
import { personAnswers } from '../src/system/git.js';

describe('the time limit as written (duration.ts, TIMEOUT_DURATION)', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    [' 45s ', 45_000],
    ['1.5', 1500],
    ['1.5s', 1500],
    ['.5s', 500],
    ['500ms', 500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['24h', 86_400_000],
    ['1.5h', 5_400_000],
    ['2500us', 3],
    // robo's one duration syntax: days, and blanks around a number (as max_offline takes them).
    ['1d', 86_400_000],
    ['30 s', 30_000],
    ['1m 30s', 90_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text, TIMEOUT_DURATION)).toEqual({ ms });
  });

  it.each(['0', '0s', '0ms', 'off', 'OFF'])('%s turns the limit off', (text) => {
    expect(parseDuration(text, TIMEOUT_DURATION)).toEqual({ ms: undefined });
  });

  it.each([
    ['', 'is not a duration'],
    ['soon', 'is not a duration'],
    ['-5', 'is not a duration'],
    ['30 sec', 'is not a duration'],
    ['1m30', 'is not a duration'],
    ['1d-5s', 'is not a duration'],
    ['1e3', 'is not a duration'],
    ['s', 'is not a duration'],
    ['30S', 'is not a duration'],
    ['-5s', 'is not a duration'],
    ['2562048h', 'is not a duration'],
    ['25h', 'is longer than 24h'],
    ['2d', 'is longer than 24h'],
    ['99999999999', 'is longer than 24h'],
  ])('%j is refused: %s', (text, problem) => {
    const parsed = parseDuration(text, TIMEOUT_DURATION);
    expect('problem' in parsed && parsed.problem).toContain(problem);
  });
});

describe('resolveTimeout: $ROBO_DOTFILES_TIMEOUT, then [dotfiles] timeout in the settings, then 30 s', () => {
  const settings = (timeout?: string) => ({ file: '/home/u/.config/robo/config', dotfiles: { timeout } });
  it.each([
    ['the default', {}, settings(), { ms: 30_000, origin: 'default' }],
    ['the settings', {}, settings('45s'), { ms: 45_000, origin: 'settings' }],
    [
      'the variable over the settings',
      { ROBO_DOTFILES_TIMEOUT: '5' },
      settings('45s'),
      { ms: 5000, origin: '$ROBO_DOTFILES_TIMEOUT' },
    ],
    [
      'the variable turning it off',
      { ROBO_DOTFILES_TIMEOUT: 'off' },
      settings('45s'),
      { ms: undefined, origin: '$ROBO_DOTFILES_TIMEOUT' },
    ],
    ['the settings turning it off', {}, settings('0'), { ms: undefined, origin: 'settings' }],
    [
      'an empty variable counts as unset',
      { ROBO_DOTFILES_TIMEOUT: '' },
      settings('45s'),
      { ms: 45_000, origin: 'settings' },
    ],
  ])('%s', (_name, env, from, expected) => {
    expect(resolveTimeout(env, from)).toEqual({ ...expected, settingsFile: '/home/u/.config/robo/config' });
  });

  it('a bad variable is a usage error (exit 2) naming it', () => {
    expect(() => resolveTimeout({ ROBO_DOTFILES_TIMEOUT: 'soon' }, settings())).toThrow(UsageError);
    expect(() => resolveTimeout({ ROBO_DOTFILES_TIMEOUT: 'soon' }, settings())).toThrow(
      /^\$ROBO_DOTFILES_TIMEOUT: "soon" is not a duration such as 30s/,
    );
  });
});

describe('timeoutAdvice', () => {
  it.each([
    [{ ms: 30_000, origin: 'default' as const }, 'the limit is 30 s (the default)'],
    [{ ms: 1000, origin: '$ROBO_DOTFILES_TIMEOUT' as const }, 'the limit is 1 s (from $ROBO_DOTFILES_TIMEOUT)'],
    [{ ms: 500, origin: 'settings' as const }, 'the limit is 0.5 s (from timeout under [dotfiles] in /s/config)'],
  ])('says where the limit came from: %j', (timeout, start) => {
    const advice = timeoutAdvice({ ...timeout, settingsFile: '/s/config' });
    expect(advice.startsWith(start)).toBe(true);
    expect(advice).toContain(
      'set ROBO_DOTFILES_TIMEOUT=2m, or "timeout = 2m" under [dotfiles] in /s/config (0 or off: no limit)',
    );
  });

  it('seconds as the messages write them', () => {
    expect([30_000, 1000, 500, 1234, 90_000].map(seconds)).toEqual(['30 s', '1 s', '0.5 s', '1.234 s', '90 s']);
  });
});

describe('[dotfiles] timeout in the settings file', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const settingsWith = (text: string) => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'robo-settings-'));
    const file = path.join(dir, 'config');
    writeFileSync(file, text);
    return file;
  };

  it('is read as written', async () => {
    expect((await readSettings(settingsWith('[dotfiles]\ntimeout = 1m30s\n'))).dotfiles.timeout).toBe('1m30s');
  });

  it.each([
    ['timeout = soon', '"soon" is not a duration such as 30s, 2m, 1m30s or 500ms'],
    ['timeout = 48h', '"48h" is longer than 24h'],
    ['timeout = true', '"true" is not a duration such as 30s'],
    ['timeout =', 'must be a non-empty string'],
  ])('%s is refused, naming the file and the key', async (line, problem) => {
    const file = settingsWith(`[dotfiles]\n${line}\n`);
    const error = await readSettings(file).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`invalid robo settings file ${file}`);
    expect((error as UsageError).details).toEqual([expect.stringContaining(`${file}: [dotfiles] timeout: ${problem}`)]);
  });
});

describe('personAnswers: git may wait for a person only when they asked (GIT_TERMINAL_PROMPT=1) at a terminal', () => {
  it.each([
    [{}, true, false],
    [{ GIT_TERMINAL_PROMPT: '0' }, true, false],
    [{ GIT_TERMINAL_PROMPT: '1' }, true, true],
    [{ GIT_TERMINAL_PROMPT: 'true' }, true, true],
    [{ GIT_TERMINAL_PROMPT: '1' }, false, false],
  ])('%j, stdin a terminal: %s → %s', (env, interactive, expected) => {
    expect(personAnswers(env, interactive)).toBe(expected);
  });
});
