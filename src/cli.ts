/**
 * robo's entry point and its single exit point. Picks the task from argv,
 * runs it, and maps whatever was thrown to a message and an exit code
 * (errors.ts). Nothing below this file calls process.exit.
 *
 * Start-up is most of a run that changes nothing, so the common command
 * lines take a fast path (argv.ts) and yargs (cli-yargs.ts) is loaded only
 * for help, --version and anything unusual.
 */
import { parseTaskArgs } from './argv.js';
import type { BuiltinTask } from './commands/types.js';
import { ExitCode, ExitSignal, RoboError, UsageError } from './errors.js';
import { suggestName } from './pipeline/regions.js';
import { BUILTIN_TASKS, findBuiltin, type AnyTask } from './tasks.js';
import { createReporter, type Reporter } from './ui.js';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Known before parsing, so even a parse error is reported the right way.
  const json = argv.includes('--json');
  let reporter = createReporter({ quiet: json || argv.includes('--quiet') || argv.includes('-q'), verbose: argv.includes('--verbose'), env });
  // yargs answers a bare `help` with its own global help; robo answers with the task list.
  if (argv[0] === 'help' && argv.slice(1).every((arg) => arg.startsWith('-'))) argv = argv.slice(1);
  const context = (args: Record<string, unknown>, current: Reporter) => ({ reporter: current, json: Boolean(args.json), env, cwd: process.cwd() });
  try {
    if (argv.length === 0) {
      process.stdout.write(taskList());
      return ExitCode.ok;
    }
    const task = argv[0] === undefined ? undefined : findBuiltin(argv[0]);
    const fast = task ? parseTaskArgs(task, argv.slice(1)) : undefined;
    if (task && fast) {
      reporter = createReporter({ quiet: Boolean(fast.quiet) || Boolean(fast.json), verbose: Boolean(fast.verbose), env });
      await task.run(fast as never, context(fast, reporter));
      return ExitCode.ok;
    }
    const { runWithYargs } = await import('./cli-yargs.js');
    await runWithYargs({
      argv,
      env,
      setReporter: (next) => (reporter = next),
      listTasks: async () => {
        process.stdout.write(taskList());
      },
      runTask: (chosen: AnyTask, args, current) => chosen.run(args as never, context(args, current)),
      unknownTask: async (name) => unknownTask(name),
    });
    return ExitCode.ok;
  } catch (error) {
    return json ? reportErrorAsJson(error, reporter) : reportError(error, reporter);
  }
}

function unknownTask(name: string): UsageError {
  const names = BUILTIN_TASKS.map((task) => task.name);
  const guess = suggestName(name, names);
  return new UsageError(`unknown task "${name}"${guess ? `; did you mean ${guess}?` : ''}`, [`tasks: ${names.join(', ')}, help`, 'run `robo` to list them with a summary']);
}

/** `robo` with no task: every task and its summary, like tj/robo. */
export function taskList(tasks: ReadonlyArray<Pick<BuiltinTask, 'name' | 'summary' | 'aliases'>> = BUILTIN_TASKS): string {
  const rows = [...tasks].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  const width = Math.max(...rows.map((row) => row.name.length));
  const lines = rows.map((row) => `  ${row.name.padEnd(width)} – ${row.summary}${row.aliases.length > 0 ? ` (alias: ${row.aliases.join(', ')})` : ''}`);
  return ['', ...lines, '', "Run `robo help TASK` for a task's usage, options and examples; `robo --help` for global options.", ''].join('\n');
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

process.exitCode = await main(process.argv.slice(2));
