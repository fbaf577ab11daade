/**
 * Cross-process locks: runs on the same config take turns, and so do updates
 * of one cached clone and writes of robo's record of backups.
 *
 * A lock is a small file, `<name>.lock`, created exclusively, that names its
 * holder: host, pid, the process's start time (Linux: so that a reused pid is
 * not taken for the holder) and a random token; the holder refreshes its
 * mtime every STALE_MS / 2. A lock is held only while its holder is alive:
 * - a holder on this host, if its pid still runs a process started when the
 *   lock says: then the lock is held whatever its mtime;
 * - a holder robo cannot check (on another host sharing the home folder; no
 *   start time, as on macOS; a lock robo cannot read, such as an older robo's
 *   lock folder or a half-written file): while its mtime is fresh, within
 *   STALE_MS of this host's clock either way. An mtime ahead of the clock was
 *   set by no live run (clock skew, or a planted lock), so it is not fresh.
 * Any other lock is taken over at once, first of all one whose holder died
 * (SIGKILL, power loss). A live holder is waited for up to WAIT_MS, then
 * robo gives up with a clear message (exit 8) instead of hanging a nightly job.
 *
 * proper-lockfile, used before, judged a lock by its mtime alone, so a lock
 * dated in the future blocked every run until the clock caught up; and it has
 * no room for a holder (a file in its lock folder changes the mtime it watches).
 */
import { closeSync, constants, lstatSync, openSync, readSync, readlinkSync } from 'node:fs';
import { link, lstat, mkdir, open, rename, rm, unlink, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusyError, WriteError, messageOf } from '../errors.js';
import { randomHex, shortName } from './crypto.js';

export interface LockTimes {
  /** A lock whose holder cannot be checked is abandoned when its mtime is further than this from the clock, either way. */
  staleMs: number;
  /** How long to wait for a live holder before giving up. */
  waitMs: number;
}

const STALE_MS = 2_000;
const WAIT_MS = 60_000;

/**
 * ROBO_LOCK_WAIT_MS (whole milliseconds) replaces WAIT_MS. It is for tests,
 * which show that a live holder makes a run give up without waiting a
 * minute; it is not a user setting and the README does not list it.
 */
function lockTimes(): LockTimes {
  const wait = process.env.ROBO_LOCK_WAIT_MS;
  return { staleMs: STALE_MS, waitMs: wait !== undefined && /^\d{1,9}$/.test(wait) ? Number(wait) : WAIT_MS };
}

export interface Lock {
  release(): Promise<void>;
  /** Set when the lock is no longer this run's (another run took it over): checked when read. */
  readonly compromised: Error | undefined;
}

/** The lock file for a resource, kept under robo's cache so nothing is added beside the config. */
export function lockPath(cacheDir: string, kind: 'target' | 'source', key: string): string {
  return path.join(cacheDir, 'locks', `${kind}-${shortName(key)}`);
}

/** What a lock file says of its holder. */
interface Holder {
  host: string;
  pid: number;
  /** The process's start time where the system tells it (Linux), else null. */
  start: string | null;
  token: string;
}

export async function acquireLock(file: string, what: string, times: LockTimes = lockTimes()): Promise<Lock> {
  const lockFile = `${file}.lock`;
  const holder: Holder = { host: hostId(), pid: process.pid, start: processStart(process.pid), token: randomHex(16) };
  let taken: boolean;
  try {
    await mkdir(path.dirname(lockFile), { recursive: true });
    taken = await takeTurn(lockFile, holder, times);
  } catch (error) {
    throw new WriteError(`cannot lock ${what} (${lockFile}): ${messageOf(error)}`, { cause: error });
  }
  if (!taken) throw new BusyError(`another robo run has held the lock on ${what} for over ${times.waitMs / 1000} s (${lockFile}); try again later`);
  return heldLock(lockFile, holder.token, times.staleMs);
}

export async function withLock<T>(file: string, what: string, work: (lock: Lock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, what);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}

/** Create the lock, taking over an abandoned one; wait while a live run holds it. False when the wait ran out. */
async function takeTurn(lockFile: string, holder: Holder, times: LockTimes): Promise<boolean> {
  const deadline = Date.now() + times.waitMs;
  let pause = 20;
  // A lock that vanished or was taken over is tried again at once, but not
  // forever in a row: something that keeps planting locks still meets the deadline.
  let atOnce = 0;
  for (;;) {
    if (await create(lockFile, holder)) return true;
    const seen = inspect(lockFile, times.staleMs);
    if (seen?.abandoned) await takeIf(lockFile, (taken) => taken.ino === seen.ino && taken.mtimeMs === seen.mtimeMs && taken.token === seen.token);
    if ((seen === undefined || seen.abandoned) && (atOnce += 1) < 100) continue;
    atOnce = 0;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(left, pause * (0.5 + Math.random())));
    pause = Math.min(pause * 1.5, 200);
  }
}

