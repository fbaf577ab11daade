/**
 * `robo nightly install|uninstall|status|run`: the nightly refresh. Flags in,
 * one core call (src/nightly/), its result printed or given as JSON.
 */
import { ExitCode, ExitSignal, UsageError } from '../errors.js';
import type { InstallResult } from '../nightly/install.js';
import { clock, type SchedulerName, type TimeOfDay } from '../nightly/job.js';
import type { LogEntry } from '../nightly/log.js';
import type { Action } from '../nightly/schedulers.js';
import type { NightlyStatus } from '../nightly/status.js';
import type { Reporter } from '../ui.js';
import { chooseTeam } from '../team-places.js';
import { tilde } from '../paths.js';
import type { BuiltinTask, TaskContext } from './types.js';

const ACTIONS = ['install', 'uninstall', 'status', 'run'] as const;
type NightlyAction = (typeof ACTIONS)[number];

interface NightlyArgs {
  action: string | undefined;
  scheduler: string | undefined;
  team: string | undefined;
  'dry-run': boolean;
}

export const nightlyTask: BuiltinTask<NightlyArgs> = {
  name: 'nightly',
  aliases: [],
  summary: 'Install, remove or check the nightly refresh of your AWS config',
  usage:
    'robo nightly install|uninstall|status|run [--scheduler systemd|launchd|cron] [--team TEAM] [--dry-run]\n\n' +
    'install: a job that runs `robo nightly run` once a night (systemd timer, launchd agent or crontab line), or updates it; ' +
    'running it again changes nothing. uninstall: takes it out (the log stays). status (the default): where it is installed, ' +
    'its last run and the next. run: what the job runs: aws.config for your team, then one line in the log; it exits non-zero ' +
    'when the scheduler should record a failure. See docs/nightly.md.',
  positionals: [{ name: 'action', choices: ACTIONS, describe: 'install, uninstall, status (default) or run' }],
  options: {
    scheduler: {
      type: 'string',
      choices: ['systemd', 'launchd', 'cron'],
      describe:
        'install, uninstall: systemd, launchd or cron (default: $ROBO_SCHEDULER, else launchd on macOS, systemd where `systemctl --user` works, else cron)',
    },
    team: {
      type: 'string',
      value: 'team',
      describe: 'install, run: your team (default: $SEGMENT_TEAM, then team in ~/.config/robo/config)',
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      describe: 'install, uninstall: print what would be written or run, and change nothing',
    },
  },
  examples: [
    ['robo nightly install', 'install the job with the scheduler this system has'],
    ['robo nightly status --json', 'the last run and the next, as JSON'],
    ['robo nightly uninstall', 'remove it'],
  ],
  async run(args, context) {
    const action = actionOf(args);
    if (action === 'install') return install(args, context);
    if (action === 'uninstall') return uninstall(args, context);
    if (action === 'status') return status(context);
    return run(args, context);
  },
};

