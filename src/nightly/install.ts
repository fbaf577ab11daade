/**
 * `robo nightly install` and `uninstall`: pick the scheduler, make the job,
 * and have schedulers.ts write it; one job at a time, so installing with
 * one scheduler removes robo's job from the others. Returns what was done;
 * prints nothing.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { resolvePaths } from '../paths.js';
import type { Settings } from '../settings.js';
import { checkTeamName } from '../team-places.js';
import { CRON_LINE_LIMIT, renderCronLine } from './render.js';
import { SCHEDULER_BY_NAME, type Action, type Context } from './schedulers.js';
import {
  SCHEDULERS,
  jobPath,
  logFileFor,
  makeJob,
  pickTime,
  seededRandom,
  type SchedulerName,
  type TimeOfDay,
} from './job.js';
import { findOnPath, systemdUsable } from './system.js';

/** What the environment decides: ROBO_SCHEDULER, ROBO_NIGHTLY_NO_ACTIVATE, ROBO_NIGHTLY_SEED. */
export function context(env: NodeJS.ProcessEnv, dryRun: boolean): Context {
  return {
    env,
    paths: resolvePaths(env),
    activate: !dryRun && env.ROBO_NIGHTLY_NO_ACTIVATE !== '1',
    dryRun,
    actions: [],
  };
}

/** --scheduler, else $ROBO_SCHEDULER, checked; undefined when neither says. */
export function requestedScheduler(flag: string | undefined, env: NodeJS.ProcessEnv): SchedulerName | undefined {
  const [value, origin] =
    flag !== undefined ? [flag, '--scheduler'] : [env.ROBO_SCHEDULER || undefined, '$ROBO_SCHEDULER'];
  if (value === undefined) return undefined;
  if (!(SCHEDULERS as readonly string[]).includes(value))
    throw new UsageError(`${origin} ${JSON.stringify(value)}: unknown scheduler; use ${SCHEDULERS.join(', ')}`);
  return value as SchedulerName;
}

/** The scheduler install uses when none is asked for: launchd on macOS, systemd where `systemctl --user` works, else cron. */
export async function defaultScheduler(env: NodeJS.ProcessEnv): Promise<SchedulerName | undefined> {
  if (process.platform === 'darwin') return 'launchd';
  if (await systemdUsable(env)) return 'systemd';
  return findOnPath('crontab', env) ? 'cron' : undefined;
}

export interface InstallOptions {
  team: string | undefined;
  /** Where the team came from, for messages. */
  teamOrigin: string;
  scheduler: string | undefined;
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
  settings: Settings;
  /** robo's executable as the job should run it (process.argv[1]). */
  robo: string;
  /** Pass $ROBO_DOTFILES_REPO and $ROBO_DOTFILES_REF on to the job (robo onboard records them in the settings instead). */
  passSource: boolean;
}

export interface InstallResult {
  scheduler: SchedulerName;
  team: string;
  /** Something was written (or, in a dry run, would be). */
  changed: boolean;
  dryRun: boolean;
  actions: Action[];
  /** launchd and cron: when it runs, and whether that is the time an earlier install picked. */
  time: TimeOfDay | undefined;
  keptTime: boolean;
  logFile: string;
  /** Other schedulers robo's job was taken out of. */
  removedFrom: SchedulerName[];
  warnings: string[];
}

