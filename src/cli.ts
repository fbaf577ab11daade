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
import {
  findSharedTask,
  problemLines,
  requireValid,
  runSharedTask,
  sharedTaskHelp,
  taskEntries,
  taskList,
  unknownTaskFromClone,
  warnAbout,
} from './commands/robofile.js';
import pkg from '../package.json' with { type: 'json' };
import { ExitCode, ExitSignal, RoboError, UsageError } from './errors.js';
import type { RoboFile } from './robofile/parse.js';
import { findBuiltin, type AnyTask } from './tasks.js';
import { createReporter, type Reporter } from './ui.js';

/**
 * What a run reads and writes besides argv and env: this process's own,
 * unless the caller (the tests, which run robo in-process) gives others.
 * Streams given here need a file descriptor: a robo.yml task writes to it.
 */
export interface RunIo {
  cwd?: string;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** robo's executable, as the nightly job runs it (default: the script this process started, process.argv[1]). */
  executable?: string;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: RunIo = {}): Promise<number> {
  // A Tab in the shell: first, apart from everything that could fail or print.
  if (argv[0] === '__complete' || argv[0] === '--get-yargs-completions') return completeCommandLine(argv, env, io);
  const streams = { stdout: io.stdout, stderr: io.stderr };
  // Known before parsing, so even a parse error is reported the right way.
  const json = argv.includes('--json');
  let reporter = await createReporter({
    quiet: json || argv.includes('--quiet') || argv.includes('-q'),
    verbose: argv.includes('--verbose'),
    env,
    ...streams,
  });
  const cwd = io.cwd ?? process.cwd();
  const context = (args: Record<string, unknown>, current: Reporter) => ({
    reporter: current,
    json: Boolean(args.json),
    env,
    cwd,
    executable: io.executable ?? process.argv[1],
  });
  try {
    // The whole command line is --version: no need for yargs to say it.
    if (argv.length === 1 && argv[0] === '--version') {
      reporter.print(pkg.version);
      return ExitCode.ok;
    }
    const leading = leadingGlobals(argv);
    const [word, ...rest] = leading?.rest ?? [];
    const roboFile = () => sharedTasks(leading?.config, env, cwd);

    if (leading && (word === undefined || (word === 'help' && rest.every((arg) => arg.startsWith('-'))))) {
      const file = await roboFile();
      if (json) {
        reporter.json({
          ok: true,
          tasks: taskEntries(file),
          robofile: file
            ? { file: file.file, errors: problemLines(file, file.errors), warnings: problemLines(file, file.warnings) }
            : null,
        });
        return ExitCode.ok;
      }
      warnAbout(file, reporter);
      reporter.print(taskList(file));
      return ExitCode.ok;
    }
    if (leading && word === 'help' && rest[0] && !findBuiltin(rest[0])) {
      const file = await roboFile();
      if (file) requireValid(file);
      const task = findSharedTask(file, rest[0]);
      if (!task) throw await unknownTaskFromClone(rest[0], file, env);
      reporter.print(sharedTaskHelp(task));
      return ExitCode.ok;
    }
    if (leading && word === 'variables') {
      const file = await roboFile();
      if (!file)
        throw new UsageError(
          'no robo.yml: pass --config FILE, set ROBO_CONFIG, or add robo.yml to the dotfiles source',
        );
      requireValid(file);
      const { flatten } = await import('./robofile/template.js');
      const rows = flatten(file.variables);
      if (json) {
        reporter.json({ ok: true, variables: Object.fromEntries(rows) });
        return ExitCode.ok;
      }
      const width = Math.max(...rows.map(([name]) => name.length));
      reporter.print(rows.map(([name, value]) => `  ${name.padEnd(width)} = ${value}`).join('\n'));
      return ExitCode.ok;
    }
    if (leading && word === 'completion' && rest.length <= 1 && !rest[0]?.startsWith('-')) {
      const { completionScript } = await import('./completion/scripts.js');
      reporter.print(completionScript(rest[0], env));
      return ExitCode.ok;
    }
    const builtin = leading && word !== undefined ? findBuiltin(word) : undefined;
    const fast = builtin ? parseTaskArgs(builtin, [...leading!.flags, ...rest]) : undefined;
    if (builtin && fast) {
      reporter = await createReporter({
        quiet: Boolean(fast.quiet) || Boolean(fast.json),
        verbose: Boolean(fast.verbose),
        env,
        ...streams,
      });
      await builtin.run(fast, context(fast, reporter));
      return ExitCode.ok;
    }
    if (leading && word !== undefined && !builtin && word !== 'help' && word !== 'completion') {
      // Not robo's own: a shared task from robo.yml, which gets every argument after its name untouched.
      const file = await roboFile();
      if (file) requireValid(file); // a broken robo.yml runs nothing, and says why
      const task = findSharedTask(file, word);
      if (!task) throw await unknownTaskFromClone(word, file, env);
      await runSharedTask(file!, task, rest, env, cwd, io);
      return ExitCode.ok;
    }
    const { runWithYargs } = await import('./cli-yargs.js');
    await runWithYargs({
      argv,
      env,
      streams,
      setReporter: (next) => (reporter = next),
      listTasks: async () => {
        reporter.print(taskList(await sharedTasks(leading?.config, env, cwd).catch(() => undefined)));
      },
      runTask: (chosen: AnyTask, args, current) => chosen.run(args, context(args, current)),
      unknownTask: async (name) =>
        unknownTaskFromClone(name, await sharedTasks(leading?.config, env, cwd).catch(() => undefined), env),
    });
    return ExitCode.ok;
  } catch (error) {
    return json ? reportErrorAsJson(error, reporter) : reportError(error, reporter);
  }
}

