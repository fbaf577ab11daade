/**
 * Stage 5: work out the new file from what is on disk and robo's block. Pure.
 *
 * robo owns only the lines between its two markers. Everything outside them
 * stays byte for byte, except a user section that robo now generates (the
 * same profile name, or [okta]): both readers would see it twice and botocore
 * refuses duplicate sections, so it is taken out and reported (the backup
 * keeps it). A file without markers gets the block at the top, so the user's
 * bytes follow unchanged even when their last line has no newline.
 */
import { BrokenMarkersError } from '../errors.js';
import type { Target } from '../system/target.js';
import { findBlock, joinLines, sectionsOf, splitLines, type Line } from './config-file.js';

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
}

export interface PlanOptions {
  /** Profile names the block defines; with "okta" these may not appear outside it. */
  generated: ReadonlySet<string>;
  /** Replace the whole file (the original tool's behaviour) instead of merging. */
  replace: boolean;
}

export function planConfig(target: Target, block: string, options: PlanOptions): Plan {
  const current = target.content;
  if (current === undefined || options.replace) return finish(target, Buffer.from(block, 'latin1'), []);

  const lines = splitLines(current.toString('latin1'));
  const search = findBlock(lines);
  if (search.kind === 'broken') {
    throw new BrokenMarkersError(`${target.path}: ${search.reason} at line ${search.lines.join(', ')}; nothing was written`, [
      'robo only rewrites the lines between "# >>> robo aws.config ..." and "# <<< robo aws.config".',
      'Fix or delete the marker lines by hand (or run with --replace to overwrite the whole file after a backup).',
    ]);
  }
  const [before, after] = search.kind === 'found' ? [lines.slice(0, search.start), lines.slice(search.end + 1)] : [[], lines];
  const offset = search.kind === 'found' ? search.end + 1 : 0;
  const taken = new Set([...options.generated, 'okta']);
  const removed: RemovedSection[] = [];
  const keep = (part: Line[], first: number) => {
    const drop = new Set<number>();
    for (const section of sectionsOf(part)) {
      if (!taken.has(section.name)) continue;
      removed.push({ header: section.header, line: first + section.first + 1 });
      // The blank lines that separated it from the next section go with it.
      let last = section.last;
      while (last + 1 < part.length && part[last + 1]!.text.trim() === '' && part[last + 1]!.ending !== '') last += 1;
      for (let index = section.first; index <= last; index += 1) drop.add(index);
    }
    return part.filter((_line, index) => !drop.has(index));
  };
  const text = joinLines(keep(before, 0)) + block + joinLines(keep(after, offset));
  return finish(target, Buffer.from(text, 'latin1'), removed);
}

function finish(target: Target, next: Buffer, removed: RemovedSection[]): Plan {
  const changed = target.content === undefined || !target.content.equals(next);
  return { target, next, changed, removed };
}