function actionOf(args: NightlyArgs): NightlyAction {
  const action = args.action ?? 'status';
  if (!(ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`robo nightly ${action}: unknown action; use ${ACTIONS.join(', ')}`);
  const misplaced = [
    ['--scheduler', args.scheduler !== undefined, ['install', 'uninstall']],
    ['--team', args.team !== undefined, ['install', 'run']],
    ['--dry-run', args['dry-run'], ['install', 'uninstall']],
  ] as const;
  for (const [flag, given, actions] of misplaced) {
    if (given && !(actions as readonly string[]).includes(action))
      throw new UsageError(`${flag} is for robo nightly ${actions.join(' and ')}, not ${action}`);
  }
  return action as NightlyAction;
}

async function install(args: NightlyArgs, context: TaskContext): Promise<void> {
  const [{ installNightly }, { loadSettings }] = await Promise.all([
    import('../nightly/install.js'),
    import('../settings.js'),
  ]);
  const settings = await loadSettings(context.env);
  const result = await installNightly({
    ...chooseTeam(args.team, context.env, settings),
    scheduler: args.scheduler,
    dryRun: args['dry-run'],
    env: context.env,
    settings,
    robo: roboExecutable(context),
    passSource: true,
  });
  if (context.json) context.reporter.json({ ok: true, task: 'nightly', action: 'install', ...installJson(result) });
  else reportInstall(result, context.reporter);
}

/** robo's executable as this run was started (the npm bin link, or bin/robo.cjs): what the job runs. */
export function roboExecutable(context: TaskContext): string {
  const script = context.executable;
  if (!script)
    throw new UsageError('cannot tell where robo is installed (no script path): run robo through its executable');
  return script;
}

export function installJson(result: InstallResult) {
  return {
    scheduler: result.scheduler,
    team: result.team,
    changed: result.changed,
    dryRun: result.dryRun,
    time: result.time ? clock(result.time) : null,
    keptTime: result.keptTime,
    logFile: result.logFile,
    removedFrom: result.removedFrom,
    actions: result.actions,
    warnings: result.warnings,
  };
}

/** Prints an install's result; onboard prints it the same way. */
export function reportInstall(result: InstallResult, reporter: Reporter): void {
  for (const warning of result.warnings) reporter.warn(warning);
  const what = `robo nightly run (team ${result.team}) runs ${when(result.scheduler, result.time)}`;
  if (result.dryRun) {
    printActions(result.actions, reporter);
    reporter.info(`dry run, nothing changed: ${what.replace(' runs ', ' would run ')}.`);
    return;
  }
  const state = result.changed ? 'installed' : 'already installed, unchanged';
  const kept = result.keptTime ? ', the time picked at the first install' : '';
  reporter.success(`nightly refresh ${state}: ${what}${kept}.\n    log: ${result.logFile}`);
}

function when(scheduler: SchedulerName, time: TimeOfDay | undefined): string {
  if (scheduler === 'systemd')
    return 'every night at 01:00 plus a fixed random delay of up to 4h (systemd timer robo-aws-config.timer; a missed night runs at the next start)';
  const at = time ? clock(time) : '?';
  return scheduler === 'launchd'
    ? `every night at ${at} (launchd agent com.robo.aws-config)`
    : `every night at ${at} (crontab line marked "# robo-aws-config nightly")`;
}

function printActions(actions: readonly Action[], reporter: Reporter): void {
  for (const action of actions) {
    if (action.kind === 'write') reporter.print(`would write ${action.file}:\n${action.text}`);
    else if (action.kind === 'remove') reporter.print(`would remove: ${action.file}`);
    else if (action.kind === 'run') reporter.print(`would run: ${action.command}`);
    else if (action.line !== undefined) reporter.print(`would set this line in your crontab:\n${action.line}`);
    else reporter.print(`would remove from your crontab: ${action.removed ?? ''}`);
  }
}

async function uninstall(args: NightlyArgs, context: TaskContext): Promise<void> {
  const { uninstallNightly } = await import('../nightly/install.js');
  const result = await uninstallNightly({ scheduler: args.scheduler, dryRun: args['dry-run'], env: context.env });
  if (context.json) {
    context.reporter.json({ ok: true, task: 'nightly', action: 'uninstall', ...result });
    return;
  }
  if (result.dryRun) printActions(result.actions, context.reporter);
  if (result.removedFrom.length === 0) context.reporter.info('no nightly refresh installed; nothing to remove.');
  else
    context.reporter.success(
      `nightly refresh ${result.dryRun ? 'would be removed' : 'removed'}: ${result.removedFrom.join(', ')} (the log is kept).`,
    );
}

async function status(context: TaskContext): Promise<void> {
  const { nightlyStatus } = await import('../nightly/status.js');
  const result = await nightlyStatus({ env: context.env, now: new Date() });
  if (context.json) context.reporter.json({ ok: true, task: 'nightly', action: 'status', ...statusJson(result) });
  else context.reporter.print(statusText(result, context.env));
}

export function statusJson(result: NightlyStatus) {
  const iso = (date: Date | undefined) => date?.toISOString() ?? null;
  return {
    installed: result.installed.length > 0,
    scheduler: result.scheduler ?? null,
    jobs: result.installed.map((job) => ({
      scheduler: job.scheduler,
      where: job.where,
      team: job.team ?? null,
      time: job.time ? clock(job.time) : null,
    })),
    logFile: result.logFile ?? null,
    lastRun: result.lastRun ? entryJson(result.lastRun) : null,
    trailing: result.trailing,
    nextRun: result.nextRun
      ? {
          at: iso(result.nextRun.at),
          earliest: iso(result.nextRun.earliest),
          latest: iso(result.nextRun.latest),
          from: result.nextRun.from,
        }
      : null,
  };
}

function entryJson(entry: LogEntry) {
  return {
    time: entry.time.toISOString(),
    team: entry.team ?? null,
    commit: entry.commit ?? null,
    result: entry.result,
    since: entry.since?.toISOString() ?? null,
    overThreshold: entry.overThreshold ?? null,
    reason: entry.reason ?? null,
  };
}

function statusText(result: NightlyStatus, env: NodeJS.ProcessEnv): string {
  const rows: Array<[string, string]> = [];
  if (result.installed.length === 0) {
    rows.push([
      'installed',
      `no (robo nightly install, or robo onboard, installs it${result.scheduler ? ` with ${result.scheduler}` : ''})`,
    ]);
  }
  for (const job of result.installed) {
    const at = job.time ? ` at ${clock(job.time)}` : '';
    rows.push([
      'installed',
      `${job.scheduler}${at}, team ${job.team ?? '?'}: ${job.where.map((file) => tilde(file, env)).join(', ')}`,
    ]);
  }
  if (result.installed.length > 1)
    rows.push(['warning', 'installed with more than one scheduler: robo nightly install keeps one']);
  const last = result.lastRun;
  rows.push(['last run', last ? `${local(last.time)}: ${describeEntry(last)}` : 'none logged yet']);
  if (result.trailing.length > 0)
    rows.push(['then', `the job printed, without its log line: ${result.trailing.at(-1)!}`]);
  const next = result.nextRun;
  if (next?.at) rows.push(['next run', `${local(next.at)}${next.from === 'systemctl' ? ' (from systemctl)' : ''}`]);
  else if (next?.earliest && next.latest)
    rows.push([
      'next run',
      `between ${local(next.earliest)} and ${local(next.latest).slice(11)} (systemd picks the time)`,
    ]);
  if (result.logFile) rows.push(['log', tilde(result.logFile, env)]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${`${name}:`.padEnd(width + 2)}${value}`).join('\n');
}

function describeEntry(entry: LogEntry): string {
  const of = `team ${entry.team ?? '-'}${entry.commit ? `, commit ${entry.commit}` : ''}`;
  switch (entry.result) {
    case 'changed':
      return `changed the config (${of})`;
    case 'unchanged':
      return `nothing to change (${of})`;
    case 'offline':
      return `source unreachable, used the cached clone; offline since ${local(entry.since!)}${entry.overThreshold ? `, over max_offline ${entry.overThreshold}: failed` : ''} (${of}): ${entry.reason ?? ''}`;
    case 'failed':
      return `failed (${of}): ${entry.reason ?? ''}`;
  }
}

/** 2026-03-02 02:17 in the machine's local time, as people read a schedule. */
function local(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

async function run(args: NightlyArgs, context: TaskContext): Promise<void> {
  const { nightlyRun } = await import('../nightly/run.js');
  const result = await nightlyRun({ team: args.team, env: context.env, cwd: context.cwd, now: () => new Date() });
  if (context.json)
    context.reporter.json({
      ok: result.exitCode === 0,
      task: 'nightly',
      action: 'run',
      line: result.line,
      logFile: result.logFile,
      ...entryJson(result.entry),
      exitCode: result.exitCode,
    });
  else if (!context.reporter.quiet) {
    context.reporter.print(result.line);
    if (result.error !== undefined) throw result.error; // the whole message, details included, and its exit code
  }
  // --quiet (the job): the log line is the whole report.
  if (result.exitCode !== ExitCode.ok) throw new ExitSignal(result.exitCode);
}
