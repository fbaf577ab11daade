/**
 * robo's one duration syntax (duration.ts): Go's durations plus days, blanks
 * around numbers, and the rules a setting adds (bare seconds, off, a
 * longest value); and durations written back.
 */
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, type DurationRule } from '../src/duration.js';

const strict: DurationRule = { format: 'a duration', bareSeconds: false, off: false };
const loose: DurationRule = { format: 'a duration', bareSeconds: true, off: true, max: { ms: 3_600_000, text: '1h' } };

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1d12h', 129_600_000],
    ['1.5d', 129_600_000],
    [' 1 d 12 h ', 129_600_000],
    ['1h 30m', 5_400_000],
    ['+2m', 120_000],
    ['1µs', 1], // Go's units, both micro signs; rounded up to a whole millisecond
    ['1μs', 1],
    ['0d', 0],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text, strict)).toEqual({ ms });
  });

  it.each(['', '7', '1.5', 'off', '7 days', '1w', '1h30', '-1h', '1d-1h', '30S', '1e3s', '. s', '106752d', 'h'])(
    '%j is not a duration where a unit is required',
    (text) => {
      expect(parseDuration(text, strict)).toEqual({ problem: `${JSON.stringify(text)} is not a duration` });
    },
  );

  it('a rule may take a bare number as seconds, 0 and off as no limit, and set a longest value', () => {
    expect(parseDuration('90', loose)).toEqual({ ms: 90_000 });
    expect(parseDuration('0', loose)).toEqual({ ms: undefined });
    expect(parseDuration('0s', loose)).toEqual({ ms: undefined });
    expect(parseDuration('OFF', loose)).toEqual({ ms: undefined });
    expect(parseDuration('1h', loose)).toEqual({ ms: 3_600_000 });
    expect(parseDuration('61m', loose)).toEqual({ problem: '"61m" is longer than 1h' });
    expect(parseDuration('1d', loose)).toEqual({ problem: '"1d" is longer than 1h' });
    expect(parseDuration('9'.repeat(400), loose)).toEqual({ problem: `"${'9'.repeat(400)}" is longer than 1h` });
  });
});

describe('formatDuration', () => {
  it.each([
    [7 * 86_400_000, '7d'],
    [36 * 3_600_000, '36h'],
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [1500, '1s500ms'],
    [0, '0s'],
  ])('%d ms is %s, which reads back as the same', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text, strict)).toEqual({ ms });
  });
});
