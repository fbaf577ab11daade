/**
 * The nightly log: one line per run, appended by the run itself (an empty log:
 * the job never ran), e.g. `2026-03-02T02:17:43Z platform 3f2c9d1e0a7b changed`
 * (time in UTC, team, commit, result). Formatting and parsing are pure.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { readIfExists } from '../system/fs.js';
import path from 'node:path';
import { WriteError, messageOf } from '../errors.js';
import { TEAM_NAME } from '../definitions/model.js';
import { visible } from '../ui.js';

export type RunResult = 'changed' | 'unchanged' | 'offline' | 'failed';

export interface LogEntry {
  time: Date;
  team: string | undefined;
  commit: string | undefined;
  result: RunResult;
  /** offline: since when the source has not been reached (see offlineSince). */
  since?: Date;
  /** offline: the threshold it is over, as "7d", when it is. */
  overThreshold?: string;
  /** offline and failed: why, in one line. */
  reason?: string;
}

/** 2026-03-02T02:17:43Z: seconds are enough, and the line stays short. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reasons longer than this are cut: a line per night, not a report (robo aws.config shows it all). */
const REASON_LIMIT = 600;

/** One line of text from a message that may hold line breaks and terminal escapes (from git, or the repo). */
export function oneLine(text: string): string {
  const line = visible(text.replace(/\s*[\r\n]+\s*/g, '; ').replace(/\t/g, ' ')).trim();
  return line.length > REASON_LIMIT ? `${line.slice(0, REASON_LIMIT - 1)}…` : line;
}

export function formatLogLine(entry: LogEntry): string {
  // A team from $SEGMENT_TEAM may be anything; only a team name keeps the line's fields apart.
  const team = entry.team !== undefined && TEAM_NAME.test(entry.team) ? entry.team : '-';
  const head = `${isoSeconds(entry.time)} ${team} ${entry.commit?.slice(0, 12) ?? '-'}`;
  switch (entry.result) {
    case 'changed':
    case 'unchanged':
      return `${head} ${entry.result}`;
    case 'offline': {
      const over = entry.overThreshold ? ` (over max_offline ${entry.overThreshold})` : '';
      return `${head} offline since ${isoSeconds(entry.since ?? entry.time)}${over}${entry.reason ? `: ${oneLine(entry.reason)}` : ''}`;
    }
    case 'failed':
      return `${head} failed: ${oneLine(entry.reason ?? 'unknown reason')}`;
  }
}

const LINE =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) (\S+) (\S+) (changed|unchanged|offline since (\S+?Z)(?: \(over max_offline (\w+)\))?(?:: (.*))?|failed: (.*))$/;

/** A line robo wrote, read back; undefined for anything else (what the scheduler caught, say). */
export function parseLogLine(line: string): LogEntry | undefined {
  const match = LINE.exec(line.trimEnd());
  if (!match) return undefined;
  const [, time, team, commit, result, since, over, offlineReason, failedReason] = match;
  const entry: LogEntry = {
    time: new Date(time!),
    team: team === '-' ? undefined : team,
    commit: commit === '-' ? undefined : commit,
    result:
      result === 'changed' || result === 'unchanged' ? result : result!.startsWith('offline') ? 'offline' : 'failed',
  };
  if (entry.result === 'offline')
    return {
      ...entry,
      since: new Date(since!),
      ...(over ? { overThreshold: over } : {}),
      ...(offlineReason ? { reason: offlineReason } : {}),
    };
  if (entry.result === 'failed') return { ...entry, reason: failedReason };
  return entry;
}

export interface LogSummary {
  /** Every line robo wrote, oldest first. */
  entries: LogEntry[];
  /** Lines after the last of robo's: what the scheduler caught from a run that did not get to write its line. */
  trailing: string[];
}

export function readLogText(text: string): LogSummary {
  const entries: LogEntry[] = [];
  let trailing: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseLogLine(line);
    if (entry) {
      entries.push(entry);
      trailing = [];
    } else trailing.push(line);
  }
  return { entries, trailing };
}

/** The log, read; empty when there is none yet. */
export async function readLog(file: string): Promise<LogSummary> {
  const text = await readIfExists(
    file,
    'utf8',
    (error) => new WriteError(`cannot read the nightly log ${file}: ${messageOf(error)}`, { cause: error }),
  );
  return readLogText(text ?? '');
}

/** Append one line (O_APPEND: runs at the same time never mix their lines); the log may hold URLs, so 0600. */
export async function appendLogLine(file: string, line: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, `${line}\n`, { mode: 0o600 });
  } catch (error) {
    throw new WriteError(`cannot write the nightly log ${file}: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Since when the source has been out of reach, as far as robo knows: the last
 * logged run that reached it at the cached clone's commit, else that commit's
 * own date. A clone current last night is one night stale, however old its commit.
 */
export function offlineSince(entries: readonly LogEntry[], commit: string | undefined, commitDate: Date): Date {
  const reached = entries
    .filter(
      (entry) =>
        (entry.result === 'changed' || entry.result === 'unchanged') &&
        entry.commit !== undefined &&
        commit?.startsWith(entry.commit),
    )
    .map((entry) => entry.time.getTime());
  return new Date(Math.max(commitDate.getTime(), ...reached));
}
