/**
 * A line-exact view of an existing AWS config: robo's marker lines, and every
 * line as botocore and aws-okta each read it, as offsets into the text, so what
 * robo does not change is written back byte for byte. The text is latin1 (one
 * char per byte): any bytes round-trip, and offsets are byte offsets.
 */
import { BLOCK_END, BLOCK_START_PREFIX } from '../render/render.js';

/** One line of the file: its text (without the ending) and where it sits. */
export interface Line {
  text: string;
  /** Offset of its first character. */
  start: number;
  /** Offset just past its ending ("\n", "\r\n", or nothing on a last line without one). */
  end: number;
}

/** The \n-ended line holding `offset`: how robo finds its own marker lines. */
export function lineAt(text: string, offset: number): Line {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return { text: text.slice(start), start, end: text.length };
  const crlf = newline > start && text.charCodeAt(newline - 1) === 13;
  return { text: text.slice(start, crlf ? newline - 1 : newline), start, end: newline + 1 };
}

/** 1-based number of the line holding `offset`, for messages. */
export function lineNumberAt(text: string, offset: number): number {
  let count = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1))
    count += 1;
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
  for (let at = text.indexOf('robo'); at !== -1;) {
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
  if (starts.length > 1)
    return { kind: 'broken', reason: 'more than one start marker (# >>> robo aws.config)', lines: human(starts) };
  if (ends.length > 1)
    return { kind: 'broken', reason: 'more than one end marker (# <<< robo aws.config)', lines: human(ends) };
  if (starts.length === 0)
    return { kind: 'broken', reason: 'an end marker without a start marker', lines: human(ends) };
  if (ends.length === 0)
    return { kind: 'broken', reason: 'a start marker without an end marker', lines: human(starts) };
  if (ends[0]!.start < starts[0]!.start)
    return {
      kind: 'broken',
      reason: 'the end marker comes before the start marker',
      lines: human([...starts, ...ends]),
    };
  return { kind: 'found', from: starts[0]!.start, to: ends[0]!.end };
}

/**
 * Bytes of the whitespace character at `at`, or 0. Python's str.isspace
 * (botocore's strip, its indentation and its header search) and Go's
 * unicode.IsSpace (aws-okta's strings.TrimSpace) agree on the UTF-8 encoded
 * ones: U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
 * U+205F and U+3000. Only Python also counts \x1c-\x1f. JS's \s and trim()
 * differ from both (U+FEFF in, U+0085 and \x1c-\x1f out), so neither is used.
 */
function spaceAt(text: string, at: number, python: boolean): number {
  const byte = text.charCodeAt(at);
  if (byte > 32 && byte < 128) return 0;
  if (byte === 32 || (byte >= 9 && byte <= 13)) return 1;
  if (byte >= 0x1c && byte <= 0x1f) return python ? 1 : 0;
  const second = text.charCodeAt(at + 1);
  if (byte === 0xc2) return second === 0x85 || second === 0xa0 ? 2 : 0;
  const third = text.charCodeAt(at + 2);
  if (byte === 0xe1) return second === 0x9a && third === 0x80 ? 3 : 0;
  if (byte === 0xe2 && second === 0x80)
    return (third >= 0x80 && third <= 0x8a) || third === 0xa8 || third === 0xa9 || third === 0xaf ? 3 : 0;
  if (byte === 0xe2 && second === 0x81) return third === 0x9f ? 3 : 0;
  if (byte === 0xe3) return second === 0x80 && third === 0x80 ? 3 : 0;
  return 0;
}

/** Bytes of the whitespace character that ends just before `end` (not before `floor`), or 0. */
function spaceBefore(text: string, end: number, floor: number, python: boolean): number {
  // Most lines end in a printable ASCII character: no need to look further.
  const last = text.charCodeAt(end - 1);
  if (end <= floor || (last > 32 && last < 128)) return 0;
  for (let width = 1; width <= 3 && end - width >= floor; width += 1)
    if (spaceAt(text, end - width, python) === width) return width;
  return 0;
}

/** [start, end) without the whitespace at either end. */
function trimmed(text: string, start: number, end: number, python: boolean): [number, number] {
  for (let width = spaceAt(text, start, python); width > 0 && start < end; width = spaceAt(text, start, python))
    start += width;
  for (let width = spaceBefore(text, end, start, python); width > 0; width = spaceBefore(text, end, start, python))
    end -= width;
  return [start, end];
}