export async function installNightly(options: InstallOptions): Promise<InstallResult> {
  const { env, settings } = options;
  const team = options.team;
  if (team === undefined)
    throw new UsageError('no team given: pass --team TEAM, set SEGMENT_TEAM, or record one with robo onboard');
  checkTeamName(team, options.teamOrigin);
  if (!env.ROBO_DOTFILES_REPO && !settings.dotfiles.repo) {
    throw new UsageError(
      'no dotfiles source configured: the job would refresh your config from the example organisation bundled with robo',
      [
        `record your company's dotfiles repo with robo onboard --repo URL (it writes repo in ${settings.file}), or set ROBO_DOTFILES_REPO`,
      ],
    );
  }
  const ctx = context(env, options.dryRun);
  const scheduler = await chooseScheduler(options.scheduler, ctx);

  const installed = await SCHEDULER_BY_NAME[scheduler].inspect(ctx);
  const random = env.ROBO_NIGHTLY_SEED ? seededRandom(seed(env.ROBO_NIGHTLY_SEED)) : Math.random;
  const kept = scheduler === 'systemd' ? undefined : installed?.time;
  const time = kept ?? pickTime(random);
  const node = findOnPath('node', env) ?? process.execPath;
  const git = findOnPath('git', env);
  const logFile = logFileFor(scheduler, ctx.paths);
  const job = makeJob({
    team,
    node,
    robo: path.resolve(options.robo),
    env,
    passSource: options.passSource,
    path: jobPath([path.dirname(node), git && path.dirname(git)]),
    logFile,
    time,
  });

  const removedFrom: SchedulerName[] = [];
  for (const other of SCHEDULERS) {
    if (other !== scheduler && (await SCHEDULER_BY_NAME[other].remove(ctx))) removedFrom.push(other);
  }
  const changed = await SCHEDULER_BY_NAME[scheduler].install(ctx, job);
  if (!options.dryRun) await mkdir(path.dirname(logFile), { recursive: true });
  const warnings: string[] = [];
  const cronLine = scheduler === 'cron' ? renderCronLine(job) : '';
  if (cronLine.length > CRON_LINE_LIMIT) {
    warnings.push(
      `the crontab line is ${cronLine.length} characters long; some cron versions cut lines at 1000: consider --scheduler systemd`,
    );
  }
  return {
    scheduler,
    team,
    changed: changed || removedFrom.length > 0,
    dryRun: options.dryRun,
    actions: ctx.actions,
    time: scheduler === 'systemd' ? undefined : time,
    keptTime: kept !== undefined,
    logFile,
    removedFrom,
    warnings,
  };
}

/**
 * The scheduler to install with: the one asked for (--scheduler,
 * $ROBO_SCHEDULER), else the system's; refused (exit 2) when it cannot work
 * here. Nothing is written yet, so robo onboard asks this first.
 */
export async function chooseScheduler(flag: string | undefined, ctx: Context): Promise<SchedulerName> {
  const scheduler = requestedScheduler(flag, ctx.env) ?? (await defaultScheduler(ctx.env));
  if (scheduler === undefined)
    throw new UsageError(
      'no scheduler found: `systemctl --user` does not work here and crontab is not installed; install cron, or pass --scheduler',
    );
  await checkUsable(scheduler, ctx);
  return scheduler;
}

async function checkUsable(scheduler: SchedulerName, ctx: Context): Promise<void> {
  if (scheduler === 'cron' && !findOnPath('crontab', ctx.env))
    throw new UsageError('crontab is not installed: install cron, or pick another --scheduler');
  if (!ctx.activate) return;
  if (scheduler === 'systemd' && !(await systemdUsable(ctx.env))) {
    throw new UsageError(
      '`systemctl --user` does not work here (no user session bus?): use --scheduler cron, or ROBO_NIGHTLY_NO_ACTIVATE=1 to only write the units',
    );
  }
  if (scheduler === 'launchd' && !findOnPath('launchctl', ctx.env))
    throw new UsageError('launchctl not found: launchd is macOS only; use --scheduler systemd or cron');
}

function seed(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`$ROBO_NIGHTLY_SEED must be a number (got ${JSON.stringify(text)})`);
  return Number(BigInt(text) % 2147483647n);
}

export interface UninstallResult {
  /** The schedulers robo's job was taken out of; empty when there was none. */
  removedFrom: SchedulerName[];
  dryRun: boolean;
  actions: Action[];
}

/** Take robo's job out of the scheduler asked for (--scheduler, $ROBO_SCHEDULER), else out of all three. The log stays. */
export async function uninstallNightly(options: {
  scheduler: string | undefined;
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
}): Promise<UninstallResult> {
  const ctx = context(options.env, options.dryRun);
  const asked = requestedScheduler(options.scheduler, options.env);
  const removedFrom: SchedulerName[] = [];
  for (const name of asked ? [asked] : SCHEDULERS) {
    if (await SCHEDULER_BY_NAME[name].remove(ctx)) removedFrom.push(name);
  }
  return { removedFrom, dryRun: options.dryRun, actions: ctx.actions };
}
