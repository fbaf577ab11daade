/**
 * A second, deliberately naive planner for differential tests: it splits the
 * file into line objects, decodes each one and reads it with regular
 * expressions, walks every line, and builds the new file as a list of lines.
 * src/plan/plan.ts works on byte offsets and reads UTF-8 whitespace from
 * the bytes (it is faster on 20,000-line configs); for any file the two must
 * give the same bytes, the same removed sections, the same broken-marker
 * verdict and the same refusal.
 */
import { awsOktaProfile, botocoreProfile } from '../../src/plan/config-readers.js';
import { BLOCK_END, BLOCK_START_PREFIX } from '../../src/render/render.js';

interface Line {
  text: string;
  ending: string;
}

/** robo's markers are found on lines that end at \n. */
function splitMarkerLines(content: string): Line[] {
  const lines: Line[] = [];
  for (const match of content.matchAll(/([^\n]*?)(\r\n|\n|$)/g)) {
    if (match[0] === '' && match.index === content.length) break;
    lines.push({ text: match[1]!, ending: match[2]! });
  }
  return lines;
}

/** botocore's lines: Python's universal newlines. */
function splitUniversal(content: string): Line[] {
  const lines: Line[] = [];
  for (const match of content.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)) {
    if (match[0] === '' && match.index === content.length) break;
    lines.push({ text: match[1]!, ending: match[2]! });
  }
  return lines;
}

const join = (lines: Line[]) => lines.map((line) => line.text + line.ending).join('');
const decode = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');

// Python's str.isspace, and Go's unicode.IsSpace (no \x1c-\x1f).
const PY = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO = '[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const pyStrip = (text: string) => text.replace(new RegExp(`^${PY}+|${PY}+$`, 'gu'), '');
const goTrim = (text: string) => text.replace(new RegExp(`^${GO}+|${GO}+$`, 'gu'), '');

type Kind = 'blank' | 'comment' | 'header' | 'setting' | 'continuation' | 'unparsable' | 'outside';
interface Read {
  kind: Kind;
  /** The index of the header line (setting) or setting line (continuation) it belongs to; else -1. */
  owner: number;
  section: string;
}

