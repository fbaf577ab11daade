/**
 * Every hostile or broken definition in the corpus (fixtures/hostile.ts):
 * exit code as documented, a message naming the file and the field, no stack
 * trace, and the target, the backup dir and the cache byte-identical (and a
 * robo.yml task that was refused did not run: it would write to HOME).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { exampleTree, writeTree } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { hostileCases } from './fixtures/hostile.js';

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.cleanup();
});

describe('hostile definitions', () => {
  it('the corpus has at least 40 rules', () => {
    expect(new Set(hostileCases.map((testCase) => testCase.rule)).size).toBeGreaterThanOrEqual(40);
  });

  it.each(hostileCases)(
    '$rule',
    async ({ files = {}, outside = {}, team = 'platform', run = 'aws.config', code, messages, absent = [] }) => {
      const box = makeSandbox({ SEGMENT_TEAM: team });
      sandboxes.push(box);
      const dotfiles = path.join(box.root, 'dotfiles');
      writeTree(dotfiles, { ...exampleTree(), 'robo.yml': 'hello:\n  command: touch "$HOME/ran"\n' });
      writeTree(path.join(box.root, 'outside'), outside);
      for (const [file, change] of Object.entries(files)) {
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
      // A config with the user's own content, an old backup and a cache folder, all of which must stay as they are.
      mkdirSync(path.dirname(box.awsConfig), { recursive: true });
      writeFileSync(box.awsConfig, '[default]\nregion = eu-north-1\n');
      mkdirSync(box.backupDir, { recursive: true });
      writeFileSync(path.join(box.backupDir, 'awsconfig-00000000000000000000000000000000'), '[default]\n');
      mkdirSync(box.cacheDir, { recursive: true });
      writeFileSync(path.join(box.cacheDir, 'keep'), 'x');
      const before = [treeState(box.home), treeState(box.backupDir)];

      const result =
        run === 'aws.config'
          ? await runRobo(['aws.config', '--repo', dotfiles], { env: box.env })
          : await runRobo(['hello'], { env: { ...box.env, ROBO_DOTFILES_REPO: dotfiles } });
      expect(result.code, result.stderr).toBe(code);
      for (const text of absent) expect(result.stdout + result.stderr).not.toContain(text);
      for (const message of messages) {
        if (typeof message === 'string') expect(result.stderr).toContain(message);
        else expect(result.stderr).toMatch(message);
      }
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).not.toContain('successfully updated');
      expect([treeState(box.home), treeState(box.backupDir)]).toEqual(before);
    },
  );
});
