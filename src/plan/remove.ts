/**
 * aws.remove's plan: the config without robo's block. Pure, like plan.ts,
 * and its result is a Plan, so apply.ts writes it the same way (backup
 * first, then one atomic write). Only the block's own bytes go: from the
 * start marker's first character to past the end marker's line ending.
 * Everything else stays byte for byte, so a file robo merged into gets its
 * old bytes back (aws.config put the block on lines of its own at the top).
 */
import { BrokenMarkersError } from '../errors.js';
import type { Target } from '../apply/target.js';
import { readBlock } from './block.js';
import type { Plan } from './plan.js';

export interface RemovalPlan extends Plan {
  /** The team the removed block was written for, when its marker says. */
  team: string | undefined;
  profiles: string[];
}

/** undefined when there is nothing to remove (no file, or no block in it). */
export function planRemoval(target: Target): RemovalPlan | undefined {
  const block = readBlock(target.content);
  if (block.kind === 'none') return undefined;
  if (block.kind === 'broken') {
    throw new BrokenMarkersError(
      `${target.path}: ${block.reason} at line ${block.lines.join(', ')}; nothing was written`,
      [
        'robo only removes the lines between "# >>> robo aws.config ..." and "# <<< robo aws.config".',
        'Fix or delete the marker lines by hand (robo aws.backups lists the copies robo made).',
      ],
    );
  }
  const content = target.content!;
  const next = Buffer.concat([content.subarray(0, block.from), content.subarray(block.to)]);
  return { target, next, changed: true, removed: [], team: block.team, profiles: block.profiles };
}
