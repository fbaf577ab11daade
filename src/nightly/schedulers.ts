/**
 * systemd, launchd and cron as the same three operations: inspect what robo
 * installed, install (nothing written when it is already so), remove. Every
 * change goes through `change`, which records it (--dry-run prints it) and
 * performs it unless dry.
 */
import { lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WriteError, messageOf } from '../errors.js';
import type { RoboPaths } from '../paths.js';
import { writeAtomically } from '../system/atomic-write.js';
import { readIfExists } from '../system/fs.js';
import { CRON_MARKER, LABEL, UNIT, type Job, type SchedulerName, type TimeOfDay } from './job.js';
import { markedLine, rewriteMarked } from '../marked-lines.js';
import { cronTime, jobTeam, plistTime, renderCronLine, renderPlist, renderService, renderTimer } from './render.js';
import { readCrontab, runTool, systemdUsable, writeCrontab } from './system.js';

export type Action =
  | { kind: 'write'; file: string; text: string }
  | { kind: 'remove'; file: string }
  | { kind: 'crontab'; line: string | undefined; removed: string | undefined }
  | { kind: 'run'; command: string };

export interface Context {
  env: NodeJS.ProcessEnv;
  paths: RoboPaths;
  /** Run systemctl and launchctl (not with --dry-run or ROBO_NIGHTLY_NO_ACTIVATE=1). */
  activate: boolean;
  dryRun: boolean;
  /** Everything changed (or, in a dry run, that would be), in order. */
  actions: Action[];
}

/** What robo installed with a scheduler, read back from its files. */
export interface Installed {
  scheduler: SchedulerName;
  /** The unit files or plist, or "crontab". */
  where: string[];
  team: string | undefined;
  /** launchd and cron: the time of day it runs. */
  time: TimeOfDay | undefined;
}

export interface Scheduler {
  name: SchedulerName;
  inspect(context: Context): Promise<Installed | undefined>;
  /** Returns whether anything changed. */
  install(context: Context, job: Job): Promise<boolean>;
  /** Returns whether anything was installed (and is now removed). */
  remove(context: Context): Promise<boolean>;
}

async function change(context: Context, action: Action, perform: () => Promise<unknown>): Promise<void> {
  context.actions.push(action);
  if (!context.dryRun) await perform();
}

function readIfAny(file: string): Promise<string | undefined> {
  return readIfExists(
    file,
    'utf8',
    (error) => new WriteError(`cannot read ${file}: ${messageOf(error)}`, { cause: error }),
  );
}

/** Write `file` when its content differs; returns whether it did (or would). */
async function putFile(context: Context, file: string, text: string): Promise<boolean> {
  if ((await readIfAny(file)) === text) return false;
  await change(context, { kind: 'write', file, text }, () =>
    writeAtomically(file, Buffer.from(text), { mode: 0o644, folderMode: 0o755 }),
  );
  return true;
}

/** Run a scheduler's command; `required` ones fail the install when they fail. */
async function run(context: Context, program: string, args: string[], required: boolean): Promise<void> {
  await change(context, { kind: 'run', command: [program, ...args].join(' ') }, async () => {
    const result = await runTool(program, args, context.env);
    if (result.code !== 0 && required)
      throw new WriteError(
        `${program} ${args.join(' ')} failed: ${result.stderr.trim().split('\n')[0] ?? `exit ${result.code}`}`,
      );
  });
}

// ------------------------------------------------------------ systemd

const systemdFiles = (paths: RoboPaths) => {
  const folder = path.join(paths.configHome, 'systemd', 'user');
  return {
    service: path.join(folder, `${UNIT}.service`),
    timer: path.join(folder, `${UNIT}.timer`),
    wants: path.join(folder, 'timers.target.wants', `${UNIT}.timer`),
  };
};

