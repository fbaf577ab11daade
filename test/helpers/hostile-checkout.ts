/**
 * A dotfiles checkout made from the example organisation and one case of the
 * hostile corpus (fixtures/hostile.ts), written to a real folder: shared by
 * the in-process rule table (validation-rules.test.ts) and the runs through
 * the binary (hostile.e2e.test.ts), so both read the same files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostileCase } from '../fixtures/hostile.js';
import { exampleTree, writeTree } from './git.js';

/** A task whose running would show: it writes to HOME. A refused robo.yml must never get that far. */
export const HELLO_TASK = 'hello:\n  command: touch "$HOME/ran"\n';

/** Write the checkout for `testCase` under `root` (as root/dotfiles, links pointing at root/outside); returns its folder. */
export function writeHostileCheckout(root: string, testCase: Pick<HostileCase, 'files' | 'outside'>): string {
  const dotfiles = path.join(root, 'dotfiles');
  writeTree(dotfiles, { ...exampleTree(), 'robo.yml': HELLO_TASK });
  writeTree(path.join(root, 'outside'), testCase.outside ?? {});
  for (const [file, change] of Object.entries(testCase.files ?? {})) {
    const full = path.join(dotfiles, file);
    if (change === null) {
      rmSync(full, { force: true });
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    if (typeof change === 'string' || Buffer.isBuffer(change)) {
      rmSync(full, { recursive: true, force: true });
      writeFileSync(full, change);
    } else if ('symlink' in change) {
      rmSync(full, { recursive: true, force: true });
      symlinkSync((change as { symlink: string }).symlink, full);
    } else if ('fifo' in change) {
      rmSync(full, { recursive: true, force: true });
      execFileSync('mkfifo', [full]);
    } else if ('sparse' in change) {
      writeFileSync(full, '');
      truncateSync(full, (change as { sparse: number }).sparse);
    } else writeFileSync(full, JSON.stringify(change, null, 2));
  }
  return dotfiles;
}
