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
    // One process per worker for all its files, not a new one per file: starting a fork and
    // loading src again was a second or more per file (CPU of the unit files 53 s -> 32 s).
    // Tests share a process already (runRobo runs robo in it, and fails a run that leaks).
    isolate: false,
    // One file per core: vitest's default (cores - 1) ran one file at a time on 2 cores,
    // while much of an e2e file's time is spent waiting for git.
    maxWorkers: os.availableParallelism(),
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
