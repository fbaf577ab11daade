/**
 * Stage 5: the new file from what is on disk and robo's block. Pure. User
 * sections robo now generates are taken out and reported; a merge that would
 * change how a kept line reads to botocore or aws-okta is refused (exit 7).
 * docs/config-file.md has the rules.
 */
import { BrokenMarkersError, UnmergeableConfigError } from '../errors.js';
import type { Target } from '../apply/target.js';
import { teamOfBlock } from './block.js';
import {
  awsOktaProfile,
  BotocoreLines,
  BotocoreReader,
  botocoreProfile,
  botocoreSsoSession,
  findBlock,
  GoIniReader,
  goIniKey,
  goIniOutline,
  shownText,
  type ConfigLine,
  type LineKind,
} from './config-readers.js';

export interface RemovedSection {
  /** The header as the user wrote it, e.g. "[profile dev]". */
  header: string;
  /** 1-based line number in the old file. */
  line: number;
}

export interface Plan {
  target: Target;
  /** The complete new file. */
  next: Buffer;
  /** False when the file already holds exactly these bytes. */
  changed: boolean;
  /** User sections taken out because robo's block now defines them. */
  removed: RemovedSection[];
  /** The team robo's block in the file was written for (undefined: no block, a damaged one, or no team in its marker). */
  previousTeam?: string | undefined;
}

export interface PlanOptions {
  /**
   * Profile names the block defines; these, and its sign-in section ([okta],
   * or the [sso-session NAME] read from the block), may not appear outside it.
   */
  generated: ReadonlySet<string>;
  /** Replace the whole file (the original tool's behaviour) instead of merging. */
  replace: boolean;
}

export function planConfig(target: Target, block: string, options: PlanOptions): Plan {
  // The file is handled as latin1, one char per byte, so the user's bytes
  // round-trip whatever they are. The block is spliced in as its UTF-8 bytes
  // (made only for a new file): encoded as latin1, a micro sign became a lone
  // 0xB5 (botocore then refused the file) and U+010A a newline. It is read as
  // their latin1 view, which for an ASCII block (as many bytes as chars) is
  // the block itself.
  const ascii = Buffer.byteLength(block, 'utf8') === block.length;
  const view = ascii ? block : Buffer.from(block, 'utf8').toString('latin1');
  const bytes = () => Buffer.from(block, 'utf8');
  const current = target.content;
  if (current === undefined) return finish(target, bytes(), [], undefined);
  const claims = claimsOf(block, options.generated);

  const text = current.toString('latin1');
  const search = findBlock(text);
  const previousTeam = search.kind === 'found' ? teamOfBlock(text.slice(search.from, search.to)) : undefined;
  if (options.replace) return finish(target, bytes(), [], previousTeam);
  if (search.kind === 'broken') {
    throw new BrokenMarkersError(
      `${target.path}: ${search.reason} at line ${search.lines.join(', ')}; nothing was written`,
      [
        'robo only rewrites the lines between "# >>> robo aws.config ..." and "# <<< robo aws.config".',
        'Fix or delete the marker lines by hand (or run with --replace to overwrite the whole file after a backup).',
      ],
    );
  }
  // The user's two parts: before robo's block and after it (all of the file when there is no block yet).
  let [from, to] = search.kind === 'found' ? [search.from, search.to] : [0, 0];
  // The usual run: the file holds these very bytes, and nothing of the user's can touch them.
  if (search.kind === 'found' && to - from === view.length && text.slice(from, to) === view)
    if (untouched(text, [from, to], claims))
      return { target, next: current, changed: false, removed: [], previousTeam };
  const reading = read(text, [from, to], claims);
  const { removed, drop } = collisions(reading, claims);
  // The block starts on a line of its own, even after a last line without a line break (or a lone \r).
  let breakBeforeBlock = false;
  const keep = (start: number, end: number) => {
    const kept = keptRanges(drop, start, end).map(([keepFrom, keepTo]) => text.slice(keepFrom, keepTo));
    return kept.join('') + (breakBeforeBlock && end === from && start < end ? '\n' : '');
  };
  // The usual run: robo's block is already these bytes and nothing is taken out, so the file stays as it is.
  const unchanged =
    drop.length === 0 && search.kind === 'found' && to - from === view.length && text.slice(from, to) === view;
  // Put the block at `at` (where the old one was, or where a new one goes) and see whether any line reads differently.
  const place = (at: [number, number]) => {
    [from, to, breakBeforeBlock] = [...at, false];
    if (unchanged) {
      const merge = { output: text, complete: true, block: [from, to] as [number, number], from, to, drop };
      return mergeProblem(reading, merge, claims) as MergeProblem | undefined;
    }
    const before = keep(0, from);
    breakBeforeBlock = before !== '' && !before.endsWith('\n');
    const head = breakBeforeBlock ? `${before}\n` : before;
    const merge = (end: number) => ({
      output: head + view + keep(to, end),
      complete: end === text.length,
      block: [head.length, head.length + view.length] as [number, number],
      from,
      to,
      drop,
    });
    // Both readers usually settle at the first header after the block: the new text is made up to there
    // (whole lines: it ends with a line break), and whole, a copy of the file, only when they read on.
    const start = merge(firstHeaderEnd(text, reading.lines, to));
    const first = start.complete || start.output.endsWith('\n') ? mergeProblem(reading, start, claims) : READ_ON;
    return first === READ_ON ? (mergeProblem(reading, merge(text.length), claims) as MergeProblem | undefined) : first;
  };
  // A new block goes at the top, unless that would change how the user's lines read (an indented first
  // header would continue robo's last value): then at the end, where nothing of the user's follows it.
  let problem = place([from, to]);
  if (problem && search.kind === 'none' && text.length > 0) problem = place([text.length, text.length]);
  if (problem) {
    throw new UnmergeableConfigError(
      `${target.path}: line ${problem.line} (${JSON.stringify(problem.text)}): ${problem.reason}; nothing was written`,
      [
        'robo takes out only whole sections of yours that collide with its own, and only where nothing else changes for the AWS CLI or aws-okta.',
        'Edit that line by hand (remove its leading whitespace, or give it a section of its own), or run with --replace to overwrite the whole file after a backup.',
      ],
    );
  }
  if (unchanged) return { target, next: current, changed: false, removed, previousTeam };
  // The same bytes as keep(0, from) + view + keep(to, end) in latin1, cut from the file's own bytes
  // (a 20,000-line config is not joined and encoded again).
  const keptBytes = (start: number, end: number) => [
    ...keptRanges(drop, start, end).map(([keepFrom, keepTo]) => current.subarray(keepFrom, keepTo)),
    ...(breakBeforeBlock && end === from && start < end ? [NEWLINE] : []),
  ];
  return finish(
    target,
    Buffer.concat([...keptBytes(0, from), bytes(), ...keptBytes(to, text.length)]),
    removed,
    previousTeam,
  );
}

