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

/** The line holding `offset` (lines end at "\n" only, as in splitLines). */
export function lineAt(text: string, offset: number): Line {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return { text: text.slice(start), start, end: text.length };
  const crlf = newline > start && text.charCodeAt(newline - 1) === 13;
  return { text: text.slice(start, crlf ? newline - 1 : newline), start, end: newline + 1 };
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

/**
 * Comment lines that mention robo: the only lines that can be markers or
 * damaged ones. Found with indexOf, not by walking every line: configs of
 * 20,000 lines are read on every run, and "robo" is rare in them.
 */
function markerLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let at = text.indexOf('robo'); at !== -1; ) {
    const line = lineAt(text, at);
    if (line.text.trimStart().startsWith('#')) lines.push(line);
    at = line.end < text.length ? text.indexOf('robo', line.end) : -1;
  }
  return lines;
}

/** Locate robo's block in the text: exactly one start marker, then exactly one end marker. */
export function findBlock(text: string): BlockSearch {
  const starts: Line[] = [];
  const ends: Line[] = [];
  const odd: Line[] = [];
  for (const line of markerLines(text)) {
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
  /** Offset of the header's line. */
  start: number;
}

const HEADER = /^\s*\[(.*)\]\s*$/;
/**
 * Lines that start with "[" after blanks (m: after any line break; those
 * after a lone \r are dropped below). The usual header, [NAME] or
 * [profile NAME] with a plain name up to the line's "\n" or the end (not
 * $, which /m also puts before a lone \r), has its name captured right here;
 * anything else is read again whole, for sectionName. No \r between the
 * brackets: HEADER's .* does not take one either.
 */
const HEADER_LINE = /^[^\S\n]*\[(?:[^\S\n\r]*(?:profile[^\S\n\r]+)?([^\s'"\\[\]=]+)[^\S\n\r]*\][^\S\n]*(?=\n|(?![\s\S]))|[^\n]*)/gm;

/**
 * Section headers whose lines start in [from, to): one regex pass, and an
 * object per header only, since configs of 20,000 lines are read on every
 * run. Names are normalised the way the two readers do: aws-okta drops the
 * "profile " prefix and treats every section as a profile, botocore splits
 * "profile  NAME" on whitespace.
 */
export function sectionHeaders(text: string, from = 0, to = text.length): Header[] {
  const headers: Header[] = [];
  HEADER_LINE.lastIndex = from;
  for (let match = HEADER_LINE.exec(text); match !== null && match.index < to; match = HEADER_LINE.exec(text)) {
    const start = match.index;
    if (start > 0 && text.charCodeAt(start - 1) !== 10) continue;
    if (match[1] !== undefined) {
      headers.push({ name: match[1], start });
      continue;
    }
    const line = lineAt(text, start).text;
    const header = HEADER.exec(line);
    // go-ini tries key=value before [section]; a "header" holding = is a key to aws-okta.
    if (header && !line.includes('=')) headers.push({ name: sectionName(header[1]!), start });
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
