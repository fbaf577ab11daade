/**
 * Stage 5: compare what is on disk with what robo would write. Pure.
 * For now the whole file is robo's (the original tool's behaviour); the
 * result says whether anything changes at all, so an equal file is left alone.
 */
import type { Target } from '../system/target.js';

export interface Plan {
  target: Target;
  /** The complete new file. */
  next: string;
  /** False when the file already holds exactly these bytes. */
  changed: boolean;
}

export function planConfig(target: Target, rendered: string): Plan {
  const changed = target.content === undefined || !target.content.equals(Buffer.from(rendered, 'utf8'));
  return { target, next: rendered, changed };
}
