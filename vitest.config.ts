import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests run git (and a few the built CLI); give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // forks, not threads: robo runs in-process in most tests (test/helpers/robo.ts) and asks
    // whether fd 0-2 are terminals; a fork's are pipes, a thread's are the shell's.
    pool: 'forks',
    // One file per core: vitest's default (cores - 1) ran one file at a time on 2 cores,
    // while much of an e2e file's time is spent waiting for git.
    maxWorkers: os.availableParallelism(),
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
