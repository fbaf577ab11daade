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
import { findBlock, lineAt, lineNumberAt, sectionEnd, sectionHeaders } from './config-file.js';

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
  // The file is handled as latin1, one char per byte, so the user's bytes
  // round-trip whatever they are. The block becomes its UTF-8 bytes once,
  // here, and is spliced in as those bytes: encoded as latin1, a micro sign
  // became a lone 0xB5 (botocore then refused the file) and U+010A a newline.
  const bytes = Buffer.from(block, 'utf8');
  const view = bytes.toString('latin1');
  const current = target.content;
  if (current === undefined || options.replace) return finish(target, bytes, []);

  const text = current.toString('latin1');
  // Only marker and header lines can matter; the rest is copied as it is.
  const search = findBlock(text);
  if (search.kind === 'broken') {
    throw new BrokenMarkersError(`${target.path}: ${search.reason} at line ${search.lines.join(', ')}; nothing was written`, [
      'robo only rewrites the lines between "# >>> robo aws.config ..." and "# <<< robo aws.config".',
      'Fix or delete the marker lines by hand (or run with --replace to overwrite the whole file after a backup).',
    ]);
  }
  // The user's two parts: before robo's block and after it (all of the file when there is no block yet).
  const [from, to] = search.kind === 'found' ? [search.from, search.to] : [0, 0];
  const taken = new Set([...options.generated, 'okta']);
  const headers = [...sectionHeaders(text, 0, from), ...sectionHeaders(text, to)];
  const removed: RemovedSection[] = [];
  const drop: Array<[number, number]> = [];
  headers.forEach((header, index) => {
    if (!taken.has(header.name)) return;
    const line = lineAt(text, header.start);
    removed.push({ header: line.text.trim(), line: lineNumberAt(text, header.start) });
    // The section runs to the next header, or to the end of its part.
    const partEnd = header.start < from ? from : text.length;
    const next = headers[index + 1]?.start;
    drop.push([header.start, sectionEnd(text, line, next !== undefined && next < partEnd ? next : partEnd)]);
  });
  const keep = (start: number, end: number) => {
    let kept = '';
    for (const [dropFrom, dropTo] of drop.filter(([at]) => at >= start && at < end)) {
      kept += text.slice(start, dropFrom);
      start = dropTo;
    }
    return kept + text.slice(start, end);
  };
  // The usual run: robo's block is already these bytes and nothing is taken out, so the file stays as it is.
  if (drop.length === 0 && search.kind === 'found' && to - from === view.length && text.slice(from, to) === view) return { target, next: current, changed: false, removed };
  return finish(target, Buffer.from(keep(0, from) + view + keep(to, text.length), 'latin1'), removed);
}

function finish(target: Target, next: Buffer, removed: RemovedSection[]): Plan {
  const changed = target.content === undefined || !target.content.equals(next);
  return { target, next, changed, removed };
}