const NEWLINE = Buffer.from('\n');

/**
 * What robo's block claims: its profiles and its sign-in section. The okta
 * form's [okta] is aws-okta's ([profile okta] too, to aws-okta); the sso
 * form's [sso-session NAME] is botocore's, a namespace of its own (a
 * [profile NAME] beside it is no clash), and then [okta] is the user's.
 */
interface Claims {
  profiles: ReadonlySet<string>;
  okta: boolean;
  sessions: ReadonlySet<string>;
}

function claimsOf(block: string, profiles: ReadonlySet<string>): Claims {
  // The renderer writes the sign-in section first, on the line after the marker: only that line is read
  // (a search of the whole block, 350 KB at 2,000 profiles, cost a cold regular expression ~2 ms a run).
  const second = block.indexOf('\n') + 1;
  const end = block.indexOf('\n', second);
  const session = /^\[sso-session ([A-Za-z0-9_.-]+)\]$/.exec(block.slice(second, end === -1 ? undefined : end))?.[1];
  const sessions = new Set(session === undefined ? [] : [session]);
  return { profiles, okta: sessions.size === 0, sessions };
}

/** A name aws-okta would file under robo's block: [okta] with the okta form, or one of its profiles. */
function oktaReadsAsRobos(claims: Claims): (name: string) => boolean {
  return (name) => (claims.okta && name === 'okta') || claims.profiles.has(name);
}

/**
 * Whether no line of the user's can collide with or belong to robo's block
 * at [from, to), found without reading the file as either reader does; false
 * means "read it". Both readers' headers lie on lines holding "[" (lines end
 * at \n for aws-okta; botocore's \r endings split them further), and a
 * header names one of robo's profiles only if the name is a whole word of
 * profile-name characters on such a line, or is put together from quotes or
 * backslashes (shlex). After the block, only blank and comment lines may come
 * before a header at column 0 that both readers read as one (no "="), so
 * nothing falls into robo's last section.
 */
