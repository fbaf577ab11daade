/**
 * Cross-process locks (proper-lockfile: an atomic mkdir plus an mtime the
 * holder refreshes every second). Runs on the same config, and updates of the
 * same cached clone, take turns. A lock whose holder died (SIGKILL, power
 * loss) stops being refreshed and is taken over after STALE_MS; a live holder
 * is waited for up to WAIT_MS, then robo gives up with a clear message
 * instead of hanging a nightly job.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BusyError, WriteError, messageOf } from '../errors.js';
import { shortName } from './crypto.js';

const STALE_MS = 2_000; // proper-lockfile's minimum
const WAIT_MS = 60_000;

export interface Lock {
  release(): Promise<void>;
  /** Set when the lock was lost while held (the event loop stalled past STALE_MS). */
  readonly compromised: Error | undefined;
}

/** The lock file for a resource, kept under robo's cache so nothing is added beside the config. */
export function lockPath(cacheDir: string, kind: 'target' | 'source', key: string): string {
  return path.join(cacheDir, 'locks', `${kind}-${shortName(key)}`);
}

/** proper-lockfile, loaded on first use: runs that need no lock skip it (and preloadLock can start it early). */
const loadLockfile = () => import('proper-lockfile');
export const preloadLock = (): Promise<unknown> => loadLockfile();

export async function acquireLock(file: string, what: string): Promise<Lock> {
  await mkdir(path.dirname(file), { recursive: true });
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    const { default: lockfile } = await loadLockfile();
    release = await lockfile.lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: Math.ceil(WAIT_MS / 200), minTimeout: 20, maxTimeout: 200, factor: 1.3, randomize: true },
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new BusyError(`another robo run has held the lock on ${what} for over ${WAIT_MS / 1000} s (${file}.lock); try again later`);
    }
    throw new WriteError(`cannot lock ${what} (${file}.lock): ${messageOf(error)}`, { cause: error });
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