/** configparser._read, one decoded line at a time. */
function readBotocore(lines: Line[]): Read[] {
  let section = -1;
  let setting = -1;
  let level = 0;
  return lines.map((line, index) => {
    const text = decode(line.text);
    const value = pyStrip(text);
    if (value === '') return { kind: 'blank', owner: -1, section: '' };
    if (/^[#;]/.test(value)) return { kind: 'comment', owner: -1, section: '' };
    const indent = text.length - text.replace(new RegExp(`^${PY}+`, 'u'), '').length;
    if (section !== -1 && setting !== -1 && indent > level)
      return { kind: 'continuation', owner: setting, section: '' };
    level = indent;
    const header = /^\[([\s\S]+)\]/.exec(value);
    if (header) {
      section = index;
      setting = -1;
      return { kind: 'header', owner: -1, section: header[1]! };
    }
    if (section === -1) return { kind: 'outside', owner: -1, section: '' };
    if (/^[^=:]+[=:]/.test(value)) {
      setting = index;
      return { kind: 'setting', owner: section, section: '' };
    }
    if (/^[=:]/.test(value)) setting = -1;
    return { kind: 'unparsable', owner: -1, section: '' };
  });
}

interface GoRead {
  kind: 'blank' | 'comment' | 'key' | 'header' | 'error';
  name: string;
}

function readGoIni(text: string): GoRead {
  const line = goTrim(decode(text));
  if (line === '') return { kind: 'blank', name: '' };
  if (/^[;#]/.test(line)) return { kind: 'comment', name: '' };
  const key = /^([^=]+)=/.exec(line);
  if (key) return { kind: 'key', name: goTrim(key[1]!) };
  const header = /^\[([\s\S]*)\]$/.exec(line);
  if (header) return { kind: 'header', name: goTrim(header[1]!) };
  return { kind: 'error', name: '' };
}

export type ReferencePlan =
  | { kind: 'broken'; lines: number[] }
  | { kind: 'refused'; line: number }
  | { kind: 'ok'; next: string; removed: Array<{ header: string; line: number }> };

export function referencePlan(content: string, block: string, generated: ReadonlySet<string>): ReferencePlan {
  const markerLines = splitMarkerLines(content);
  const starts: number[] = [];
  const ends: number[] = [];
  const odd: number[] = [];
  markerLines.forEach((line, index) => {
    if (!line.text.trimStart().startsWith('#')) return;
    const text = line.text.trimEnd();
    if (text === BLOCK_START_PREFIX || text.startsWith(`${BLOCK_START_PREFIX} - `)) starts.push(index);
    else if (text === BLOCK_END) ends.push(index);
    else if (/^\s*#+\s*(>>>|<<<)\s*robo\b/.test(text)) odd.push(index);
  });
  const human = (indexes: number[]) => indexes.map((index) => index + 1);
  if (odd.length > 0) return { kind: 'broken', lines: human(odd) };
  if (starts.length > 1) return { kind: 'broken', lines: human(starts) };
  if (ends.length > 1) return { kind: 'broken', lines: human(ends) };
  if (starts.length !== ends.length) return { kind: 'broken', lines: human([...starts, ...ends]) };
  if (starts.length === 1 && ends[0]! < starts[0]!) return { kind: 'broken', lines: human([...starts, ...ends]) };

  const found = starts.length === 1;
  const blockFrom = found ? join(markerLines.slice(0, starts[0])).length : 0;
  const blockTo = found ? join(markerLines.slice(0, ends[0]! + 1)).length : 0;

  // Every line of the file as botocore splits it, with its offset: the block's edges are line edges to it too.
  const lines = splitUniversal(content);
  const offsets: number[] = [];
  lines.reduce((at, line) => (offsets.push(at), at + line.text.length + line.ending.length), 0);
  const read = readBotocore(lines);
  const inOldBlock = (index: number) => offsets[index]! >= blockFrom && offsets[index]! < blockTo;
  const before = lines.flatMap((_line, index) => (offsets[index]! < blockFrom ? [index] : []));
  const after = lines.flatMap((_line, index) => (offsets[index]! >= blockTo ? [index] : []));

  // Which sections collide: to botocore by their name, to aws-okta by the \n-line their header starts.
  const taken = new Set([...generated, 'okta']);
  const colliding = new Set<number>();
  for (const index of [...before, ...after]) {
    const { kind, section } = read[index]!;
    if (kind !== 'header') continue;
    const profile = botocoreProfile(section);
    if (section === 'okta' || (profile !== undefined && generated.has(profile))) colliding.add(index);
  }
  let at = 0;
  for (const line of markerLines) {
    const go = readGoIni(line.text);
    if (go.kind === 'header' && (at < blockFrom || at >= blockTo) && taken.has(awsOktaProfile(go.name))) {
      const index = offsets.findLastIndex((offset) => offset <= firstNonSpace(content, at, line.text.length));
      if (read[index]!.kind === 'header') colliding.add(index);
    }
    at += line.text.length + line.ending.length;
  }

  const removed: Array<{ header: string; line: number }> = [];
  const dropped = new Set<number>();
  for (const part of [before, after]) {
    for (const first of part) {
      if (!colliding.has(first)) continue;
      removed.push({ header: pyStrip(decode(lines[first]!.text)), line: first + 1 });
      const rest = part.slice(part.indexOf(first) + 1);
      const next = rest.findIndex((index) => read[index]!.kind === 'header');
      const section = [first, ...(next === -1 ? rest : rest.slice(0, next))];
      let last = 0;
      section.forEach((index, position) => {
        if (read[index]!.kind !== 'blank' && read[index]!.kind !== 'comment') last = position;
      });
      while (
        last + 1 < section.length &&
        read[section[last + 1]!]!.kind === 'blank' &&
        lines[section[last + 1]!]!.ending !== ''
      )
        last += 1;
      section.slice(0, last + 1).forEach((index) => dropped.add(index));
    }
  }
  removed.sort((a, b) => a.line - b.line);

  const kept = (part: number[]) => part.filter((index) => !dropped.has(index));
  const blockLines: Line[] = splitUniversal(block);
  // The new file as lines, each with where it came from (-2: robo's block).
  const merge = (head: number[], tail: number[]) => {
    const out: Array<{ line: Line; from: number }> = kept(head).map((index) => ({
      line: { ...lines[index]! },
      from: index,
    }));
    // A block after the last line starts on a line of its own.
    const last = out[out.length - 1];
    if (last && !last.line.ending.endsWith('\n')) last.line = { text: last.line.text, ending: `${last.line.ending}\n` };
    out.push(...blockLines.map((line) => ({ line, from: -2 })));
    out.push(...kept(tail).map((index) => ({ line: lines[index]!, from: index })));
    return out;
  };

  const problemIn = (out: Array<{ line: Line; from: number }>): number | undefined => {
    const now = readBotocore(out.map(({ line }) => line));
    const origin = (index: number) => (index === -1 ? -1 : out[index]!.from);
    const was = (index: number) => (index === -1 ? -1 : inOldBlock(index) ? -2 : index);
    for (const [position, { from }] of out.entries()) {
      const { kind, owner } = now[position]!;
      if (from === -2 || kind === 'blank' || kind === 'comment') continue;
      if (origin(owner) === -2 || kind !== read[from]!.kind || origin(owner) !== was(read[from]!.owner))
        return from + 1;
    }
    // aws-okta's lines of the new file, each with the botocore line its first character is on.
    let text = '';
    const owners: number[] = [];
    for (const { line, from } of out) {
      text += line.text + line.ending;
      for (let index = 0; index < line.text.length + line.ending.length; index += 1) owners.push(from);
    }
    const goLines: Array<GoRead & { from: number }> = [];
    let offset = 0;
    for (const line of splitMarkerLines(text)) {
      goLines.push({
        ...readGoIni(line.text),
        from: owners[firstNonSpace(text, offset, line.text.length)] ?? owners[offset]!,
      });
      offset += line.text.length + line.ending.length;
    }
    const readable = splitMarkerLines(content).every((line) => readGoIni(line.text).kind !== 'error');
    const broken = goLines.find((line) => line.kind === 'error' && line.from !== -2);
    if (broken) return readable ? broken.from + 1 : undefined;
    let section = '';
    for (const go of goLines) {
      if (go.kind === 'header') section = go.name;
      if (go.from === -2) continue;
      if (go.kind === 'header' && taken.has(awsOktaProfile(go.name))) return go.from + 1;
      if (go.kind === 'key' && taken.has(awsOktaProfile(section)) && /^[a-z_]+$/.test(go.name)) return go.from + 1;
    }
    return undefined;
  };

  let out = merge(before, after);
  let problem = problemIn(out);
  if (problem !== undefined && !found && content.length > 0) {
    out = merge([...before, ...after], []);
    problem = problemIn(out);
  }
  if (problem !== undefined) return { kind: 'refused', line: problem };
  return { kind: 'ok', next: join(out.map(({ line }) => line)), removed };
}

/** The offset of the first character on [at, at + length) that is not Go whitespace (bytes). */
function firstNonSpace(text: string, at: number, length: number): number {
  const rest = text.slice(at, at + length);
  const spaces =
    /^(?:[\t\n\v\f\r ]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)*/.exec(
      rest,
    )![0];
  return at + spaces.length;
}
