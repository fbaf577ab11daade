/**
 * The port of Go's time.ParseDuration against Go's own test tables
 * (go/src/time/time_test.go: parseDurationTests, parseDurationErrorTests),
 * whose answers are Go's, plus the values issue #10 found.
 */
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../src/validate/go-duration.js';

const ns = 1n;
const us = 1000n * ns;
const ms = 1000n * us;
const s = 1000n * ms;
const m = 60n * s;
const h = 60n * m;
const MAX = (1n << 63n) - 1n;

describe('parseGoDuration: what Go accepts', () => {
  it.each<[string, bigint]>([
    // simple
    ['0', 0n],
    ['5s', 5n * s],
    ['30s', 30n * s],
    ['1478s', 1478n * s],
    // sign
    ['-5s', -5n * s],
    ['+5s', 5n * s],
    ['-0', 0n],
    ['+0', 0n],
    // decimal
    ['5.0s', 5n * s],
    ['5.6s', 5n * s + 600n * ms],
    ['5.s', 5n * s],
    ['.5s', 500n * ms],
    ['1.0s', 1n * s],
    ['1.00s', 1n * s],
    ['1.004s', 1n * s + 4n * ms],
    ['1.0040s', 1n * s + 4n * ms],
    ['100.00100s', 100n * s + 1n * ms],
    // different units
    ['10ns', 10n * ns],
    ['11us', 11n * us],
    ['12\u00b5s', 12n * us], // U+00B5
    ['12\u03bcs', 12n * us], // U+03BC
    ['13ms', 13n * ms],
    ['14s', 14n * s],
    ['15m', 15n * m],
    ['16h', 16n * h],
    // composite durations
    ['3h30m', 3n * h + 30n * m],
    ['10.5s4m', 4n * m + 10n * s + 500n * ms],
    ['-2m3.4s', -(2n * m + 3n * s + 400n * ms)],
    ['1h2m3s4ms5us6ns', 1n * h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n * ns],
    ['39h9m14.425s', 39n * h + 9n * m + 14n * s + 425n * ms],
    // large value
    ['52763797000ns', 52763797000n * ns],
    // more than 9 digits after decimal point, see https://golang.org/issue/6617
    ['0.3333333333333333333h', 20n * m],
    // 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
    ['9007199254740993ns', (1n << 53n) + 1n],
    // largest duration that can be represented by int64 in nanoseconds
    ['9223372036854775807ns', MAX],
    ['9223372036854775.807us', MAX],
    ['9223372036s854ms775us807ns', MAX],
    ['2562047h47m16.854775807s', MAX],
    // large negative values
    ['-9223372036854775807ns', -MAX],
    ['-2562047h47m16.854775807s', -MAX],
    // huge string; issue 15011.
    ['0.100000000000000000000h', 6n * m],
    // This value tests the first overflow check in leadingFraction.
    ['0.830103483285477580700h', 49n * m + 48n * s + 372539827n * ns],
    // issue #10: written as one 0xB5 byte, it broke botocore; µs is two bytes in UTF-8
    ['1h0\u00b5s', h],
    ['12h', 12n * h],
  ])('%s = %s ns', (text, nanoseconds) => {
    expect(parseGoDuration(text)).toEqual({ ok: true, nanoseconds });
  });
});

describe('parseGoDuration: what Go refuses', () => {
  it.each<[string, string]>([
    // invalid
    ['', 'time: invalid duration ""'],
    ['3', 'time: missing unit in duration "3"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['\u0085\u0085', 'time: invalid duration'],
    ['\ufffd', 'time: invalid duration'],
    ['\ufffd hello \ufffd world', 'time: invalid duration'],
    // overflow
    ['9223372036854775810ns', 'time: invalid duration'],
    ['9223372036854775808ns', 'time: invalid duration'],
    ['-9223372036854775809ns', 'time: invalid duration'],
    ['9223372036854776us', 'time: invalid duration'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['2562048h', 'time: invalid duration'],
    ['2562047h47m16.854775808s', 'time: invalid duration'],
    ['9223372036854775.808us', 'time: invalid duration'],
    ['9223372036854ms775us808ns', 'time: invalid duration'],
    // Go >= 1.17 takes exactly -2^63 ns; older Go (aws-okta's) did not, and robo keeps to what both take.
    ['-9223372036854775808ns', 'time: invalid duration'],
    ['-2562047h47m16.854775808s', 'time: invalid duration'],
    // what people write that is not a Go duration
    ['1 hour', 'time: unknown unit " hour" in duration "1 hour"'],
    ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
    [' 1h', 'time: invalid duration'],
    ['1H', 'time: unknown unit "H"'],
    ['1h0\u00b5', 'time: unknown unit "\u00b5"'],
    ['1\u00b5', 'time: unknown unit "\u00b5"'],
    ['1\u039cs', 'time: unknown unit "\u039cs"'],
    ['1\ud800s', 'time: unknown unit "\ufffds"'],
    ['1e3s', 'time: unknown unit "e"'],
  ])('%j is refused: %s', (text, reason) => {
    const result = parseGoDuration(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
