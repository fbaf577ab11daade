/**
 * robo's entry point and its single exit point. Reads the command line once
 * (argv.ts), does what it says (a built-in task, a reserved word, or a task
 * of robo.yml), and maps whatever was thrown to a message and an exit code
 * (errors.ts). Nothing below this file calls process.exit.
 */
import { parseCommandLine, type CommandLine } from './argv.js';
import {
  customTaskList,
  findTask,
  problemLines,
  requireValid,
  runSharedTask,
  sharedTaskHelp,
  taskEntries,
  taskList,
  taskNames,
  unknownTask,
  usableTasks,
  warnAbout,
  withExpressions,
  type TaskFiles,
} from '../commands/robofile.js';
import type { GlobalArgs } from '../commands/types.js';
import { completionScript } from '../completion/scripts.js';
import { DefinitionsError, ExitCode, ExitSignal, RoboError, UsageError, messageOf } from '../errors.js';
import { commandHelp, roboHelp } from './help.js';
import type { RoboFile } from '../robofile/parse.js';
import { flattenedVariables, renderOutput, sharedTaskData, type OutputResult } from '../robofile/output-templates.js';
import { findBuiltin, findReserved } from './tasks.js';
import { createReporter, styled, type Reporter } from '../ui.js';
import { VERSION } from '../version.js';

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
  const cwd = io.cwd ?? process.cwd();
  const streams = { stdout: io.stdout, stderr: io.stderr };
  // A Tab in the shell: first, apart from everything that could fail or print.
  if (argv[0] === '__complete' || argv[0] === '--get-yargs-completions')
    return completeCommandLine(argv, env, cwd, streams);
  let line: CommandLine;
  let reporter: Reporter;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    // A command line robo cannot read still gets its error the way it asked: --json, --quiet.
    const json = argv.includes('--json');
    reporter = await createReporter({
      quiet: json || argv.includes('--quiet') || argv.includes('-q'),
      verbose: argv.includes('--verbose'),
      env,
      ...streams,
    });
    return json ? reportErrorAsJson(error, reporter) : reportError(error, reporter);
  }
  const globals: GlobalArgs = line.kind === 'version' ? { quiet: false, verbose: false, json: false } : line.globals;
  reporter = await createReporter({
    quiet: globals.quiet || globals.json,
    verbose: globals.verbose,
    env,
    ...streams,
  });
  const tasksFile = async () => (await import('../robofile/load.js')).loadTaskFiles({ tasks: globals.tasks, env, cwd });
  try {
    switch (line.kind) {
      case 'version':
        reporter.print(VERSION);
        break;
      case 'list':
        listTasks(await tasksFile(), globals, cwd, reporter);
        break;
      case 'help':
        await printHelp(line.task, tasksFile, env, reporter);
        break;
      case 'builtin':
        await line.task.run(line.args, {
          reporter,
          json: globals.json,
          env,
          cwd,
          executable: io.executable ?? process.argv[1],
        });
        break;
      case 'variables':
        await printVariables(await tasksFile(), { ...globals, eval: line.eval, env, cwd, io }, reporter);
        break;
      case 'completion':
        reporter.print(completionScript(line.shell, env));
        break;
      case 'shared': {
        const files = await tasksFile();
        const found = findTask(files, line.name); // a broken robo.yml that may hold it runs nothing, and says why
        if (!found) throw optionsAfterTask(await unknownTask(line.name, files, env), line.args);
        await runSharedTask(found.file, found.task, line.args, env, cwd, reporter, io);
        break;
      }
    }
    return ExitCode.ok;
  } catch (error) {
    return globals.json ? reportErrorAsJson(error, reporter) : reportError(error, reporter);
  }
}

/**
 * `robo`, `robo help`: built-ins and robo.yml's tasks, robo.yml's problems
 * said. `robo -q`: the names alone, one a line, for scripts (problems
 * unsaid: stdout stays names); --json wins over -q. A templates.list (the
 * working folder's robo.yml's, else the shared one's) replaces robo's list.
 */
function listTasks(files: TaskFiles, globals: GlobalArgs, cwd: string, reporter: Reporter): void {
  if (globals.json) {
    reporter.json({
      ok: true,
      tasks: taskEntries(files),
      robofile: described(files.shared),
      localRobofile: described(files.local),
    });
    return;
  }
  if (globals.quiet) return reporter.print(taskNames(files));
  warnAbout(files, reporter);
  const templated = [files.local, files.shared].find((file) => file?.templates?.list && file.errors.length === 0);
  if (templated) {
    const custom = customTaskList(templated, usableTasks(files))!;
    if (custom.ok) return reporter.printStyled(custom.text);
    // As for a broken robo.yml: the listing still works, robo's own.
    reporter.warn(
      `${templated.file}: templates.list failed, so robo's own list follows:`,
      problemLines(templated, [custom.problem]),
    );
  }
  reporter.print(taskList(files, cwd));
}

/** A robo.yml file in --json output: the file and its problems, so a script sees a broken file too. */
function described(file: RoboFile | undefined) {
  return file
    ? { file: file.file, errors: problemLines(file, file.errors), warnings: problemLines(file, file.warnings) }
    : null;
}