/** A line's text for messages: decoded, without the whitespace Python strips. */
export function shownText(text: string, line: { first: number; textEnd: number }): string {
  const [start, end] = trimmed(text, line.first, line.textEnd, true);
  return Buffer.from(text.slice(start, end), 'latin1').toString('utf8');
}

/**
 * What a line is to botocore. `setting` is `key = value` (or `key: value`);
 * `continuation` a line indented deeper than the setting before it, which
 * continues that setting's value even when it looks like a header;
 * `unparsable` and `outside` (a setting before any header) make botocore
 * refuse the whole file.
 */
export type LineKind = 'blank' | 'comment' | 'header' | 'setting' | 'continuation' | 'unparsable' | 'outside';

export interface ConfigLine {
  /** Offsets of its first character, of the end of its text, and past its line break. */
  start: number;
  textEnd: number;
  end: number;
  /** Offset of its first character that is not whitespace (textEnd on a blank line). */
  first: number;
  kind: LineKind;
  /** A setting's section (the index of its header line), a continuation's setting (its line's index); else -1. */
  owner: number;
  /** A header's section name exactly as botocore keeps it; else "". */
  section: string;
}

const KINDS: readonly LineKind[] = ['blank', 'comment', 'header', 'setting', 'continuation', 'unparsable', 'outside'];
const KIND_CODES = Object.fromEntries(KINDS.map((kind, code) => [kind, code])) as Record<LineKind, number>;

/**
 * BotocoreReader's lines, kept as one typed array per field
 * instead of an object per line: the planner reads the whole config on every
 * run, and 20,000 small objects cost Node 20 more in garbage collection than
 * the reading itself. Line i is start[i], textEnd[i], ... as in ConfigLine;
 * sections holds the headers' names by line index, in order.
 */
export class BotocoreLines {
  count = 0;
  start: Int32Array;
  textEnd: Int32Array;
  end: Int32Array;
  first: Int32Array;
  owner: Int32Array;
  kindCode: Uint8Array;
  readonly sections = new Map<number, string>();

  constructor(text: string) {
    // Room for lines of 32 bytes on average (the bench's configs average 36), grown if they are shorter.
    const capacity = 64 + (text.length >> 5);
    this.start = new Int32Array(capacity);
    this.textEnd = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.first = new Int32Array(capacity);
    this.owner = new Int32Array(capacity);
    this.kindCode = new Uint8Array(capacity);
    const reader = new BotocoreReader(text);
    for (let line = reader.next(); line !== undefined; line = reader.next()) {
      if (this.count === this.start.length) this.grow();
      const index = this.count;
      this.start[index] = line.start;
      this.textEnd[index] = line.textEnd;
      this.end[index] = line.end;
      this.first[index] = line.first;
      this.owner[index] = line.owner;
      this.kindCode[index] = KIND_CODES[line.kind];
      if (line.kind === 'header') this.sections.set(index, line.section);
      this.count += 1;
    }
  }

  kind(index: number): LineKind {
    return KINDS[this.kindCode[index]!]!;
  }

  /** Line `index` as BotocoreReader gave it, filled into `into`. */
  line(index: number, into: ConfigLine): ConfigLine {
    into.start = this.start[index]!;
    into.textEnd = this.textEnd[index]!;
    into.end = this.end[index]!;
    into.first = this.first[index]!;
    into.kind = this.kind(index);
    into.owner = this.owner[index]!;
    into.section = this.sections.get(index) ?? '';
    return into;
  }

