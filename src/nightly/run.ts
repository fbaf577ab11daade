/**
 * `robo nightly run`, what the job runs: aws.config for the team, then one log
 * line (log.ts). Non-zero exit when the scheduler should record a failure: one
 * that will not pass by itself (the run's own exit code), or a cached clone used
 * for longer than [nightly] max_offline (exit 4), so a stale config is seen.
 */
import path from 'node:path';
import { ExitCode, RoboError, UsageError, messageOf } from '../errors.js';
import { resolvePaths } from '../paths.js';
import type { Settings } from '../settings.js';
import { LOG_VARIABLE, logFileFor } from './job.js';
import { appendLogLine, formatLogLine, offlineSince, readLog, type LogEntry } from './log.js';
import { formatDuration } from '../duration.js';

export interface NightlyRunOptions {
  /** --team; else $SEGMENT_TEAM (the job sets it), else the settings. */
  team: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
}

export interface NightlyRunResult {
  entry: LogEntry;
  line: string;
  logFile: string;
  /** 0, or the code the job exits with. */
  exitCode: number;
  /** What failed, for a person at a terminal (the log has its first line). */
  error: Error | undefined;
}

/** The log the run appends to: the job's $ROBO_NIGHTLY_LOG, else where install would put it on this system. */
export function runLogFile(env: NodeJS.ProcessEnv): string {
  const given = env[LOG_VARIABLE];
  if (given && path.isAbsolute(given)) return given;
  return logFileFor(process.platform === 'darwin' ? 'launchd' : 'cron', resolvePaths(env));
}

export async function nightlyRun(options: NightlyRunOptions): Promise<NightlyRunResult> {
  const logFile = runLogFile(options.env);
  const history = await readLog(logFile).catch(() => ({ entries: [] as LogEntry[] }));
  const outcome = await refresh(options, history.entries);
  const line = formatLogLine(outcome.entry);
  await appendLogLine(logFile, line);
  return { ...outcome, line, logFile };
}

async function refresh(
  options: NightlyRunOptions,
  history: readonly LogEntry[],
): Promise<{ entry: LogEntry; exitCode: number; error: Error | undefined }> {
  let team: string | undefined;
  let settings: Settings | undefined;
  try {
    const [{ loadSettings }, { chooseTeam }, { syncAwsConfig }] = await Promise.all([
      import('../settings.js'),
      import('../team-places.js'),
      import('../aws-config/sync.js'),
    ]);
    settings = await loadSettings(options.env);
    const chosen = chooseTeam(options.team, options.env, settings);
    team = chosen.team;
    if (!options.env.ROBO_DOTFILES_REPO && !settings.dotfiles.repo) {
      throw new UsageError(
        `no dotfiles source configured (repo in ${settings.file} or $ROBO_DOTFILES_REPO): run robo onboard --repo URL`,
      );
    }
    const result = await syncAwsConfig({ ...chosen, settings, env: options.env, cwd: options.cwd });
    const now = options.now();
    const base = { time: now, team: result.team, commit: result.source.commit };
    const { offline } = result.source;
    if (!offline)
      return {
        entry: { ...base, result: result.changed ? 'changed' : 'unchanged' },
        exitCode: ExitCode.ok,
        error: undefined,
      };
    const since = offlineSince(history, result.source.commit, offline.commitDate);
    const stale = now.getTime() - since.getTime() > settings.nightly.maxOfflineMs;
    const entry: LogEntry = {
      ...base,
      result: 'offline',
      since,
      reason: offline.reason,
      ...(stale ? { overThreshold: formatDuration(settings.nightly.maxOfflineMs) } : {}),
    };
    return { entry, exitCode: stale ? ExitCode.sourceUnreachable : ExitCode.ok, error: undefined };
  } catch (error) {
    const known = error instanceof RoboError;
    const reason = known ? [error.message, ...error.details].join('; ') : `internal error: ${messageOf(error)}`;
    const entry: LogEntry = { time: options.now(), team, commit: undefined, result: 'failed', reason };
    return {
      entry,
      exitCode: known ? error.exitCode : ExitCode.internal,
      error: error instanceof Error ? error : new Error(messageOf(error)),
    };
  }
}
