/**
 * aws.remove's plan: the config without robo's block, a Plan that apply.ts
 * writes like any other. Pure. Only the block's bytes go (start marker to past
 * the end marker's line end), so a file robo merged into gets its old bytes back.
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
