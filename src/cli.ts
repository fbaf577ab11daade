/**
 * robo's command line and its single exit point. Parses argv with yargs,
 * runs one task, and maps whatever was thrown to a message and an exit code
 * (errors.ts). Nothing below this file calls process.exit.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import pkg from '../package.json' with { type: 'json' };
import { awsConfigTask } from './commands/aws-config.js';
import { awsBackupsTask, awsRestoreTask } from './commands/backups.js';
import { teamsValidateTask } from './commands/teams.js';
import type { BuiltinTask, GlobalArgs } from './commands/types.js';
import { ExitCode, ExitSignal, RoboError, UsageError } from './errors.js';
import { createReporter, type Reporter } from './ui.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const BUILTIN_TASKS: ReadonlyArray<BuiltinTask<any>> = [awsConfigTask, awsBackupsTask, awsRestoreTask, teamsValidateTask];

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Known before parsing, so even a parse error is reported the right way.
  const json = argv.includes('--json');
  let reporter = createReporter({ quiet: json || argv.includes('--quiet') || argv.includes('-q'), verbose: argv.includes('--verbose'), env });
  // yargs answers a bare `help` with its own global help; robo answers with the task list.
  if (argv[0] === 'help' && argv.slice(1).every((arg) => arg.startsWith('-'))) argv = argv.slice(1);
  try {
    const parser = buildParser(argv, env, (next) => (reporter = next));
    await parser.parseAsync();
    return ExitCode.ok;
  } catch (error) {
    return json ? reportErrorAsJson(error, reporter) : reportError(error, reporter);
  }
}

function buildParser(argv: string[], env: NodeJS.ProcessEnv, setReporter: (reporter: Reporter) => void): Argv<GlobalArgs> {
  let reporter: Reporter | undefined;
  const parser = yargs(argv)
    .scriptName('robo')
    .usage('robo TASK [options]\n\nShared commands for engineers; run `robo` to list the tasks.')
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only errors', global: true })
    .option('verbose', { type: 'boolean', default: false, describe: 'Print details, and the stack of an unexpected error', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object with the result (or the error) instead of messages', global: true })
    .middleware((args) => {
      reporter = createReporter({ quiet: Boolean(args.quiet) || Boolean(args.json), verbose: Boolean(args.verbose), env });
      setReporter(reporter);
    })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(usageMessage(message, argv));
    })
    .version(pkg.version)
    .help()
    // Laying help out costs ~15 ms (yargs measures every string even when it
    // only caches the help text), so do it only when help will be shown.
    .wrap(wantsHelp(argv) ? Math.min(100, process.stdout.columns || 100) : null);

  parser.command('$0', false, {}, () => {
    process.stdout.write(taskList());
  });
  parser.command(
    'help [task]',
    'Show usage, options and examples of a task',
    (y) => y.positional('task', { type: 'string', describe: 'Task name' }),
    async (args) => {
      if (!args.task) {
        process.stdout.write(taskList());
        return;
      }
      const task = findTask(args.task);
      if (!task) throw unknownTask(args.task);
      await buildParser([task.name, '--help'], env, setReporter).parseAsync();
    },
  );
  for (const task of BUILTIN_TASKS) {
    parser.command(
      [task.command ?? task.name, ...task.aliases],
      task.summary,
      (y) => task.builder(y as Argv<GlobalArgs>),
      async (args) => {
        await task.run(args as never, { reporter: reporter!, json: Boolean(args.json), env, cwd: process.cwd() });
      },
    );
  }
  // An unknown first word is a mistyped task, not an "unknown argument".
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== 'help' && !findTask(first)) {
    parser.middleware(() => {
      throw unknownTask(first);
    }, true);
  }
  return parser as unknown as Argv<GlobalArgs>;
}

/** yargs says "Unknown argument: tema"; say which flag or word, as the user typed it. */
function usageMessage(message: string, argv: string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown?.[1]) return message;
  const words = unknown[1].split(', ').map((name) => {
    const flag = argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}`);
    return flag ? `unknown option ${flag.split('=')[0]!}` : `unexpected argument ${JSON.stringify(name)}`;
  });
  const task = argv.map(findTask).find(Boolean);
  return `${words.join(', ')}${task ? `; see robo help ${task.name}` : ''}`;
}

function wantsHelp(argv: string[]): boolean {
  return argv[0] === 'help' || argv.includes('--help') || argv.includes('-h');
}

function findTask(name: string): BuiltinTask | undefined {
  return BUILTIN_TASKS.find((task) => task.name === name || task.aliases.includes(name));
}

function unknownTask(name: string): UsageError {
  return new UsageError(`unknown task "${name}"`, [`tasks: ${BUILTIN_TASKS.map((task) => task.name).join(', ')}, help`, 'run `robo` to list them with a summary']);
}

/** `robo` with no task: every task and its summary, like tj/robo. */
export function taskList(): string {
  const rows = [...BUILTIN_TASKS.map((task) => ({ name: task.name, summary: task.summary, aliases: task.aliases }))].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  const width = Math.max(...rows.map((row) => row.name.length));
  const lines = rows.map((row) => `  ${row.name.padEnd(width)} – ${row.summary}${row.aliases.length > 0 ? ` (alias: ${row.aliases.join(', ')})` : ''}`);
  return ['', ...lines, '', 'Run `robo help TASK` for a task\'s usage, options and examples; `robo --help` for global options.', ''].join('\n');
}

function reportError(error: unknown, reporter: Reporter): number {
  if (error instanceof ExitSignal) return error.exitCode; // the task already said everything
  if (error instanceof RoboError) {
    reporter.error(error.message, error.details);
    if (reporter.verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  reporter.error(`internal error: ${message}`, reporter.verbose ? [] : ['run again with --verbose for the stack trace, and report it']);
  if (reporter.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return ExitCode.internal;
}

/** --json: a failure is one object on stdout too, so a script reads one thing either way. */
function reportErrorAsJson(error: unknown, reporter: Reporter): number {
  if (error instanceof ExitSignal) return error.exitCode;
  const known = error instanceof RoboError;
  const exitCode = known ? error.exitCode : ExitCode.internal;
  const message = error instanceof Error ? error.message : String(error);
  reporter.print(JSON.stringify({ ok: false, error: { message: known ? message : `internal error: ${message}`, details: known ? error.details : [], exitCode } }, null, 2));
  if (reporter.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}

process.exitCode = await main(hideBin(process.argv));