  /** The index of the line holding `offset`. */
  indexAt(offset: number): number {
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.start[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private grow(): void {
    const twice = (array: Int32Array) => {
      const copy = new Int32Array(array.length * 2);
      copy.set(array);
      return copy;
    };
    this.start = twice(this.start);
    this.textEnd = twice(this.textEnd);
    this.end = twice(this.end);
    this.first = twice(this.first);
    this.owner = twice(this.owner);
    const kindCode = new Uint8Array(this.kindCode.length * 2);
    kindCode.set(this.kindCode);
    this.kindCode = kindCode;
  }
}

/**
 * Each line as botocore reads it, one at a time (next() returns the same
 * object each time, filled in for the next line): Python's configparser.RawConfigParser
 * with its defaults, reading a file opened in text mode (Python 3.11,
 * botocore/configloader.py raw_config_parse). Ported from
 * configparser._read, not approximated:
 * - Universal newlines: \r\n, \r and \n each end a line (and nothing else
 *   does, not \v, \f or U+2028).
 * - A line whose stripped text is empty is blank; one that starts with # or
 *   ; is a comment. Neither changes the state below.
 * - A line indented deeper than the last header or setting line, while a
 *   setting is open, continues its value, whatever it looks like.
 * - Otherwise a header is `\[(.+)\]` matched from the start of the stripped
 *   line: the name runs to the line's last "]", and whatever follows it (a
 *   comment, anything) is ignored. Nothing is trimmed inside the brackets.
 * - Otherwise, before any header: an error; else a setting if the line has
 *   "=" or ":" after a non-empty name, else an error.
 * Indentation is counted in characters, as Python counts it.
 */
export class BotocoreReader {
  /** The index the next line will have. */
  private index = 0;
  private start = 0;
  private section = -1;
  private setting = -1;
  private indentLevel = 0;
  private cr: number;
  private lf: number;
  private readonly line: ConfigLine = { start: 0, textEnd: 0, end: 0, first: 0, kind: 'blank', owner: -1, section: '' };

  constructor(private readonly text: string) {
    this.cr = text.indexOf('\r');
    this.lf = text.indexOf('\n');
  }

  /** Where the next line starts. */
  get at(): number {
    return this.start;
  }

  /**
   * Read robo's block, from here to `end`, as the one line it is to the lines
   * after it: robo's renderer always ends it with a setting at column 0 (see
   * render.ts), which stays open, so a deeper-indented line after the block
   * continues robo's last value.
   */
  passBlock(end: number): void {
    this.section = this.setting = this.index;
    this.indentLevel = 0;
    this.index += 1;
    this.start = end;
  }

  next(): ConfigLine | undefined {
    const { text, start } = this;
    if (start >= text.length) return undefined;
    if (this.cr !== -1 && this.cr < start) this.cr = text.indexOf('\r', start);
    if (this.lf !== -1 && this.lf < start) this.lf = text.indexOf('\n', start);
    const cr = this.cr;
    const lf = this.lf;
    const textEnd = Math.min(cr === -1 ? text.length : cr, lf === -1 ? text.length : lf);
    const end = textEnd === text.length ? textEnd : textEnd === cr && lf === cr + 1 ? textEnd + 2 : textEnd + 1;
    let first = start;
    let indent = 0;
    for (let width = spaceAt(text, first, true); width > 0 && first < textEnd; width = spaceAt(text, first, true)) {
      first += width;
      indent += 1;
    }
    const char = text.charCodeAt(first);
    const line = this.line;
    line.start = start;
    line.textEnd = textEnd;
    line.end = end;
    line.first = first;
    line.owner = -1;
    line.section = '';
    if (first === textEnd) line.kind = 'blank';
    else if (char === 35 || char === 59) line.kind = 'comment';
    else if (this.section !== -1 && this.setting !== -1 && indent > this.indentLevel) {
      line.kind = 'continuation';
      line.owner = this.setting;
    } else {
      this.indentLevel = indent;
      const close = char === 91 ? lastIndexIn(text, 93, first + 2, textEnd) : -1;
      if (close !== -1) {
        line.kind = 'header';
        line.section = text.slice(first + 1, close);
        this.section = this.index;
        this.setting = -1;
      } else if (this.section === -1) line.kind = 'outside';
      else {
        const delimiter = firstDelimiter(text, first, textEnd);
        // An empty name ("= x") is an error that also closes the open setting; a line without a delimiter leaves it open.
        if (delimiter === first) this.setting = -1;
        if (delimiter <= first) line.kind = 'unparsable';
        else {
          line.kind = 'setting';
          line.owner = this.section;
          this.setting = this.index;
        }
      }
    }
    this.index += 1;
    this.start = end;
    return line;
  }
}

function lastIndexIn(text: string, char: number, from: number, to: number): number {
  for (let at = to - 1; at >= from; at -= 1) if (text.charCodeAt(at) === char) return at;
  return -1;
}

function indexIn(text: string, char: number, from: number, to: number): number {
  for (let at = from; at < to; at += 1) if (text.charCodeAt(at) === char) return at;
  return -1;
}

function firstDelimiter(text: string, from: number, to: number): number {
  for (let at = from; at < to; at += 1) {
    const char = text.charCodeAt(at);
    if (char === 61 || char === 58) return at;
  }
  return -1;
}

const PLAIN_PROFILE = /^profile[ \t\r\n]+([^ \t\r\n'"\\]+)[ \t\r\n]*$/;

/**
 * The profile botocore files a section under (configloader.build_profile_map):
 * any name starting with "profile" that Python's shlex splits into exactly
 * two words is the second word ([profile "dev"], [profile  dev], even
 * [profiles dev]), and "default" is default.
 */
export function botocoreProfile(section: string): string | undefined {
  // Most headers: "profile NAME", which shlex splits at the whitespace alone.
  const plain = PLAIN_PROFILE.exec(section);
  if (plain) return plain[1];
  if (section.startsWith('profile')) {
    const words = shlexSplit(section);
    return words?.length === 2 ? words[1] : undefined;
  }
  return section === 'default' ? 'default' : undefined;
}

/**
 * The [sso-session NAME] botocore files a section under, or undefined:
 * build_profile_map takes a section starting "sso-session" that shlex
 * splits into two words, like a profile.
 */
export function botocoreSsoSession(section: string): string | undefined {
  if (!section.startsWith('sso-session')) return undefined;
  const words = shlexSplit(section);
  return words?.length === 2 ? words[1] : undefined;
}

const SHLEX_SPECIAL = /[ \t\r\n'"\\]/;

/** Python's shlex.split(text) as botocore calls it (POSIX mode); undefined where it raises. */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at]!;
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const close = text.indexOf("'", at + 1);
      if (close === -1) return undefined;
      word = (word ?? '') + text.slice(at + 1, close);
      at = close;
    } else if (char === '"') {
      // Inside double quotes a backslash escapes only " and \ and is kept before anything else.
      let quoted = '';
      for (at += 1; text[at] !== '"'; at += 1) {
        if (at >= text.length) return undefined;
        if (text[at] === '\\') {
          at += 1;
          if (at >= text.length) return undefined;
          if (text[at] !== '"' && text[at] !== '\\') quoted += '\\';
        }
        quoted += text[at];
      }
      word = (word ?? '') + quoted;
    } else if (char === '\\') {
      if (at + 1 >= text.length) return undefined;
      word = (word ?? '') + text[at + 1];
      at += 1;
    } else {
      // A run of plain characters is one slice, not a string per character.
      let end = at + 1;
      while (end < text.length && !SHLEX_SPECIAL.test(text[end]!)) end += 1;
      word = (word ?? '') + text.slice(at, end);
      at = end - 1;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** What a line is to aws-okta's INI reader. */
export type GoIniKind = 'blank' | 'comment' | 'key' | 'header' | 'error';

export interface GoIniLine {
  start: number;
  end: number;
  /** Offset of its first character that is not whitespace. */
  first: number;
  kind: GoIniKind;
  /** A header's section name, trimmed; else "". */
  name: string;
  /** A key's "=" (its name is the trimmed text from `first` to it); else -1. */
  equals: number;
}

/**
 * Each line as aws-okta reads it, one at a time (next() returns the same
 * object each time, filled in for the next line). Its reader is
 * github.com/vaughan0/go-ini at a98ad7e, the version it pins: lines end at
 * \n only, and are trimmed with Go's unicode.IsSpace (a trailing \r goes, a
 * lone \r inside stays). Then a line starting with ; or # is a comment; one
 * holding "=" after its first character is a key, even when it looks like a
 * header; `[...]` is a header, its name trimmed again; anything else makes
 * aws-okta refuse the whole file.
 */
export class GoIniReader {
  private start = 0;
  private readonly line: GoIniLine = { start: 0, end: 0, first: 0, kind: 'blank', name: '', equals: -1 };
  /** The section the lines read so far leave open. */
  section = '';

  constructor(private readonly text: string) {}

  /** Where the next line starts. */
  get at(): number {
    return this.start;
  }

  /** Read on from `start`, which must be where a line starts. */
  seek(start: number): void {
    this.start = start;
  }

  /** Read robo's block, from here to `end`, as what it leaves open: its last section. */
  passBlock(end: number): void {
    const block = this.text.slice(this.start, end);
    const header = block.lastIndexOf('\n[') + 2;
    this.section = block.slice(header, block.indexOf(']', header));
    this.start = end;
  }

  next(): GoIniLine | undefined {
    const { text, start } = this;
    if (start >= text.length) return undefined;
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    let first = start;
    let last = newline === -1 ? text.length : newline;
    for (let width = spaceAt(text, first, false); width > 0 && first < last; width = spaceAt(text, first, false))
      first += width;
    for (let width = spaceBefore(text, last, first, false); width > 0; width = spaceBefore(text, last, first, false))
      last -= width;
    const char = text.charCodeAt(first);
    const line = this.line;
    line.start = start;
    line.end = end;
    line.first = first;
    line.kind = 'error';
    line.name = '';
    line.equals = -1;
    if (first === last) line.kind = 'blank';
    else if (char === 59 || char === 35) line.kind = 'comment';
    // `^([^=]+)=(.*)$`: an "=", and something before the first one.
    else if (char !== 61 && (line.equals = indexIn(text, 61, first, last)) !== -1) line.kind = 'key';
    else if (char === 91 && last - first >= 2 && text.charCodeAt(last - 1) === 93) {
      line.kind = 'header';
      line.name = this.section = text.slice(...trimmed(text, first + 1, last - 1, false));
    }
    this.start = end;
    return line;
  }
}

/**
 * Where a line starts (after \n, the only line end aws-okta knows) that is
 * not plainly a comment, a key, a header or blank to aws-okta: after spaces
 * or tabs, # or ;, or a printable ASCII character other than # ; = and then
 * an "=", or [...] with only spaces, tabs or \r after the last "]", or only
 * spaces, tabs and \r. Every line aws-okta cannot parse starts there.
 */
const MAYBE_AN_ERROR = /(?<![^\n])(?![ \t]*(?:[#;]|[!-"$-:<>-~][^=\n]*=|\[[^\n]*\][ \t\r]*(?:\n|$)|[ \t\r]*(?:\n|$)))/g;

/**
 * What the planner needs of aws-okta's reading of a whole file: the headers
 * whose name (less "profile ") `wanted` accepts, and where the last line it
 * cannot parse starts (-1: none). Only the lines that can be one are read
 * with GoIniReader: lines holding "[", and the lines MAYBE_AN_ERROR finds.
 * A regular expression over a long text runs as compiled code at once, while
 * Node 20 runs a loop over 20,000 lines mostly unoptimised.
 */
export function goIniOutline(
  text: string,
  wanted: (profile: string) => boolean,
): { headers: Array<{ first: number; name: string }>; lastError: number } {
  const reader = new GoIniReader(text);
  const headers: Array<{ first: number; name: string }> = [];
  for (let at = text.indexOf('['); at !== -1;) {
    reader.seek(text.lastIndexOf('\n', at) + 1);
    const line = reader.next()!;
    if (line.kind === 'header' && wanted(awsOktaProfile(line.name)))
      headers.push({ first: line.first, name: line.name });
    at = text.indexOf('[', line.end);
  }
  let lastError = -1;
  const starts = new RegExp(MAYBE_AN_ERROR);
  for (let match = starts.exec(text); match !== null; match = starts.exec(text)) {
    reader.seek(match.index);
    const line = reader.next();
    if (line === undefined) break;
    if (line.kind === 'error') lastError = line.start;
    starts.lastIndex = line.end;
  }
  return { headers, lastError };
}

/** A key's name as aws-okta reads it. */
export function goIniKey(text: string, line: GoIniLine): string {
  return text.slice(...trimmed(text, line.first, line.equals, false));
}

/** The profile aws-okta files a section under: its name without one leading "profile ". */
export function awsOktaProfile(section: string): string {
  return section.startsWith('profile ') ? section.slice('profile '.length) : section;
}