/**
 * `robo __complete SHELL -- WORDS...`, which the completion scripts call on
 * every Tab (and `--get-yargs-completions`, which scripts made by older
 * robos call): candidates on stdout, or nothing. Whatever goes wrong, no
 * error reaches the command line being typed, and the exit code is 0.
 */
async function completeCommandLine(argv: string[], env: NodeJS.ProcessEnv, io: RunIo): Promise<number> {
  try {
    const { completionLines, yargsCompletionLines } = await import('./completion/protocol.js');
    const lines = await (argv[0] === '__complete' ? completionLines : yargsCompletionLines)(
      argv.slice(1),
      env,
      io.cwd ?? process.cwd(),
    );
    if (lines.length > 0)
      (await createReporter({ quiet: false, verbose: false, env, stdout: io.stdout, stderr: io.stderr })).print(
        lines.join('\n'),
      );
  } catch {
    // No candidates rather than an error in the middle of the line.
  }
  return ExitCode.ok;
}

/**
 * Flags before the task name: robo's global ones only (--config FILE,
 * --quiet, --verbose, --json). Anything else there (--help, --version, a
 * mistake) is yargs' to handle: undefined.
 */
function leadingGlobals(
  argv: readonly string[],
): { flags: string[]; config: string | undefined; rest: string[] } | undefined {
  const flags: string[] = [];
  let config: string | undefined;
  let index = 0;
  for (; index < argv.length && argv[index]!.startsWith('-'); index += 1) {
    const token = argv[index]!;
    if (token === '--config' && argv[index + 1] !== undefined) config = argv[++index];
    else if (token.startsWith('--config=')) config = token.slice('--config='.length);
    else if (['--quiet', '-q', '--verbose', '--json'].includes(token)) flags.push(token);
    else return undefined;
  }
  return { flags, config, rest: argv.slice(index) };
}

/** robo.yml, if there is one: --config, $ROBO_CONFIG, or the dotfiles source's. */
async function sharedTasks(
  config: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<RoboFile | undefined> {
  const { locateRoboFile, loadRoboFile } = await import('./robofile/load.js');
  const located = await locateRoboFile({ config, env, cwd });
  return located.file ? loadRoboFile(located.file, located.explicit, located.text) : undefined;
}

function reportError(error: unknown, reporter: Reporter): number {
  if (error instanceof ExitSignal) return error.exitCode; // the task already said everything
  if (error instanceof RoboError) {
    reporter.error(error.message, error.details);
    reporter.stack(error);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  reporter.error(
    `internal error: ${message}`,
    reporter.verbose ? [] : ['run again with --verbose for the stack trace, and report it'],
  );
  reporter.stack(error);
  return ExitCode.internal;
}

/**
 * --json: a failure is one object on stdout too, so a script reads one thing
 * either way. When the task already printed its document, the error goes to
 * stderr as text: a second document would make stdout unreadable to jq.
 */
export function reportErrorAsJson(error: unknown, reporter: Reporter): number {
  if (error instanceof ExitSignal) return error.exitCode;
  if (reporter.printedJson) return reportError(error, reporter);
  const known = error instanceof RoboError;
  const exitCode = known ? error.exitCode : ExitCode.internal;
  const message = error instanceof Error ? error.message : String(error);
  reporter.json({
    ok: false,
    error: { message: known ? message : `internal error: ${message}`, details: known ? error.details : [], exitCode },
  });
  reporter.stack(error);
  return exitCode;
}
