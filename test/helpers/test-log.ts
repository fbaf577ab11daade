/**
 * robo's test-only log ($ROBO_TEST_LOG, src/system/test-log.ts): a test waits
 * for the line that says robo reached a step, instead of sleeping and hoping.
 */
import { existsSync, mkdtempSync, readFileSync, watch } from 'node:fs';
import path from 'node:path';

/** A fresh log file's path, in a folder of its own under `root` (so a watch on the folder sees only it). */
export function testLogFile(root: string): string {
  return path.join(mkdtempSync(path.join(root, 'test-log-')), 'steps.log');
}

export function loggedSteps(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Resolves once `file` has a line starting with `step`; rejects after `limitMs`, a bound against hanging, not a guess at timing. */
export function waitForStep(file: string, step: string, limitMs = 20_000): Promise<void> {
  const reached = () => loggedSteps(file).some((line) => line.startsWith(step));
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const watcher = watch(path.dirname(file), () => {
      if (reached()) done();
    });
    const timer = setTimeout(() => done(new Error(`no "${step}" in ${file} within ${limitMs} ms`)), limitMs);
    if (reached()) done();
  });
}
