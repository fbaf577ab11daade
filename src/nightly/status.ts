/**
 * `robo nightly status`: where robo's job is installed, for which team, what
 * its last run did (from the log) and when the next one is (systemd says;
 * for launchd and cron it is computed from the time installed).
 */
import { SCHEDULERS, UNIT, logFileFor, nextDaily, parseSystemdTimestamp, type SchedulerName } from './job.js';
import { readLog, type LogEntry } from './log.js';
import { SCHEDULER_BY_NAME, type Installed } from './schedulers.js';
import { context, defaultScheduler } from './install.js';
import { runTool, systemdUsable } from './system.js';

export interface NextRun {
  /** The time, when it is known exactly. */
  at?: Date;
  /** systemd without an answer: a window (01:00 plus up to 4h). */
  earliest?: Date;
  latest?: Date;
  /** Who said so. */
  from: 'systemctl' | 'computed';
}

export interface NightlyStatus {
  /** Where robo's job is installed (normally one scheduler; more after hand edits or an old robo). */
  installed: Installed[];
  /** The scheduler installed, else the one `robo nightly install` would pick. */
  scheduler: SchedulerName | undefined;
  logFile: string | undefined;
  lastRun: LogEntry | undefined;
  /** Output after the last line robo wrote: a run that could not write its own (node missing, a crash). */
  trailing: string[];
  nextRun: NextRun | undefined;
}

export async function nightlyStatus(options: { env: NodeJS.ProcessEnv; now: Date }): Promise<NightlyStatus> {
  const ctx = context(options.env, true);
  const found = await Promise.all(SCHEDULERS.map((name) => SCHEDULER_BY_NAME[name].inspect(ctx)));
  const installed = found.filter((entry): entry is Installed => entry !== undefined);
  const scheduler = installed[0]?.scheduler ?? (await defaultScheduler(options.env));
  const logFile = scheduler && logFileFor(scheduler, ctx.paths);
  const log = logFile ? await readLog(logFile) : { entries: [], trailing: [] };
  return {
    installed,
    scheduler,
    logFile,
    lastRun: log.entries.at(-1),
    trailing: log.trailing,
    nextRun: installed[0] ? await nextRun(installed[0], options.env, options.now) : undefined,
  };
}

async function nextRun(installed: Installed, env: NodeJS.ProcessEnv, now: Date): Promise<NextRun | undefined> {
  if (installed.scheduler !== 'systemd')
    return installed.time && { at: nextDaily(installed.time, now), from: 'computed' };
  if (await systemdUsable(env)) {
    // TZ=UTC: systemctl prints times in the local zone, by an abbreviation Date cannot read.
    const shown = await runTool(
      'systemctl',
      ['--user', 'show', `${UNIT}.timer`, '--property=NextElapseUSecRealtime', '--value'],
      { ...env, TZ: 'UTC' },
    );
    const at = shown.code === 0 ? parseSystemdTimestamp(shown.stdout) : undefined;
    if (at) return { at, from: 'systemctl' };
  }
  const earliest = nextDaily({ hour: 1, minute: 0 }, now);
  return { earliest, latest: new Date(earliest.getTime() + 4 * 3_600_000), from: 'computed' };
}

/**
 * The team of the nightly job, from the job's own files only (systemd units,
 * launchd plist): no process is started, so aws.config can ask on every run.
 * A cron job is not seen here (that needs `crontab -l`); robo doctor asks it.
 */
export async function nightlyTeamFromFiles(
  env: NodeJS.ProcessEnv,
): Promise<{ team: string | undefined; scheduler: SchedulerName } | undefined> {
  const ctx = context(env, true);
  for (const name of ['systemd', 'launchd'] as const) {
    const installed = await SCHEDULER_BY_NAME[name].inspect(ctx);
    if (installed) return { team: installed.team, scheduler: name };
  }
  return undefined;
}