/** The lock file, with its holder in it; false when something is already at its name. */
async function create(lockFile: string, holder: Holder): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } catch (error) {
    await handle.close();
    await unlink(lockFile).catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

interface Seen {
  ino: number;
  mtimeMs: number;
  /** The holder's token; undefined for a lock robo cannot read. */
  token: string | undefined;
  abandoned: boolean;
}

/** What is at the lock's name, and whether a live run holds it; undefined when nothing is. */
function inspect(lockFile: string, staleMs: number): Seen | undefined {
  const info = lstatSync(lockFile, { throwIfNoEntry: false });
  if (!info) return undefined;
  // Not a file (a symlink, an older robo's lock folder): no holder, judged by its mtime.
  const holder = info.isFile() ? readHolder(lockFile) : undefined;
  return { ino: info.ino, mtimeMs: info.mtimeMs, token: holder?.token, abandoned: !held(holder, info.mtimeMs, staleMs) };
}

function held(holder: Holder | undefined, mtimeMs: number, staleMs: number): boolean {
  const fresh = Math.abs(Date.now() - mtimeMs) <= staleMs;
  if (holder === undefined || holder.host !== hostId()) return fresh; // only the mtime tells
  if (!holderAlive(holder)) return false;
  // Without a start time the pid may have been reused: then the mtime must agree.
  return holder.start !== null || fresh;
}

/** The holder a lock file names; undefined for anything robo did not write whole. */
function readHolder(lockFile: string): Holder | undefined {
  let text: string;
  try {
    text = readHead(lockFile, 1024);
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    const valid =
      typeof value.host === 'string' &&
      Number.isSafeInteger(value.pid) &&
      value.pid! > 0 &&
      (value.start === null || typeof value.start === 'string') &&
      typeof value.token === 'string';
    return valid ? (value as Holder) : undefined;
  } catch {
    return undefined;
  }
}

/** The first `bytes` of a file, never through a link, never hanging on a fifo. */
function readHead(file: string, bytes: number): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Move the lock aside and keep it removed only if it is what `expected`
 * says; else put it back. Two runs that judged one lock abandoned cannot
 * both remove it: the second finds another lock in its hands, and returns it.
 */
async function takeIf(lockFile: string, expected: (taken: Seen) => boolean): Promise<void> {
  const aside = `${lockFile}.${randomHex(8)}.taken`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const taken = inspect(aside, Infinity);
  if (taken && !expected(taken)) {
    const info = await lstat(aside);
    // A run's lock (a file) goes back by link, which fails if a new lock is there already.
    await (info.isFile() ? link(aside, lockFile) : rename(aside, lockFile)).catch(() => {});
  }
  await rm(aside, { recursive: true, force: true });
}

function heldLock(lockFile: string, token: string, staleMs: number): Lock {
  let lost: Error | undefined;
  let released = false;
  const stillOurs = (): boolean => {
    if (!lost && !released && readHolder(lockFile)?.token !== token) lost = new Error(`another run took over ${lockFile}`);
    return lost === undefined;
  };
  const refresh = setInterval(() => {
    if (!stillOurs()) return clearInterval(refresh);
    const now = new Date();
    utimes(lockFile, now, now).catch(() => {});
  }, staleMs / 2);
  refresh.unref(); // a held lock never keeps robo running
  return {
    get compromised() {
      stillOurs();
      return lost;
    },
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(refresh);
      if (readHolder(lockFile)?.token !== token) return; // taken over meanwhile: not ours to remove
      await takeIf(lockFile, (taken) => taken.token === token).catch(() => {
        // Already taken over or removed: nothing left to release.
      });
    },
  };
}

let thisHost: string | undefined;
/** This host as process ids see it: its name and, on Linux, the pid namespace (containers may share a name). */
function hostId(): string {
  if (thisHost === undefined) {
    let namespace = '';
    try {
      namespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      // Not Linux: the name alone.
    }
    thisHost = namespace ? `${os.hostname()} ${namespace}` : os.hostname();
  }
  return thisHost;
}

/** When a process started, as Linux tells it (field 22 of /proc/PID/stat, ticks since boot); null elsewhere. */
function processStart(pid: number): string | null {
  try {
    const stat = readHead(`/proc/${pid}/stat`, 1024);
    // Fields after the command name, which is in parentheses and may hold spaces; the first is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function holderAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: a process of another user has that pid; its start time tells below.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return holder.start === null || processStart(holder.pid) === holder.start;
}
