/**
 * Locks: a lock that no live run holds never blocks; a live holder is waited
 * for, then robo gives up with exit 8. Times are injected (acquireLock's
 * times, ROBO_LOCK_WAIT_MS for a run of robo), so nothing here sleeps: a wait of
 * 0 ms means "only at once". A holder that died is shown by its lock's mtime
 * set back past the stale time, which is what waiting for it would give.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { lutimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BusyError } from '../src/errors.js';
import { acquireLock, lockPath, type LockTimes } from '../src/system/lock.js';
import { treeState } from './helpers/files.js';
import { holdLockInChild, type LockHolder } from './helpers/lock-holder.js';
import { projectRoot, runRobo, runRoboBinary } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';
import { loggedSteps, testLogFile } from './helpers/test-log.js';

const sandbox = sandboxes();
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');
/** Take the lock only if no wait is needed. */
const AT_ONCE: LockTimes = { staleMs: 2_000, waitMs: 0 };
const HOUR_AHEAD = new Date(Date.now() + 3_600_000);
/** Further back than the stale time: a holder that died this long ago. */
const TEN_SECONDS_AGO = () => new Date(Date.now() - 10_000);

const holders: LockHolder[] = [];
afterEach(async () => {
  for (const holder of holders.splice(0)) await holder.kill();
});

async function holder(file: string, box: Sandbox): Promise<LockHolder> {
  const started = await holdLockInChild(file, box.root);
  holders.push(started);
  return started;
}

/** A lock file left by a process that held it and was killed (SIGKILL: no clean-up). */
async function deadHoldersLock(file: string, box: Sandbox): Promise<string> {
  const child = await holder(file, box);
  await child.kill();
  expect(existsSync(`${file}.lock`)).toBe(true);
  return `${file}.lock`;
}

describe('a lock that no live run holds never blocks', () => {
  const cases: Array<[string, (file: string, box: Sandbox) => Promise<unknown>]> = [
    [
      "a lock folder dated an hour ahead (the review's case)",
      async (file) => {
        mkdirSync(`${file}.lock`);
        utimesSync(`${file}.lock`, HOUR_AHEAD, HOUR_AHEAD);
      },
    ],
    [
      'a dead holder, lock dated an hour ahead',
      async (file, box) => {
        const lock = await deadHoldersLock(file, box);
        utimesSync(lock, HOUR_AHEAD, HOUR_AHEAD);
      },
    ],
    [
      'a dead holder, its last refresh older than the stale time',
      async (file, box) => {
        const lock = await deadHoldersLock(file, box);
        utimesSync(lock, TEN_SECONDS_AGO(), TEN_SECONDS_AGO());
      },
    ],
    [
      'a file at the lock name, dated an hour ahead',
      async (file) => {
        writeFileSync(`${file}.lock`, '');
        utimesSync(`${file}.lock`, HOUR_AHEAD, HOUR_AHEAD);
      },
    ],
    [
      'a symlink at the lock name, dated an hour ahead',
      async (file) => {
        symlinkSync('/nonexistent', `${file}.lock`);
        await lutimes(`${file}.lock`, HOUR_AHEAD, HOUR_AHEAD);
      },
    ],
  ];
  it.each(cases)('%s: taken over at once', async (_name, plant) => {
    const box = sandbox();
    const file = path.join(box.root, 'locks', 'target-x');
    mkdirSync(path.dirname(file));
    await plant(file, box);
    const lock = await acquireLock(file, 'the test', AT_ONCE);
    expect(lock.compromised).toBeUndefined();
    await lock.release();
    // Nothing left: not the lock, not what was taken over.
    expect(treeState(path.dirname(file))).toEqual({});
  });

  it('the robo binary does not wait for a lock folder dated an hour ahead', async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, '[default]\nregion = eu-north-1\n');
    const lock = `${lockPath(box.cacheDir, 'target', realpathSync(box.awsConfig))}.lock`;
    mkdirSync(lock, { recursive: true });
    utimesSync(lock, HOUR_AHEAD, HOUR_AHEAD);
    const result = await runRoboBinary(['aws.config', '--team', 'platform'], {
      env: { ...box.env, ROBO_LOCK_WAIT_MS: '0' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(`${snapshot('platform')}[default]\nregion = eu-north-1\n`);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('a live holder', () => {
  it('in another process makes a run wait, then give up with exit 8; once it is dead, its lock is taken', async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, '[default]\nregion = eu-north-1\n');
    const file = lockPath(box.cacheDir, 'target', realpathSync(box.awsConfig));
    const child = await holder(file, box);

    await expect(acquireLock(file, 'the test', { staleMs: 2_000, waitMs: 150 })).rejects.toThrow(BusyError);
    const log = testLogFile(box.root);
    const notLog = (rel: string) => !rel.startsWith(path.basename(path.dirname(log)));
    const before = treeState(box.root, notLog);
    const busy = await runRobo(['aws.config', '--team', 'platform'], {
      env: { ...box.env, ROBO_LOCK_WAIT_MS: '300', ROBO_TEST_LOG: log },
    });
    expect(busy.code).toBe(8);
    expect(busy.stderr).toContain(
      `another robo run has held the lock on ${box.awsConfig} for over 0.3 s (${file}.lock); try again later`,
    );
    expect(treeState(box.root, notLog)).toEqual(before);
    // The test-only log says when the wait began, once: what a test waits for instead of sleeping.
    expect(loggedSteps(log)).toEqual([`waiting for the lock on ${box.awsConfig}`]);

    await child.kill();
    utimesSync(`${file}.lock`, TEN_SECONDS_AGO(), TEN_SECONDS_AGO());
    const after = await runRobo(['aws.config', '--team', 'platform'], {
      env: { ...box.env, ROBO_LOCK_WAIT_MS: '0' },
    });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(`${snapshot('platform')}[default]\nregion = eu-north-1\n`);
  });

  it('a fresh lock (a run that has just taken it) is waited for', async () => {
    const box = sandbox();
    const file = path.join(box.root, 'target-x');
    mkdirSync(`${file}.lock`);
    await expect(acquireLock(file, 'the test', AT_ONCE)).rejects.toMatchObject({ exitCode: 8 });
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it('in this process: runs take turns, and only one of many takes over a lock dated ahead', async () => {
    const box = sandbox();
    const file = path.join(box.root, 'target-x');
    mkdirSync(`${file}.lock`);
    utimesSync(`${file}.lock`, HOUR_AHEAD, HOUR_AHEAD);
    let inside = 0;
    const entered: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        const lock = await acquireLock(file, 'the test', { staleMs: 2_000, waitMs: 20_000 });
        try {
          inside += 1;
          entered.push(inside);
          await new Promise((resolve) => setImmediate(resolve));
          await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
          return index;
        } finally {
          await lock.release();
        }
      }),
    );
    expect(entered).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
