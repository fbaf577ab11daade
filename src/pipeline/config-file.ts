/**
 * A line-exact view of an existing AWS config, for merging robo's block into
 * a file people also edit. Nothing here re-serialises INI: the file is split
 * into lines that keep their own endings (\n, \r\n, or none on the last), so
 * whatever robo does not deliberately change is written back byte for byte.
 *
 * Text is handled as latin1 ("binary"): one char per byte, so any bytes the
 * user wrote (invalid UTF-8 included) round-trip unchanged. Everything robo
 * generates is ASCII, which latin1 encodes identically.
 */
import { BLOCK_END, BLOCK_START_PREFIX } from './render.js';

/** One line of the file: its text (without the ending) and where it sits. */
export interface Line {
  text: string;
  /** Offset of its first character. */
  start: number;
  /** Offset just past its ending ("\n", "\r\n", or nothing on a last line without one). */
  end: number;
}

/**
 * The lines that can matter to robo: those whose first non-blank character
 * is "#" (a marker, maybe) or "[" (a section header, maybe). One regex pass
 * over the whole text, instead of an object per line: configs of 20,000
 * lines are read on every run. A line starts at the beginning of the text or
 * after "\n" only (not after a lone "\r", as a /m regex would have it).
 */
export function notableLines(text: string): Line[] {
  const found: Line[] = [];
  const pattern = /(?<![^\n])[^\S\n]*[#[][^\n]*/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const end = match.index + match[0].length;
    const crlf = match[0].endsWith('\r') && end < text.length;
    found.push({ text: crlf ? match[0].slice(0, -1) : match[0], start: match.index, end: end < text.length ? end + 1 : end });
  }
  return found;
}

/** Every line of (a part of) the text, for the rare edits that need them all. */
export function splitLines(text: string, from = 0, to = text.length): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start < to) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 || newline >= to ? to : newline + 1;
    const body = newline === -1 || newline >= to ? text.slice(start, to) : text.slice(start, newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline);
    lines.push({ text: body, start, end });
    start = end;
  }
  return lines;
}

/** 1-based number of the line holding `offset`, for messages. */
export function lineNumberAt(text: string, offset: number): number {
  let count = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

/** Anything that looks like one of our markers, to catch damaged ones. */
const MARKERISH = /^\s*#+\s*(>>>|<<<)\s*robo\b/;

export type BlockSearch =
  | { kind: 'none' }
  /** The block spans [from, to): from the start marker's first character to past the end marker's line ending. */
  | { kind: 'found'; from: number; to: number }
  | { kind: 'broken'; reason: string; lines: number[] };

/** Locate robo's block in the text: exactly one start marker, then exactly one end marker. */
export function findBlock(text: string, notable: readonly Line[] = notableLines(text)): BlockSearch {
  const starts: Line[] = [];
  const ends: Line[] = [];
  const odd: Line[] = [];
  for (const line of notable) {
    if (!line.text.trimStart().startsWith('#')) continue;
    const trimmed = line.text.trimEnd();
    if (trimmed === BLOCK_START_PREFIX || trimmed.startsWith(`${BLOCK_START_PREFIX} - `)) starts.push(line);
    else if (trimmed === BLOCK_END) ends.push(line);
    else if (MARKERISH.test(trimmed)) odd.push(line);
  }
  const human = (lines: Line[]) => lines.map((line) => lineNumberAt(text, line.start));
  if (odd.length > 0) return { kind: 'broken', reason: 'a damaged robo marker line', lines: human(odd) };
  if (starts.length === 0 && ends.length === 0) return { kind: 'none' };
  if (starts.length > 1) return { kind: 'broken', reason: 'more than one start marker (# >>> robo aws.config)', lines: human(starts) };
  if (ends.length > 1) return { kind: 'broken', reason: 'more than one end marker (# <<< robo aws.config)', lines: human(ends) };
  if (starts.length === 0) return { kind: 'broken', reason: 'an end marker without a start marker', lines: human(ends) };
  if (ends.length === 0) return { kind: 'broken', reason: 'a start marker without an end marker', lines: human(starts) };
  if (ends[0]!.start < starts[0]!.start) return { kind: 'broken', reason: 'the end marker comes before the start marker', lines: human([...starts, ...ends]) };
  return { kind: 'found', from: starts[0]!.start, to: ends[0]!.end };
}

export interface Header {
  /** The name as both readers see it: "okta", "default", or the profile name. */
  name: string;
  /** The header as written, e.g. "[profile dev]". */
  header: string;
  line: Line;
}

const HEADER = /^\s*\[(.*)\]\s*$/;

/**
 * Section headers among the notable lines. Names are normalised the way the
 * two readers do: aws-okta drops the "profile " prefix and treats every
 * section as a profile, botocore splits "profile  NAME" on whitespace.
 */
export function sectionHeaders(notable: readonly Line[]): Header[] {
  const headers: Header[] = [];
  for (const line of notable) {
    const header = line.text.trimStart().startsWith('[') ? HEADER.exec(line.text) : null;
    // go-ini tries key=value before [section]; a "header" holding = is a key to aws-okta.
    if (header && !line.text.includes('=')) headers.push({ name: sectionName(header[1]!), header: line.text.trim(), line });
  }
  return headers;
}

/**
 * Where a section's own lines end: after its last line that is neither blank
 * nor a comment (trailing comments likely describe what follows), plus the
 * blank lines that separated it from the next section. `limit` is where the
 * next section or the part of the file it lives in begins.
 */
export function sectionEnd(text: string, header: Line, limit: number): number {
  const lines = splitLines(text, header.start, limit);
  let last = 0;
  lines.forEach((line, index) => {
    const trimmed = line.text.trim();
    if (trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith(';')) last = index;
  });
  // A blank last line without a newline stays, so the file ends as it did.
  const blankWithEnding = (line: Line | undefined) => line !== undefined && line.text.trim() === '' && text.charCodeAt(line.end - 1) === 10;
  while (blankWithEnding(lines[last + 1])) last += 1;
  return lines[last]!.end;
}

export function sectionName(header: string): string {
  const trimmed = header.trim();
  if (!trimmed.startsWith('profile')) return trimmed;
  // The usual case, without quotes or escapes, needs no shlex.
  const plain = /^profile\s+([^\s'"\\]+)$/.exec(trimmed);
  if (plain) return plain[1]!;
  // botocore splits "profile NAME" with shlex, so [profile "dev"] and
  // [profile 'dev'] are profile dev too; aws-okta trims and drops "profile ".
  const words = shlexSplit(trimmed);
  return words?.length === 2 && words[0] === 'profile' ? words[1]! : trimmed;
}

/** Python's shlex.split in POSIX mode, for section headers; undefined where shlex would fail. */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) return undefined;
      word = (word ?? '') + text.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      let value = '';
      for (index += 1; index < text.length && text[index] !== '"'; index += 1) {
        if (text[index] === '\\' && index + 1 < text.length && '\\"$`\n'.includes(text[index + 1]!)) index += 1;
        value += text[index];
      }
      if (index >= text.length) return undefined;
      word = (word ?? '') + value;
    } else if (char === '\\') {
      if (index + 1 >= text.length) return undefined;
      word = (word ?? '') + text[index + 1];
      index += 1;
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}
