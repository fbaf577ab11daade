/**
 * robo's one duration syntax for its settings ($ROBO_DOTFILES_TIMEOUT,
 * [dotfiles] timeout, [nightly] max_offline): Go's plus `d` for days; each
 * setting's rule adds bare seconds, `0`/`off` and a maximum. Pure.
 */
import { parseGoDuration } from './validate/go-duration.js';

export interface DurationRule {
  /** What a good value looks like, for the message: `"x" is not <format>`. */
  format: string;
  /** A bare number (`30`, `2.5`) is seconds; otherwise a unit is required. */
  bareSeconds: boolean;
  /** `0` (in any unit) and `off` mean no limit: ms undefined. */
  off: boolean;
  /** The longest value, and how the message writes it. */
  max?: { ms: number; text: string };
}

export type ParsedDuration = { ms: number | undefined } | { problem: string };

const NS_PER_MS = 1_000_000n;
const NS_PER_HOUR = 3_600_000_000_000n;
/** The largest duration Go (and so aws-okta) can hold: 2^63 - 1 ns. */
const GO_MAX_NS = (1n << 63n) - 1n;
/** One part: a number and its unit, blanks around the number allowed. */
const PART = /\s*(\d+(?:\.\d*)?|\.\d+)\s*([^\d\s.]*)/y;

export function parseDuration(text: string, rule: DurationRule): ParsedDuration {
  const value = text.trim();
  const refused = { problem: `${JSON.stringify(text)} is not ${rule.format}` };
  if (rule.off && /^off$/i.test(value)) return { ms: undefined };
  let ms: number;
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(value)) {
    if (!rule.bareSeconds) return refused;
    ms = Number(value) * 1000;
  } else {
    const ns = nanoseconds(value.replace(/^\+/, ''));
    if (ns === undefined) return refused;
    ms = Number(ns) / 1e6;
  }
  if (rule.max && ms > rule.max.ms) return { problem: `${JSON.stringify(text)} is longer than ${rule.max.text}` };
  if (!Number.isFinite(ms)) return refused;
  if (ms === 0) return { ms: rule.off ? undefined : 0 };
  return { ms: Math.max(1, Math.round(ms)) };
}

/** The sum of the parts, each read by Go's parser (`d` as 24 h); undefined if any part is not a duration. */
function nanoseconds(value: string): bigint | undefined {
  if (value === '') return undefined;
  let total = 0n;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const part = PART.exec(value);
    if (!part || part[2] === '') return undefined;
    const [, number, unit] = part;
    const parsed = parseGoDuration(unit === 'd' ? `${number}h` : `${number}${unit}`);
    if (!parsed.ok || parsed.nanoseconds < 0n) return undefined;
    total += unit === 'd' ? parsed.nanoseconds * 24n : parsed.nanoseconds;
    if (total > GO_MAX_NS) return undefined;
  }
  return total;
}

/** A duration as robo writes it back: whole days as `7d`, anything else Go's way (`36h`, `1h30m`, `1m30s`, `500ms`). */
export function formatDuration(ms: number): string {
  const ns = BigInt(Math.round(ms)) * NS_PER_MS;
  if (ns > 0n && ns % (24n * NS_PER_HOUR) === 0n) return `${ns / (24n * NS_PER_HOUR)}d`;
  const units: Array<[string, bigint]> = [
    ['h', NS_PER_HOUR],
    ['m', 60_000_000_000n],
    ['s', 1_000_000_000n],
    ['ms', NS_PER_MS],
  ];
  let rest = ns;
  let text = '';
  for (const [unit, size] of units) {
    if (rest >= size) text += `${rest / size}${unit}`;
    rest %= size;
  }
  return text || '0s';
}
