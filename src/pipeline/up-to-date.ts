/**
 * "This config file, as it is now, already holds the block of commit C for
 * team T, with nothing to take out": recorded after a run found exactly
 * that, so later runs on the same commit need not read and plan a
 * 20,000-line file. ($XDG_CACHE_HOME/robo/up-to-date/<team>.)
 *
 * The file is recognised by its stamp (fileStamp: device, inode, size,
 * mtime and ctime in ns; any write changes ctime, which no tool can set
 * back). A stamp is recorded only for a file whose ctime is
 * over 2 s old, whose bytes, read again, are the ones that were planned
 * from, and whose stamp is the same before and after that read: a file
 * changing within one clock tick of the check cannot pass for the one
 * checked. Only an optimisation: anything unexpected means reading the file.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILD_ID } from '../build-id.js';
import { fileStamp } from '../system/target.js';

const SETTLED_NS = 2_000_000_000n;

/** $ROBO_UP_TO_DATE_SETTLE_MS (whole ms) replaces the 2 s: for tests, which would otherwise sleep; not a user setting. */
function settledNs(): bigint {
  const ms = process.env.ROBO_UP_TO_DATE_SETTLE_MS;
  return ms !== undefined && /^\d{1,9}$/.test(ms) ? BigInt(ms) * 1_000_000n : SETTLED_NS;
}

interface UpToDate {
  version: string;
  team: string;
  file: string;
  commit: string;
  stamp: string;
}

function recordFile(cacheDir: string, team: string): string {
  return path.join(cacheDir, 'up-to-date', team);
}

/** The commit whose block `file` held when last found up to date, if it has not changed since. */
export function upToDateCommit(cacheDir: string, team: string, file: string): string | undefined {
  try {
    const record = JSON.parse(readFileSync(recordFile(cacheDir, team), 'utf8')) as Partial<UpToDate>;
    if (
      record.version !== BUILD_ID ||
      record.team !== team ||
      record.file !== file ||
      typeof record.commit !== 'string'
    )
      return undefined;
    return fileStamp(file)?.stamp === record.stamp ? record.commit : undefined;
  } catch {
    return undefined;
  }
}

/** After a run found `file` up to date for `commit`: remember its stamp, if it is safe to (see above). */
export async function recordUpToDate(
  cacheDir: string,
  team: string,
  file: string,
  commit: string,
  planned: Buffer,
): Promise<void> {
  const target = recordFile(cacheDir, team);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    const before = fileStamp(file);
    if (!before || BigInt(Date.now()) * 1_000_000n - before.ctimeNs < settledNs()) return;
    if (!readFileSync(file).equals(planned) || fileStamp(file)?.stamp !== before.stamp) return;
    const text = JSON.stringify({ version: BUILD_ID, team, file, commit, stamp: before.stamp } satisfies UpToDate);
    if (readIfAny(target) === text) return;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, target);
  } catch {
    // Not recorded: the next run reads the file.
  }
}

function readIfAny(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
