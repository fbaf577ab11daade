/**
 * Test only: with $ROBO_TEST_LOG naming a file, robo appends a line there at
 * the few steps a test must wait for or count (the backup complete, the config
 * renamed into place, a wait for a lock), so tests wait for a real signal
 * instead of sleeping. Unset in real runs; not a user setting.
 */
import { appendFileSync } from 'node:fs';

/** Synchronous, so the line is in the file before the next step starts (and before a SIGKILL can land after it). */
export function testLog(step: string): void {
  const file = process.env.ROBO_TEST_LOG;
  if (file) appendFileSync(file, `${step}\n`);
}