/**
 * tj/robo also read `--config` after the task name; robo gives everything
 * there to the task, so an unknown task with a tasks file after it says so.
 */
function optionsAfterTask(error: UsageError, args: readonly string[]): UsageError {
  const flag = args.find((arg) => /^(-c|--config|--tasks)(=|$)|^-c./.test(arg));
  if (!flag) return error;
  return new UsageError(error.message, [
    ...error.details,
    `${flag} comes after the task name, so it is the task's argument: give it before, as robo ${flag} FILE TASK`,
  ]);
}

/** `robo help TASK`, `robo TASK --help`; `robo --help` (no task). */
async function printHelp(
  name: string | undefined,
  tasksFile: () => Promise<TaskFiles>,
  env: NodeJS.ProcessEnv,
  reporter: Reporter,
): Promise<void> {
  if (name === undefined) return reporter.print(roboHelp());
  const command = findBuiltin(name) ?? findReserved(name);
  if (command) return reporter.print(commandHelp(command));
  const files = await tasksFile();
  const found = findTask(files, name);
  if (!found) throw await unknownTask(name, files, env);
  const custom = renderOutput(found.file, 'help', () => sharedTaskData(found.task), styled);
  if (custom) return printCustom(found.file, custom, reporter);
  reporter.print(sharedTaskHelp(found.task, found.file));
}

/** What templates.help or templates.variables printed, or the robo.yml problem it hit (exit 3). */
function printCustom(file: RoboFile, result: OutputResult, reporter: Reporter): void {
  if (!result.ok)
    throw new DefinitionsError(`${file.file}: its output template failed`, problemLines(file, [result.problem]));
  reporter.printStyled(result.text);
}

/**
 * `robo variables`: robo.yml's variables, built-in ones included: the
 * working folder's robo.yml's when there is one (what its tasks see), else
 * the shared one's. $(…) run only with --eval.
 */
async function printVariables(
  files: TaskFiles,
  options: GlobalArgs & { eval: boolean; env: NodeJS.ProcessEnv; cwd: string; io: RunIo },
  reporter: Reporter,
): Promise<void> {
  const file = files.local ?? files.shared;
  if (!file)
    throw new UsageError('no robo.yml: pass --tasks FILE, set ROBO_TASKS, or add robo.yml to the dotfiles source');
  // A broken file's variables are still shown (its problems send people here), but nothing of it runs.
  const broken = file.errors.length > 0;
  if (broken && options.eval) requireValid(file);
  if (broken)
    reporter.warn(
      `${file.file} is invalid; its variables as far as robo could read them:`,
      problemLines(file, file.errors),
    );
  const [{ flatten }, { evaluateAll }] = await Promise.all([
    import('../robofile/variables.js'),
    import('../robofile/expressions.js'),
  ]);
  const rows = options.eval
    ? await withExpressions(file, async () =>
        flatten(await evaluateAll(file.variables, file.builtinVariables, options.env, options.cwd, options.io)),
      )
    : flatten(file.variables);
  if (options.json)
    return reporter.json({
      ok: true,
      variables: Object.fromEntries(rows),
      robofile: described(file),
    });
  const custom = broken ? undefined : renderOutput(file, 'variables', () => flattenedVariables(file.variables), styled);
  if (custom) return printCustom(file, custom, reporter);
  const width = Math.max(...rows.map(([name]) => name.length));
  reporter.print(rows.map(([name, value]) => `  ${name.padEnd(width)} = ${value}`).join('\n'));
}

/**
 * `robo __complete SHELL -- WORDS...`, which the completion scripts call on
 * every Tab (and `--get-yargs-completions`, which scripts made by older
 * robos call): candidates on stdout, or nothing. Whatever goes wrong, no
 * error reaches the command line being typed, and the exit code is 0.
 */
async function completeCommandLine(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  streams: Pick<RunIo, 'stdout' | 'stderr'>,
): Promise<number> {
  try {
    const { completionLines, yargsCompletionLines } = await import('../completion/protocol.js');
    const lines = await (argv[0] === '__complete' ? completionLines : yargsCompletionLines)(argv.slice(1), env, cwd);
    if (lines.length > 0)
      (await createReporter({ quiet: false, verbose: false, env, ...streams })).print(lines.join('\n'));
  } catch {
    // No candidates rather than an error in the middle of the line.
  }
  return ExitCode.ok;
}

function reportError(error: unknown, reporter: Reporter): number {
  if (error instanceof ExitSignal) return error.exitCode; // the task already said everything
  if (error instanceof RoboError) {
    reporter.error(error.message, error.details);
    reporter.stack(error);
    return error.exitCode;
  }
  reporter.error(
    `internal error: ${messageOf(error)}`,
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
  const message = messageOf(error);
  reporter.json({
    ok: false,
    error: { message: known ? message : `internal error: ${message}`, details: known ? error.details : [], exitCode },
  });
  reporter.stack(error);
  return exitCode;
}
