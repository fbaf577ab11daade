/**
 * The nightly job, decided at install time: what runs, its environment, its log and when (render.ts writes
 * it for systemd, launchd or cron). launchd and cron get a random time from 01:00 to 04:59, fixed at the
 * first install, so laptops do not hit the git server at once; systemd delays by itself (docs/nightly.md).
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { RoboPaths } from '../paths.js';

export const SCHEDULERS = ['systemd', 'launchd', 'cron'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

/** systemd unit name (robo-aws-config.service and .timer). */
export const UNIT = 'robo-aws-config';
/** launchd label, and the plist's name. */
export const LABEL = 'com.robo.aws-config';
/** The comment that ends robo's crontab line. */
export const CRON_MARKER = '# robo-aws-config nightly';

/** What the job runs after node and robo's executable. */
export const JOB_ARGS = ['nightly', 'run', '--quiet'] as const;

/**
 * Variables robo reads, passed on to the job when set at install time, so it
 * sees the files the installing shell sees. The source and ref only from
 * `robo nightly install`: `robo onboard` records them in the settings instead.
 */
export const PASSED_VARIABLES = [
  'ROBO_DOTFILES_REPO',
  'ROBO_DOTFILES_REF',
  'AWS_CONFIG_FILE',
  'ROBO_BACKUP_DIR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
] as const;

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export interface Job {
  team: string;
  /** The program and its arguments: node and robo's executable as absolute paths, then JOB_ARGS. */
  command: string[];
  /** NAME, VALUE pairs in order; the job's whole environment besides what the scheduler sets (HOME, ...). */
  environment: Array<[string, string]>;
  /** Where the job's line (and anything the scheduler catches) goes. */
  logFile: string;
  /** launchd and cron: the time of day it runs (systemd spreads the runs itself). */
  time: TimeOfDay;
}

/** The variable that tells `robo nightly run` where to append its line. */
export const LOG_VARIABLE = 'ROBO_NIGHTLY_LOG';

/** Where the log is: macOS's own folder for agents' logs under launchd, robo's state folder otherwise. */
export function logFileFor(scheduler: SchedulerName, paths: RoboPaths): string {
  return scheduler === 'launchd'
    ? path.join(paths.home, 'Library', 'Logs', 'robo', 'nightly.log')
    : path.join(paths.stateDir, 'nightly.log');
}

export interface JobInput {
  team: string;
  node: string;
  robo: string;
  /** The installing environment: PASSED_VARIABLES are taken from it. */
  env: NodeJS.ProcessEnv;
  /** Whether ROBO_DOTFILES_REPO and ROBO_DOTFILES_REF are passed on too. */
  passSource: boolean;
  /** PATH of the job: node's and git's folders first. */
  path: string;
  logFile: string;
  time: TimeOfDay;
}

/** The job, checked: no value may hold a line break (no unit, plist line or crontab line can carry one). */
export function makeJob(input: JobInput): Job {
  const passed = PASSED_VARIABLES.filter(
    (name) => input.passSource || (name !== 'ROBO_DOTFILES_REPO' && name !== 'ROBO_DOTFILES_REF'),
  );
  const environment: Array<[string, string]> = [
    ['SEGMENT_TEAM', input.team],
    ...passed.flatMap((name): Array<[string, string]> => (input.env[name] ? [[name, input.env[name]]] : [])),
    [LOG_VARIABLE, input.logFile],
    ['NO_COLOR', '1'],
    ['PATH', input.path],
  ];
  const checked: Array<[string, string]> = [
    ['the path of node', input.node],
    ['the path of robo', input.robo],
    ...environment,
  ];
  for (const [name, value] of checked) {
    if (/[\r\n]/.test(value))
      throw new UsageError(`${name} contains a line break: it cannot be passed to a scheduled job`);
  }
  return {
    team: input.team,
    command: [input.node, input.robo, ...JOB_ARGS],
    environment,
    logFile: input.logFile,
    time: input.time,
  };
}

/** The job's PATH: node's folder, git's, then the usual system folders, each once. */
export function jobPath(folders: ReadonlyArray<string | undefined>): string {
  return [
    ...new Set([
      ...folders.filter((folder): folder is string => Boolean(folder)),
      '/usr/local/bin',
      '/usr/bin',
      '/bin',
    ]),
  ].join(':');
}

/** A time between 01:00 and 04:59. */
export function pickTime(random: () => number): TimeOfDay {
  return { hour: 1 + Math.floor(random() * 4), minute: Math.floor(random() * 60) };
}

/** A seeded random source (mulberry32), so ROBO_NIGHTLY_SEED makes the time reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next time of day after `now`, in the machine's local time (as launchd and cron read it). */
export function nextDaily(time: TimeOfDay, now: Date): Date {
  const next = new Date(now);
  next.setHours(time.hour, time.minute, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

/** "02:07" */
export function clock(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/**
 * The timestamp systemctl prints for a timer's next run
 * (NextElapseUSecRealtime), asked with TZ=UTC: "Sat 2024-01-06 01:37:12 UTC".
 * undefined for anything else (n/a, empty: not scheduled).
 */
export function parseSystemdTimestamp(text: string): Date | undefined {
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC\b/.exec(text);
  return match ? new Date(`${match[1]}T${match[2]}Z`) : undefined;
}
