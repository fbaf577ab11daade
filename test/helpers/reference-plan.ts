/**
 * A second, deliberately naive planner for differential tests: robo's first
 * implementation, which splits the whole file into line objects and walks
 * every one. src/pipeline/plan.ts looks only at comment and header lines and
 * works on offsets (it is faster on 20,000-line configs); for any file the
 * two must give the same bytes, the same removed sections and the same
 * broken-marker verdict.
 */
import { sectionName } from '../../src/pipeline/config-file.js';
import { BLOCK_END, BLOCK_START_PREFIX } from '../../src/pipeline/render.js';

interface Line {
  text: string;
  ending: string;
}

function splitLines(content: string): Line[] {
  const lines: Line[] = [];
  for (const match of content.matchAll(/([^\n]*?)(\r\n|\n|$)/g)) {
    if (match[0] === '' && match.index === content.length) break;
    lines.push({ text: match[1]!, ending: match[2]! });
  }
  return lines;
}

const join = (lines: Line[]) => lines.map((line) => line.text + line.ending).join('');

export type ReferencePlan = { kind: 'broken'; lines: number[] } | { kind: 'ok'; next: string; removed: Array<{ header: string; line: number }> };

export function referencePlan(content: string, block: string, generated: ReadonlySet<string>): ReferencePlan {
  const lines = splitLines(content);
  const starts: number[] = [];
  const ends: number[] = [];
  const odd: number[] = [];
  lines.forEach((line, index) => {
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
  const before = found ? lines.slice(0, starts[0]) : [];
  const after = found ? lines.slice(ends[0]! + 1) : lines;
  const offset = found ? ends[0]! + 1 : 0;
  const taken = new Set([...generated, 'okta']);
  const removed: Array<{ header: string; line: number }> = [];
  const keep = (part: Line[], first: number) => {
    const drop = new Set<number>();
    let current: { name: string; header: string; first: number; last: number } | undefined;
    const sections: Array<NonNullable<typeof current>> = [];
    part.forEach((line, index) => {
      const header = /^\s*\[(.*)\]\s*$/.exec(line.text);
      if (header && !line.text.includes('=')) {
        current = { name: sectionName(header[1]!), header: line.text.trim(), first: index, last: index };
        sections.push(current);
      } else if (current && line.text.trim() !== '' && !/^\s*[#;]/.test(line.text)) current.last = index;
    });
    for (const section of sections) {
      if (!taken.has(section.name)) continue;
      removed.push({ header: section.header, line: first + section.first + 1 });
      let last = section.last;
      while (last + 1 < part.length && part[last + 1]!.text.trim() === '' && part[last + 1]!.ending !== '') last += 1;
      for (let index = section.first; index <= last; index += 1) drop.add(index);
    }
    return part.filter((_line, index) => !drop.has(index));
  };
  return { kind: 'ok', next: join(keep(before, 0)) + block + join(keep(after, offset)), removed };
}