const systemd: Scheduler = {
  name: 'systemd',
  async inspect({ paths }) {
    const files = systemdFiles(paths);
    const [service, timer] = await Promise.all([readIfAny(files.service), readIfAny(files.timer)]);
    if (service === undefined && timer === undefined) return undefined;
    return {
      scheduler: 'systemd',
      where: [files.service, files.timer],
      team: service === undefined ? undefined : jobTeam(service),
      time: undefined,
    };
  },
  async install(context, job) {
    const files = systemdFiles(context.paths);
    const wrote = [
      await putFile(context, files.service, renderService(job)),
      await putFile(context, files.timer, renderTimer()),
    ];
    if (context.activate || context.dryRun) {
      // Always: enable is idempotent, and turns a timer someone disabled back on.
      await run(context, 'systemctl', ['--user', 'daemon-reload'], true);
      await run(context, 'systemctl', ['--user', 'enable', '--now', `${UNIT}.timer`], true);
    }
    return wrote.some(Boolean);
  },
  async remove(context) {
    const files = systemdFiles(context.paths);
    const present = await Promise.all(
      [files.service, files.timer, files.wants].map((file) =>
        lstat(file).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!present.some(Boolean)) return false;
    const usable = context.activate && (await systemdUsable(context.env));
    if (usable || context.dryRun)
      await run(context, 'systemctl', ['--user', 'disable', '--now', `${UNIT}.timer`], false);
    for (const [index, file] of [files.service, files.timer, files.wants].entries()) {
      if (present[index]) await change(context, { kind: 'remove', file }, () => rm(file, { force: true }));
    }
    if (usable || context.dryRun) await run(context, 'systemctl', ['--user', 'daemon-reload'], false);
    return true;
  },
};

// ------------------------------------------------------------ launchd

const plistFile = (paths: RoboPaths) => path.join(paths.home, 'Library', 'LaunchAgents', `${LABEL}.plist`);
const domain = () => `gui/${process.getuid?.() ?? 0}`;

const launchd: Scheduler = {
  name: 'launchd',
  async inspect({ paths }) {
    const file = plistFile(paths);
    const text = await readIfAny(file);
    return text === undefined
      ? undefined
      : { scheduler: 'launchd', where: [file], team: jobTeam(text), time: plistTime(text) };
  },
  async install(context, job) {
    const file = plistFile(context.paths);
    const wrote = await putFile(context, file, renderPlist(job));
    if (context.activate || context.dryRun) {
      await run(context, 'launchctl', ['bootout', `${domain()}/${LABEL}`], false);
      await change(context, { kind: 'run', command: `launchctl bootstrap ${domain()} ${file}` }, () =>
        bootstrap(context.env, file),
      );
    }
    return wrote;
  },
  async remove(context) {
    const file = plistFile(context.paths);
    if ((await readIfAny(file)) === undefined) return false;
    if (context.activate || context.dryRun) await run(context, 'launchctl', ['bootout', `${domain()}/${LABEL}`], false);
    await change(context, { kind: 'remove', file }, () => rm(file, { force: true }));
    return true;
  },
};

/** bootout finishes asynchronously: a bootstrap right after it can fail once or twice. At most 5 tries, a second apart. */
async function bootstrap(env: NodeJS.ProcessEnv, file: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await runTool('launchctl', ['bootstrap', domain(), file], env);
    if (result.code === 0) return;
    if (attempt >= 5)
      throw new WriteError(`launchctl bootstrap ${domain()} ${file} failed: ${result.stderr.trim().split('\n')[0]}`);
    await sleep(1000);
  }
}

// ------------------------------------------------------------ cron

const cron: Scheduler = {
  name: 'cron',
  async inspect({ env }) {
    const line = markedLine((await readCrontab(env)) ?? '', CRON_MARKER);
    return line === undefined
      ? undefined
      : { scheduler: 'cron', where: ['crontab'], team: jobTeam(`${line} `), time: cronTime(line) };
  },
  async install(context, job) {
    const current = (await readCrontab(context.env)) ?? '';
    const line = renderCronLine(job);
    const next = rewriteMarked(current, CRON_MARKER, line);
    if (next === current) return false;
    await change(context, { kind: 'crontab', line, removed: markedLine(current, CRON_MARKER) }, () =>
      writeCrontab(next, context.env),
    );
    return true;
  },
  async remove(context) {
    const current = await readCrontab(context.env);
    const line = current === undefined ? undefined : markedLine(current, CRON_MARKER);
    if (current === undefined || line === undefined) return false;
    await change(context, { kind: 'crontab', line: undefined, removed: line }, () =>
      writeCrontab(rewriteMarked(current, CRON_MARKER, undefined), context.env),
    );
    return true;
  },
};

export const SCHEDULER_BY_NAME: Record<SchedulerName, Scheduler> = { systemd, launchd, cron };