function untouched(text: string, [from, to]: [number, number], claims: Claims): boolean {
  const robos = (word: string) => oktaReadsAsRobos(claims)(word) || claims.sessions.has(word);
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
    if (at >= from && at < to) {
      at = to - 1;
      continue;
    }
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    // Most lines with a "[": [NAME] or [profile NAME] alone, whose words are "", "profile" and NAME.
    PLAIN_HEADER_LINE.lastIndex = start;
    const plain = start === at ? PLAIN_HEADER_LINE.exec(text) : null;
    if (plain) {
      if (robos('') || (plain[1] !== undefined && robos('profile')) || robos(plain[2]!)) return false;
      at = end;
      continue;
    }
    const line = text.slice(start, end);
    if (/["'\\]/.test(line)) return false;
    if (line.split(/[^A-Za-z0-9_.-]+/).some(robos)) return false;
    at = end;
  }
  for (let start = to; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    if (/^\[[^=\r]+\]\r?$/.test(line)) return true;
    if (!/^[ \t]*(?:[#;][^\r]*)?\r?$/.test(line)) return false;
    start = end + 1;
  }
  return true;
}

const PLAIN_HEADER_LINE = /\[(profile )?([A-Za-z0-9_.-]+)\]\r?(?=\n|$)/y;

function finish(target: Target, next: Buffer, removed: RemovedSection[], previousTeam: string | undefined): Plan {
  const changed = target.content === undefined || !target.content.equals(next);
  return { target, next, changed, removed, previousTeam };
}

/** The file as it is: its lines as botocore reads them, aws-okta's headers, and where robo's block is ([0, 0) for none). */
interface Reading {
  text: string;
  lines: BotocoreLines;
  /** The headers aws-okta reads that name okta or one of robo's profiles: where each one's text starts, and its section name. */
  goIniHeaders: Array<{ first: number; name: string }>;
  /** Whether aws-okta can read the file at all: no line it cannot parse. */
  goIniReadable: boolean;
  /** Where the last line aws-okta cannot parse starts (-1: none). */
  goIniLastError: number;
  block: [number, number];
}

function read(text: string, block: [number, number], claims: Claims): Reading {
  const { headers, lastError } = goIniOutline(text, oktaReadsAsRobos(claims));
  const lines = new BotocoreLines(text);
  return { text, lines, goIniHeaders: headers, goIniReadable: lastError === -1, goIniLastError: lastError, block };
}

/** The parts of [start, end) outside the dropped sections. */
function keptRanges(drop: ReadonlyArray<[number, number]>, start: number, end: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const [dropFrom, dropTo] of drop) {
    if (dropFrom < start || dropFrom >= end) continue;
    ranges.push([start, dropFrom]);
    start = dropTo;
  }
  ranges.push([start, end]);
  return ranges;
}

/**
 * The user's sections that collide with robo's block, and the text to drop
 * for each. A section collides when either reader would see one of robo's
 * names twice: to botocore, [okta], or any header it files under one of
 * robo's profiles (a duplicate [profile dev] makes it refuse the file, a
 * [profile "dev"] or [default] silently shadows one); to aws-okta, any header
 * whose name less "profile " is okta or one of robo's profiles ([dev],
 * [ profile dev ], [profile okta]). Sections are botocore's: from the header
 * to the next header, continuation lines included.
 */
function collisions(
  { text, lines, goIniHeaders, block: [blockFrom, blockTo] }: Reading,
  claims: Claims,
): { removed: RemovedSection[]; drop: Array<[number, number]> } {
  const mine = (offset: number) => offset < blockFrom || offset >= blockTo;
  const robos = oktaReadsAsRobos(claims);
  const colliding = new Set<number>();
  for (const [index, section] of lines.sections) {
    if (!mine(lines.start[index]!)) continue;
    const profile = botocoreProfile(section);
    const session = claims.sessions.size > 0 ? botocoreSsoSession(section) : undefined;
    if (
      (claims.okta && section === 'okta') ||
      (profile !== undefined && claims.profiles.has(profile)) ||
      (session !== undefined && claims.sessions.has(session))
    )
      colliding.add(index);
  }
  for (const line of goIniHeaders) {
    if (!mine(line.first) || !robos(awsOktaProfile(line.name))) continue;
    // The same header as botocore reads it. If to botocore it is no header, mergeProblem refuses the file.
    const index = lines.indexAt(line.first);
    if (lines.sections.has(index)) colliding.add(index);
  }
  const removed: RemovedSection[] = [];
  const drop: Array<[number, number]> = [];
  for (const index of [...colliding].sort((a, b) => a - b)) {
    const start = lines.start[index]!;
    removed.push({
      header: shownText(text, { first: lines.first[index]!, textEnd: lines.textEnd[index]! }),
      line: index + 1,
    });
    drop.push([start, sectionEnd(lines, index, start < blockFrom ? blockFrom : text.length)]);
  }
  return { removed, drop };
}

/**
 * Where a section's own lines end: after its last line that is neither blank
 * nor a comment (trailing comments likely describe what follows), plus the
 * blank lines that separated it from the next section. `limit` is where the
 * part of the file it lives in ends.
 */
function sectionEnd(lines: BotocoreLines, header: number, limit: number): number {
  const within = (index: number) => index < lines.count && lines.start[index]! < limit;
  let last = header;
  for (let index = header + 1; within(index) && lines.kind(index) !== 'header'; index += 1) {
    if (lines.kind(index) !== 'blank' && lines.kind(index) !== 'comment') last = index;
  }
  // A blank last line without a line break stays, so the file ends as it did.
  const blankWithBreak = (index: number) => lines.kind(index) === 'blank' && lines.end[index]! > lines.textEnd[index]!;
  while (within(last + 1) && blankWithBreak(last + 1)) last += 1;
  return lines.end[last]!;
}

const KIND: Record<LineKind, string> = {
  blank: 'a blank line',
  comment: 'a comment',
  header: 'a section header',
  setting: 'a setting',
  continuation: 'the continuation of the value above it',
  unparsable: 'a line it cannot parse',
  outside: 'a setting outside any section',
};

interface Merge {
  /** The new file's text (or its start, up to a line break, when not complete), and where robo's block is in it. */
  output: string;
  complete: boolean;
  block: [number, number];
  /** Where in the old text the block goes, and what of it is dropped. */
  from: number;
  to: number;
  drop: ReadonlyArray<[number, number]>;
}

/** mergeProblem's answer when the start of the new text it was given did not settle the question. */
const READ_ON = 'read on';

/** Past the first line break after the first header at or after `offset` (botocore's headers), or the end. */
function firstHeaderEnd(text: string, lines: BotocoreLines, offset: number): number {
  for (let index = lines.indexAt(offset); index < lines.count; index += 1) {
    if (lines.start[index]! < offset || !lines.sections.has(index)) continue;
    const newline = text.indexOf('\n', lines.textEnd[index]);
    return newline === -1 ? text.length : newline + 1;
  }
  return text.length;
}

interface MergeProblem {
  /** 1-based, in the old file. */
  line: number;
  text: string;
  reason: string;
}

/**
 * Whether the merged file keeps the meaning of every line the user keeps,
 * for both readers; the first line that changes, if not. This is what makes
 * "botocore could load it before, so it can after" hold, and keeps robo's
 * profiles robo's. It reads the new file as botocore does and compares each
 * kept line with the same line before: what it is and what it belongs to (a
 * setting's section, a continuation's setting). Nothing of the user's may
 * belong to robo's block. Then as aws-okta does: no header of the user's may
 * still name one of robo's profiles, no key of the user's may fall into one
 * of them, and a file aws-okta could read stays readable.
 */
function mergeProblem(reading: Reading, merge: Merge, claims: Claims): MergeProblem | undefined | typeof READ_ON {
  const { text, lines } = reading;
  const {
    output,
    block: [blockStart, blockEnd],
  } = merge;
  // Where each kept piece of the old text landed in the new one.
  const pieces: Array<{ at: number; from: number; to: number }> = [];
  let at = 0;
  for (const [from, to] of [
    ...keptRanges(merge.drop, 0, merge.from),
    [-1, -1] as const,
    ...keptRanges(merge.drop, merge.to, text.length),
  ]) {
    if (from === -1) at = blockEnd;
    else pieces.push({ at, from, to });
    at += to - from;
  }
  const oldOffset = (offset: number) => {
    let [low, high] = [0, pieces.length - 1];
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (pieces[middle]!.at <= offset) low = middle;
      else high = middle - 1;
    }
    const piece = pieces[low];
    return piece === undefined || offset < piece.at || offset >= piece.at + piece.to - piece.from
      ? -1
      : piece.from + offset - piece.at;
  };
  const inBlock = (offset: number) => offset >= blockStart && offset < blockEnd;
  // From `tail` on, the new file is the end of the old one, byte for byte (the last piece, after robo's
  // block). Once both readers have read a header there, each reads the rest exactly as it read the old
  // file: a header leaves no state behind but itself. So the new file is read only up to that header.
  const last = pieces.at(-1);
  const tail = last && last.at >= blockEnd && last.to === text.length ? last.at : at;
  const fromTail = (old: number) => old - last!.from + last!.at;
  const problem = (offset: number, reason: string): MergeProblem => {
    const line = lines.indexAt(Math.max(0, oldOffset(offset)));
    return {
      line: line + 1,
      text: shownText(text, { first: lines.first[line]!, textEnd: lines.textEnd[line]! }),
      reason,
    };
  };

  // Each line of the new file with the line of the old one it is (the new file keeps the old order),
  // or ROBO for robo's block, so what a line belongs to can be compared before and after.
  const ROBO = -2;
  const [oldBlockFrom, oldBlockTo] = reading.block;
  const oldOwner = (index: number) => {
    const owner = lines.owner[index]!;
    return owner === -1 ? -1 : lines.start[owner]! >= oldBlockFrom && lines.start[owner]! < oldBlockTo ? ROBO : owner;
  };
  // A file already holding this block is checked too (robo's profiles must be robo's), with no second reading.
  const same = output === text;
  const now = new BotocoreReader(output);
  const stored: ConfigLine = { start: 0, textEnd: 0, end: 0, first: 0, kind: 'blank', owner: -1, section: '' };
  const origin: number[] = [];
  for (let index = 0, old = 0; ; index += 1) {
    if (!same && now.at === blockStart) {
      now.passBlock(blockEnd);
      origin.push(ROBO);
      continue;
    }
    const line = same ? (index < lines.count ? lines.line(index, stored) : undefined) : now.next();
    if (line === undefined) {
      if (merge.complete) break;
      return READ_ON;
    }
    if (inBlock(line.start)) {
      origin.push(ROBO);
      continue;
    }
    const offset = oldOffset(line.start);
    while (old < lines.count - 1 && lines.start[old]! < offset) old += 1;
    origin.push(old);
    if (lines.start[old] !== offset) return problem(line.start, 'robo cannot tell how the AWS CLI would read it');
    if (line.kind === 'blank' || line.kind === 'comment') continue;
    const owner = line.owner === -1 ? -1 : origin[line.owner]!;
    if (owner === ROBO) return problem(line.start, `the AWS CLI would read it as part of robo's block above it`);
    const kindBefore = lines.kind(old);
    if (line.kind !== kindBefore)
      return problem(line.start, `the AWS CLI would read it as ${KIND[line.kind]}, not as ${KIND[kindBefore]}`);
    if (owner !== oldOwner(old))
      return problem(line.start, 'the AWS CLI would read it as part of another section than before');
    if (line.kind === 'header' && line.start >= tail) break;
  }

  // aws-okta refuses a file with a line it cannot parse; what it would read from the rest matters only if there is none.
  const robos = oktaReadsAsRobos(claims);
  let found: MergeProblem | undefined;
  let broken: number | undefined;
  /** Where in the old file aws-okta reads the rest as it did before (see `tail`); -1 until then. */
  let settled = -1;
  const goIni = new GoIniReader(output);
  while (broken === undefined) {
    if (goIni.at === blockStart) goIni.passBlock(blockEnd);
    const line = goIni.next();
    if (line === undefined) {
      if (merge.complete) break;
      return READ_ON;
    }
    if (line.kind === 'header' && line.start >= tail) settled = line.end - last!.at + last!.from;
    if (line.kind === 'error') broken = line.first;
    else if (found) {
      if (settled !== -1) break;
    } else if (line.kind === 'header' && robos(awsOktaProfile(line.name))) {
      found = problem(
        line.first,
        `aws-okta reads it as [${line.name}], which robo's block defines, but to the AWS CLI it is no section header, so robo cannot take it out`,
      );
    }
    // aws-okta looks keys up by names of lower-case letters and "_"; one named otherwise ("[x]" from a
    // header holding "=", or the start of a file with CR line ends, read as one line) is never read.
    else if (line.kind === 'key' && robos(awsOktaProfile(goIni.section)) && /^[a-z_]+$/.test(goIniKey(output, line))) {
      found = problem(line.first, `aws-okta would read it as a setting of robo's [${goIni.section}]`);
    }
    if (settled !== -1) break;
  }
  if (settled !== -1 && broken === undefined) {
    // The rest as aws-okta read it before: a line it cannot parse there is one now, and a header naming
    // one of robo's profiles (which botocore does not read as a header, or it would have been taken out).
    if (reading.goIniLastError >= settled) broken = fromTail(reading.goIniLastError);
    const header = reading.goIniHeaders.find(({ first, name }) => first >= settled && robos(awsOktaProfile(name)));
    if (!found && header)
      found = problem(
        fromTail(header.first),
        `aws-okta reads it as [${header.name}], which robo's block defines, but to the AWS CLI it is no section header, so robo cannot take it out`,
      );
  }
  if (broken !== undefined)
    return reading.goIniReadable
      ? problem(broken, 'aws-okta could read the file before, and would stop at this line')
      : undefined;
  return found;
}
