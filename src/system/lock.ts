/**
 * Cross-process locks (proper-lockfile) on the config, each cached clone and
 * the backup record. A dead holder's lock goes stale after STALE_MS, one dated
 * ahead of the clock is removed at once; a live holder is waited for up to
 * WAIT_MS, then exit 8 rather than a hung nightly job.
 */
import { lstat, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusyError, WriteError, messageOf } from '../errors.js';
import { sha256 } from './crypto.js';
import { testLog } from './test-log.js';

type Lockfile = typeof import('proper-lockfile');

export interface LockTimes {
  /** A lock whose mtime is older than this, or further ahead of the clock, is held by no live run. proper-lockfile's minimum is 2 s. */
  staleMs: number;
  /** How long to wait for a live holder before giving up. */
  waitMs: number;
}

const STALE_MS = 2_000;
const WAIT_MS = 60_000;

/**
 * ROBO_LOCK_WAIT_MS (whole milliseconds) replaces WAIT_MS. It is for tests,
 * which show that a live holder makes a run give up without waiting a
 * minute; it is not a user setting and the docs do not list it.
 */
function lockTimes(): LockTimes {
  const wait = process.env.ROBO_LOCK_WAIT_MS;
  return { staleMs: STALE_MS, waitMs: wait !== undefined && /^\d{1,9}$/.test(wait) ? Number(wait) : WAIT_MS };
}

export interface Lock {
  release(): Promise<void>;
  /** Set when the lock was lost while held (its mtime was changed by another run, or the event loop stalled past staleMs). */
  readonly compromised: Error | undefined;
}

/**
 * The lock file for a resource, kept under robo's cache so nothing is added beside the config,
 * named by 64 bits of the key's sha256: two keys sharing a name would only make their runs take turns.
 */
export function lockPath(cacheDir: string, kind: 'target' | 'source', key: string): string {
  return path.join(cacheDir, 'locks', `${kind}-${sha256(key).slice(0, 16)}`);
}

export async function acquireLock(file: string, what: string, times: LockTimes = lockTimes()): Promise<Lock> {
  const lockDir = `${file}.lock`;
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const { default: lockfile } = await import('proper-lockfile');
    const deadline = Date.now() + times.waitMs;
    let pause = 20;
    // proper-lockfile tries once (retries: 0); the waiting is done here, so
    // that a lock dated ahead of the clock is looked at between tries.
    for (;;) {
      try {
        release = await lockfile.lock(file, {
          realpath: false,
          stale: times.staleMs,
          retries: 0,
          onCompromised: (error) => (compromised = error),
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      }
      if (await removedAheadOfClock(lockfile, file, lockDir, times.staleMs)) continue;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new BusyError(
          `another robo run has held the lock on ${what} for over ${times.waitMs / 1000} s (${lockDir}); try again later`,
        );
      if (pause === 20) testLog(`waiting for the lock on ${what}`); // test only: the wait has begun
      await sleep(Math.min(left, pause * (0.5 + Math.random())));
      pause = Math.min(pause * 1.5, 200);
    }
  } catch (error) {
    if (error instanceof BusyError) throw error;
    throw new WriteError(`cannot lock ${what} (${lockDir}): ${messageOf(error)}`, { cause: error });
  }
  let released = false;
  return {
    get compromised() {
      return compromised;
    },
    release: async () => {
      if (released) return;
      released = true;
      await release().catch(() => {
        // Already taken over or removed: nothing left to release.
      });
    },
  };
}

export async function withLock<T>(file: string, what: string, work: (lock: Lock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, what);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}

/**
 * Remove a lock whose mtime is further ahead of the clock than staleMs: no
 * live run on this host set it (a holder refreshes it to its own "now").
 * Judging and removing happen under a second, short lock (`<file>.ahead`):
 * two runs that saw the same lock dated ahead would otherwise both remove
 * it, the second one the lock the first had just taken in its place.
 */
async function removedAheadOfClock(
  lockfile: Lockfile,
  file: string,
  lockDir: string,
  staleMs: number,
): Promise<boolean> {
  if (!(await aheadOfClock(lockDir, staleMs))) return false;
  const guard = `${file}.ahead`;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(guard, { realpath: false, stale: staleMs, retries: 0, onCompromised: () => {} });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    // Another run is judging it now. A guard that is itself dated ahead (it
    // is held for a moment only) is removed, so it cannot block either.
    if (await aheadOfClock(`${guard}.lock`, staleMs)) await rm(`${guard}.lock`, { recursive: true, force: true });
    return false;
  }
  try {
    if (!(await aheadOfClock(lockDir, staleMs))) return false;
    await rm(lockDir, { recursive: true, force: true });
    return true;
  } finally {
    await release().catch(() => {});
  }
}

async function aheadOfClock(lockDir: string, staleMs: number): Promise<boolean> {
  const seen = await lstat(lockDir).catch(() => undefined);
  return seen !== undefined && seen.mtimeMs > Date.now() + staleMs;
}
