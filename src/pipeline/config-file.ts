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

export interface Line {
  /** The line without its ending. */
  text: string;
  /** "\n", "\r\n" or "" (a last line without a newline). */
  ending: string;
}

export function splitLines(content: string): Line[] {
  // indexOf, not a regex: this runs over every line of configs of 20,000 lines.
  const lines: Line[] = [];
  let start = 0;
  while (start < content.length) {
    const newline = content.indexOf('\n', start);
    if (newline === -1) {
      lines.push({ text: content.slice(start), ending: '' });
      break;
    }
    const crlf = newline > start && content.charCodeAt(newline - 1) === 13;
    lines.push({ text: content.slice(start, crlf ? newline - 1 : newline), ending: crlf ? '\r\n' : '\n' });
    start = newline + 1;
  }
  return lines;
}

export function joinLines(lines: readonly Line[]): string {
  return lines.map((line) => line.text + line.ending).join('');
}

/** Anything that looks like one of our markers, to catch damaged ones. */
const MARKERISH = /^\s*#+\s*(>>>|<<<)\s*robo\b/;

export type BlockSearch =
  | { kind: 'none' }
  | { kind: 'found'; start: number; end: number }
  | { kind: 'broken'; reason: string; lines: number[] };

/** Locate robo's block: exactly one start marker, then exactly one end marker. */
export function findBlock(lines: readonly Line[]): BlockSearch {
  const starts: number[] = [];
  const ends: number[] = [];
  const odd: number[] = [];
  lines.forEach((line, index) => {
    // Only comment lines can be markers; most lines are not, so skip them cheaply.
    if (!line.text.trimStart().startsWith('#')) return;
    const text = line.text.trimEnd();
    if (text === BLOCK_START_PREFIX || text.startsWith(`${BLOCK_START_PREFIX} - `)) starts.push(index);
    else if (text === BLOCK_END) ends.push(index);
    else if (MARKERISH.test(text)) odd.push(index);
  });
  const human = (indexes: number[]) => indexes.map((index) => index + 1);
  if (odd.length > 0) return { kind: 'broken', reason: 'a damaged robo marker line', lines: human(odd) };
  if (starts.length === 0 && ends.length === 0) return { kind: 'none' };
  if (starts.length > 1) return { kind: 'broken', reason: 'more than one start marker (# >>> robo aws.config)', lines: human(starts) };
  if (ends.length > 1) return { kind: 'broken', reason: 'more than one end marker (# <<< robo aws.config)', lines: human(ends) };
  if (starts.length === 0) return { kind: 'broken', reason: 'an end marker without a start marker', lines: human(ends) };
  if (ends.length === 0) return { kind: 'broken', reason: 'a start marker without an end marker', lines: human(starts) };
  if (ends[0]! < starts[0]!) return { kind: 'broken', reason: 'the end marker comes before the start marker', lines: human([...starts, ...ends]) };
  return { kind: 'found', start: starts[0]!, end: ends[0]! };
}

export interface Section {
  /** The name as both readers see it: "okta", "default", or the profile name. */
  name: string;
  /** The header as written, e.g. "[profile dev]". */
  header: string;
  /** Index of the header line. */
  first: number;
  /** Index of the last line that belongs to the section (trailing blank and comment lines do not). */
  last: number;
}

const HEADER = /^\s*\[(.*)\]\s*$/;

/**
 * Sections of a slice of lines. Names are normalised the way the two readers
 * do: aws-okta drops the "profile " prefix and treats every section as a
 * profile, botocore splits "profile  NAME" on whitespace.
 */
export function sectionsOf(lines: readonly Line[]): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index]!.text;
    const trimmed = text.trim();
    const header = trimmed.startsWith('[') ? HEADER.exec(text) : null;
    // go-ini tries key=value before [section]; a "header" holding = is a key to aws-okta.
    if (header && !text.includes('=')) {
      current = { name: sectionName(header[1]!), header: text.trim(), first: index, last: index };
      sections.push(current);
      continue;
    }
    if (current && trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith(';')) current.last = index;
  }
  return sections;
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
