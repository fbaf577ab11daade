/**
 * A dotfiles checkout made from the example organisation and one case of the
 * hostile corpus (fixtures/hostile.ts), written to a real folder: shared by
 * the in-process rule table (validation-rules.test.ts, one checkout for all
 * its rows) and the runs through the binary (hostile.e2e.test.ts), so both
 * read the same files.
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
  writeTree(dotfiles, checkoutTree());
  applyCase(root, testCase);
  return dotfiles;
}

/**
 * One checkout under `root` for many cases in turn, for the in-process table:
 * the example is written once, `apply` writes only the case's own changes,
 * and `restore` puts back what they changed and removes root/outside. Writing
 * and removing the whole example was most of a row's time.
 */
export function sharedHostileCheckout(root: string): {
  dir: string;
  apply(testCase: Pick<HostileCase, 'files' | 'outside'>): string;
  restore(testCase: Pick<HostileCase, 'files' | 'outside'>): void;
} {
  const dotfiles = path.join(root, 'dotfiles');
  const tree = checkoutTree();
  writeTree(dotfiles, tree);
  // The example's files and folders: what a case's change may have replaced, and is put back.
  const inExample = (file: string) => Object.keys(tree).some((name) => name === file || name.startsWith(`${file}/`));
  return {
    dir: dotfiles,
    apply: (testCase) => {
      applyCase(root, testCase);
      return dotfiles;
    },
    restore: (testCase) => {
      rmSync(path.join(root, 'outside'), { recursive: true, force: true });
      // Remove what the case changed (a path the example has, or the top-most new folder of one
      // it has not), then write the example's files under those paths again.
      const changed = Object.keys(testCase.files ?? {});
      for (const file of changed) {
        const parts = file.split('/');
        const added = parts.findIndex((_, at) => !inExample(parts.slice(0, at + 1).join('/')));
        rmSync(path.join(dotfiles, parts.slice(0, added === -1 ? parts.length : added + 1).join('/')), {
          recursive: true,
          force: true,
        });
      }
      const under = (name: string) => changed.some((file) => name === file || name.startsWith(`${file}/`));
      writeTree(dotfiles, Object.fromEntries(Object.entries(tree).filter(([name]) => under(name))));
    },
  };
}

/** The example organisation and a robo.yml with HELLO_TASK: what every case starts from. */
function checkoutTree(): Record<string, string> {
  return { ...exampleTree(), 'robo.yml': HELLO_TASK };
}

/** Write the case's files over root/dotfiles, and its outside files to root/outside. */
function applyCase(root: string, testCase: Pick<HostileCase, 'files' | 'outside'>): void {
  const dotfiles = path.join(root, 'dotfiles');
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
}
