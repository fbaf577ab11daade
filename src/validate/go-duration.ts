/**
 * Go's time.ParseDuration, ported line for line (go/src/time/format.go), for
 * aws-okta's ttl keys: robo must accept exactly what aws-okta will. Works on
 * UTF-8 bytes in BigInt with Go's overflow checks. One deliberate difference:
 * -2^63 ns, accepted only since Go 1.17, is refused (docs/definitions.md).
 */
const NANOSECOND = 1n;
const MICROSECOND = 1000n * NANOSECOND;
const MILLISECOND = 1000n * MICROSECOND;
const SECOND = 1000n * MILLISECOND;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

/** Units by their UTF-8 bytes, read as latin1 (one char per byte): µs is C2 B5, μs is CE BC. */
const UNITS = new Map<string, bigint>([
  ['ns', NANOSECOND],
  ['us', MICROSECOND],
  ['\u00c2\u00b5s', MICROSECOND], // U+00B5 MICRO SIGN
  ['\u00ce\u00bcs', MICROSECOND], // U+03BC GREEK SMALL LETTER MU
  ['ms', MILLISECOND],
  ['s', SECOND],
  ['m', MINUTE],
  ['h', HOUR],
]);

const LIMIT = 1n << 63n;
const MAX = LIMIT - 1n;

export type GoDuration = { ok: true; nanoseconds: bigint } | { ok: false; reason: string };

export function parseGoDuration(text: string): GoDuration {
  // Go indexes bytes; latin1 of the UTF-8 bytes gives one char per byte.
  let s = Buffer.from(text, 'utf8').toString('latin1');
  const invalid: GoDuration = { ok: false, reason: `time: invalid duration ${JSON.stringify(text)}` };
  let d = 0n;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  // Special case: if all that is left is "0", this is zero.
  if (s === '0') return { ok: true, nanoseconds: 0n };
  if (s === '') return invalid;
  while (s !== '') {
    let v: bigint;
    let f = 0n; // digits after the decimal point
    let scale = 1; // value = v + f/scale
    // The next character must be [0-9.]
    if (!(s[0] === '.' || isDigit(s, 0))) return invalid;
    // Consume [0-9]*
    const before = s.length;
    const whole = leadingInt(s);
    if (!whole) return invalid;
    [v, s] = whole;
    const pre = before !== s.length; // whether we consumed anything before a period
    // Consume (\.[0-9]*)?
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      const length = s.length;
      [f, scale, s] = leadingFraction(s);
      post = length !== s.length;
    }
    if (!pre && !post) return invalid; // no digits (e.g. ".s" or "-.s")
    // Consume unit.
    let i = 0;
    while (i < s.length && s[i] !== '.' && !isDigit(s, i)) i += 1;
    if (i === 0) return { ok: false, reason: `time: missing unit in duration ${JSON.stringify(text)}` };
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS.get(u);
    if (unit === undefined)
      return {
        ok: false,
        reason: `time: unknown unit ${JSON.stringify(Buffer.from(u, 'latin1').toString('utf8'))} in duration ${JSON.stringify(text)}`,
      };
    if (v > LIMIT / unit) return invalid; // overflow
    v *= unit;
    if (f > 0n) {
      // float64 is needed to be nanosecond accurate for fractions of hours.
      // v >= 0 && (f*unit/scale) <= 3.6e+12 (ns/h, h is the largest unit)
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) return invalid; // overflow
    }
    d += v;
    if (d > LIMIT) return invalid;
  }
  // Go >= 1.17 takes d == 2^63 when negative; robo keeps the range every Go takes (see above).
  if (d > MAX) return invalid;
  return { ok: true, nanoseconds: neg ? -d : d };
}

function isDigit(s: string, index: number): boolean {
  const code = s.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
}

/** Go's leadingInt: the leading [0-9]* as a uint64, or undefined on overflow. */
function leadingInt(s: string): [bigint, string] | undefined {
  let x = 0n;
  let i = 0;
  for (; i < s.length && isDigit(s, i); i += 1) {
    if (x > LIMIT / 10n) return undefined; // overflow
    x = x * 10n + BigInt(s.charCodeAt(i) - 0x30);
    if (x > LIMIT) return undefined; // overflow
  }
  return [x, s.slice(i)];
}

/**
 * Go's leadingFraction: the leading [0-9]* after a decimal point. It only
 * stops adding precision on overflow, it never fails.
 */
function leadingFraction(s: string): [bigint, number, string] {
  let x = 0n;
  let scale = 1;
  let overflow = false;
  let i = 0;
  for (; i < s.length && isDigit(s, i); i += 1) {
    if (overflow) continue;
    if (x > (LIMIT - 1n) / 10n) {
      // It's possible for overflow to give a positive number, so take care.
      overflow = true;
      continue;
    }
    const y = x * 10n + BigInt(s.charCodeAt(i) - 0x30);
    if (y > LIMIT) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return [x, scale, s.slice(i)];
}
