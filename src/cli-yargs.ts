/**
 * The full command line, with yargs: help, version, and every command line
 * the fast path (argv.ts) leaves alone, including the wrong ones, which
 * yargs reports. Loaded only when needed.
 */
import yargs, { type Argv } from 'yargs';
import pkg from '../package.json' with { type: 'json' };
import { GLOBAL_OPTIONS, type GlobalArgs } from './commands/types.js';
import { UsageError } from './errors.js';
import { SHELLS } from './completion/scripts.js';
import { BUILTIN_TASKS, RESERVED_SUMMARIES, findBuiltin, type AnyTask } from './tasks.js';
import { createReporter, type Reporter, type ReporterOptions } from './ui.js';

export interface YargsRun {
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Where the reporter writes (cli.ts's RunIo); the process's own when unset. */
  streams: Pick<ReporterOptions, 'stdout' | 'stderr'>;
  /** Called once the global flags are known, so errors are reported as --json/--quiet ask. */
  setReporter(reporter: Reporter): void;
  /** The task list, for `robo` alone. */
  listTasks(): Promise<void>;
  /** Runs a built-in task with parsed arguments. */
  runTask(task: AnyTask, args: Record<string, unknown>, reporter: Reporter): Promise<void>;
  /** The message for a first word that is no task. */
  unknownTask(name: string): Promise<Error>;
}

export async function runWithYargs(run: YargsRun): Promise<void> {
  await buildParser(run, run.argv).parseAsync();
}

function buildParser(run: YargsRun, argv: string[]): Argv<GlobalArgs> {
  let reporter: Reporter | undefined;
  const parser = yargs(argv)
    .scriptName('robo')
    .usage('robo TASK [options]\n\nShared commands for engineers; run `robo` to list the tasks.')
    .options(
      Object.fromEntries(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [name, { ...spec, global: true }])),
    )
    .middleware(async (args) => {
      reporter = await createReporter({
        quiet: Boolean(args.quiet) || Boolean(args.json),
        verbose: Boolean(args.verbose),
        env: run.env,
        ...run.streams,
      });
      run.setReporter(reporter);
    })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(usageMessage(message, argv));
    })
    .version(pkg.version)
    .help()
    .alias('help', 'h')
    .epilogue("Run `robo` to list every task, robo.yml's included.")
    // Laying help out costs ~15 ms (yargs measures every string even when it
    // only caches the help text), so do it only when help will be shown.
    .wrap(wantsHelp(argv) ? Math.min(100, process.stdout.columns || 100) : null);

  parser.command('$0', false, {}, () => run.listTasks());
  // Here for help and for mistakes (`robo completion bash zsh`); cli.ts prints the script of a plain `robo completion [SHELL]`.
  parser.command(
    'completion [shell]',
    RESERVED_SUMMARIES.completion,
    (y) =>
      y.positional('shell', { type: 'string', choices: SHELLS, describe: 'The shell (default: the one $SHELL names)' }),
    async (args) => {
      const { completionScript } = await import('./completion/scripts.js');
      reporter!.print(completionScript(args.shell, run.env));
    },
  );
  parser.command(
    'help [task]',
    'Show usage, options and examples of a task',
    (y) => y.positional('task', { type: 'string', describe: 'Task name' }),
    async (args) => {
      if (!args.task) return run.listTasks();
      const task = findBuiltin(args.task);
      if (!task) throw await run.unknownTask(args.task);
      await buildParser(run, [task.name, '--help']).parseAsync();
    },
  );
  for (const task of BUILTIN_TASKS) {
    const positionals = (task.positionals ?? []).map((positional) => ` [${positional.name}]`).join('');
    parser.command(
      [task.name + positionals, ...task.aliases],
      task.summary,
      (y) => {
        let built = y.usage(task.usage).options(task.options ?? {});
        for (const positional of task.positionals ?? [])
          built = built.positional(positional.name, { type: 'string', describe: positional.describe });
        for (const [command, description] of task.examples ?? []) built = built.example(command, description);
        return built;
      },
      (args) => {
        // A repeated flag reaches here as an array: say so instead of using it.
        for (const [name, spec] of Object.entries(task.options ?? {})) {
          if (spec.type === 'string' && Array.isArray(args[name]))
            throw new UsageError(`--${name} is given more than once`);
        }
        return run.runTask(task, args, reporter!);
      },
    );
  }
  // An unknown first word is a mistyped task, not an "unknown argument".
  const first = argv[0];
  if (
    first !== undefined &&
    !first.startsWith('-') &&
    first !== 'help' &&
    first !== 'completion' &&
    !findBuiltin(first)
  ) {
    parser.middleware(async () => {
      throw await run.unknownTask(first);
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
  const task = argv.map(findBuiltin).find(Boolean);
  return `${words.join(', ')}${task ? `; see robo help ${task.name}` : ''}`;
}

function wantsHelp(argv: string[]): boolean {
  return argv[0] === 'help' || argv.includes('--help') || argv.includes('-h');
}
