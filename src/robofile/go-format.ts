/**
 * Go's fmt as far as robo.yml templates reach it: %v of yaml.v2's values (`map[k:v]` with sorted keys,
 * `[a b]`, ints and float64s as Go writes them) and Sprint, Sprintln and Sprintf with the common verbs.
 * A JS number that is an integer stands for a Go int, any other for a float64.
 */
import { byCodePoints } from '../order.js';

/** Nesting printed before `...`: YAML is at most 32 levels deep, so only a value built in JS reaches this. */
const MAX_PRINT_DEPTH = 64;

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Go's type name for a value, as fmt shows it in `%!d(string=x)`. */
export function goType(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isInt(value) ? 'int' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  return 'interface {}';
}

function isInt(value: number): boolean {
  return Number.isSafeInteger(value);
}

/** A float64 as %v (strconv 'g', shortest): an exponent below -4 or from 6 up is written 1.5e+06. */
function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6)
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(value);
}

/**
 * Lists and maps, and characters, printed in one go before the rest is
 * `...`: YAML aliases can make a small file a huge tree of shared nodes.
 */
const MAX_PRINT_NODES = 100_000;
const MAX_PRINT_CHARS = 1024 * 1024;

/** A value as Go's %v prints it; nil inside a map or list is `<nil>`. */
export function formatValue(value: unknown): string {
  let nodes = 0;
  let chars = 0;
  const leaf = (text: string) => {
    chars += text.length;
    return text;
  };
  const format = (item: unknown, depth: number): string => {
    if (chars > MAX_PRINT_CHARS) return '...';
    if (item === null || item === undefined) return leaf('<nil>');
    if (typeof item === 'string') return leaf(item);
    if (typeof item === 'boolean') return leaf(item ? 'true' : 'false');
    if (typeof item === 'number') return leaf(isInt(item) ? String(item) : formatFloat(item));
    if (depth >= MAX_PRINT_DEPTH || ++nodes > MAX_PRINT_NODES) return '...';
    if (Array.isArray(item)) return `[${item.map((entry) => format(entry, depth + 1)).join(' ')}]`;
    if (isMap(item)) {
      const keys = Object.keys(item).sort(byCodePoints);
      return `map[${keys.map((key) => `${key}:${format(item[key], depth + 1)}`).join(' ')}]`;
    }
    return typeof item === 'bigint' ? item.toString() : goType(item); // not a YAML value
  };
  return format(value, 0);
}

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands, and a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((arg) => formatValue(arg)).join(' ')}\n`;
}

/** Widest padding written: more would only be refused by the template's output cap, after taking the memory. */
const MAX_WIDTH = 2 * 1024 * 1024;

const DIRECTIVE = /%([-+# 0]*)(\d+)?(?:\.(\d*))?(.)?/y;

/** fmt.Sprintf with the verbs robo.yml templates use; anything else as Go reports it (`%!z(string=x)`). */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length;) {
    const percent = format.indexOf('%', i);
    if (percent === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    DIRECTIVE.lastIndex = percent;
    const match = DIRECTIVE.exec(format)!; // always matches: every part is optional
    i = DIRECTIVE.lastIndex;
    const [, flags = '', width, precision, verb] = match;
    if (verb === undefined) {
      out += '%!(NOVERB)';
      continue;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const text = formatVerb(verb, args[next++], flags, precision);
    out += width === undefined ? text : pad(text, Math.min(Number(width), MAX_WIDTH), flags, verb);
  }
  if (next < args.length)
    out += `%!(EXTRA ${args
      .slice(next)
      .map((arg) => (arg === null ? '<nil>' : `${goType(arg)}=${formatValue(arg)}`))
      .join(', ')})`;
  return out;
}

function pad(text: string, width: number, flags: string, verb: string): string {
  const length = [...text].length;
  if (length >= width) return text;
  if (flags.includes('-')) return text + ' '.repeat(width - length);
  if (flags.includes('0') && 'dxXf'.includes(verb) && /^-?[\da-fA-F.]+$/.test(text)) {
    const sign = text.startsWith('-') ? '-' : '';
    return sign + '0'.repeat(width - length) + text.slice(sign.length);
  }
  return ' '.repeat(width - length) + text;
}

function bad(verb: string, value: unknown): string {
  return value === null || value === undefined
    ? `%!${verb}(<nil>)`
    : `%!${verb}(${goType(value)}=${formatValue(value)})`;
}

function formatVerb(verb: string, value: unknown, flags: string, precision: string | undefined): string {
  switch (verb) {
    case 'v':
      return formatValue(value);
    case 's':
      if (typeof value === 'string')
        return precision === undefined ? value : [...value].slice(0, Number(precision)).join('');
      return Array.isArray(value) || isMap(value) ? formatValue(value) : bad(verb, value);
    case 'd':
      if (typeof value === 'number' && isInt(value))
        return (flags.includes('+') && value >= 0 ? '+' : '') + String(value);
      return bad(verb, value);
    case 't':
      return typeof value === 'boolean' ? String(value) : bad(verb, value);
    case 'q':
      if (typeof value === 'string') return JSON.stringify(value);
      if (typeof value === 'number' && isInt(value) && value >= 0 && value <= 0x10ffff)
        return `'${String.fromCodePoint(value)}'`;
      return bad(verb, value);
    case 'x':
    case 'X': {
      let hex: string | undefined;
      if (typeof value === 'string') hex = Buffer.from(value).toString('hex');
      else if (typeof value === 'number' && isInt(value)) hex = (value < 0 ? '-' : '') + Math.abs(value).toString(16);
      if (hex === undefined) return bad(verb, value);
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
    case 'f':
    case 'F':
      if (typeof value === 'number')
        return value.toFixed(precision === undefined ? 6 : Math.min(Number(precision || 0), 100));
      return bad(verb, value);
    default:
      return bad(verb, value);
  }
}
