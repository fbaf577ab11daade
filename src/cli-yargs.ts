/**
 * The full command line, with yargs: help, version, and every command line
 * the fast path (argv.ts) leaves alone, including the wrong ones, which
 * yargs reports. Loaded only when needed.
 */
import yargs, { type Argv } from 'yargs';
import pkg from '../package.json' with { type: 'json' };
import { GLOBAL_OPTIONS, type GlobalArgs } from './commands/types.js';
import { UsageError } from './errors.js';
import { BUILTIN_TASKS, findBuiltin, type AnyTask } from './tasks.js';
import { createReporter, type Reporter } from './ui.js';

export interface YargsRun {
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Called once the global flags are known, so errors are reported as --json/--quiet ask. */
  setReporter(reporter: Reporter): void;
  /** The task list, for `robo` alone. */
  listTasks(): Promise<void>;
  /** Runs a built-in task with parsed arguments. */
  runTask(task: AnyTask, args: Record<string, unknown>, reporter: Reporter): Promise<void>;
  /** The message for a first word that is no task. */
  unknownTask(name: string): Promise<Error>;
  /** Names of robo.yml's tasks, for shell completion. */
  sharedTaskNames(): Promise<string[]>;
}

export async function runWithYargs(run: YargsRun): Promise<void> {
  await buildParser(run, run.argv).parseAsync();
}

/**
 * `robo completion [bash|zsh]`: yargs' completion script for the shell named,
 * else for $SHELL. The script asks `robo --get-yargs-completions ...`, which
 * completes the first word to every task (built-in and robo.yml).
 */
export function printCompletionScript(shell: string | undefined): void {
  if (shell !== undefined && shell !== 'bash' && shell !== 'zsh') throw new UsageError(`robo completion ${shell}: the shells are bash and zsh`);
  // yargs picks the zsh flavour from $SHELL; it reads the variable when the parser is made.
  if (shell) process.env.SHELL = `/bin/${shell}`;
  yargs([]).scriptName('robo').completion('completion', false).showCompletionScript();
}

function buildParser(run: YargsRun, argv: string[]): Argv<GlobalArgs> {
  let reporter: Reporter | undefined;
  const parser = yargs(argv)
    .scriptName('robo')
    .usage('robo TASK [options]\n\nShared commands for engineers; run `robo` to list the tasks.')
    .options(Object.fromEntries(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [name, { ...spec, global: true }])))
    .middleware(async (args) => {
      reporter = await createReporter({ quiet: Boolean(args.quiet) || Boolean(args.json), verbose: Boolean(args.verbose), env: run.env });
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
    .epilogue('Run `robo` to list every task, robo.yml\'s included.')
    // `robo completion` prints a bash or zsh script (by $SHELL); the first word completes to every task.
    .completion('completion', 'Print a bash or zsh completion script for robo (add it to your shell rc file)', async (current: string, args: { _: Array<string | number> }, defaultCompletion: () => void, done: (completions: string[]) => void) => {
      // The shell script passes the command line with robo's own name first.
      const words = args._.map(String);
      if (words[0] === 'robo') words.shift();
      if (words.length <= 1) {
        const names = [...BUILTIN_TASKS.flatMap((task) => [task.name, ...task.aliases]), 'help', 'variables', ...(await run.sharedTaskNames())];
        done(names.filter((name) => name.startsWith(current)).sort());
      } else defaultCompletion();
    })
    // Laying help out costs ~15 ms (yargs measures every string even when it
    // only caches the help text), so do it only when help will be shown.
    .wrap(wantsHelp(argv) ? Math.min(100, process.stdout.columns || 100) : null);

  parser.command('$0', false, {}, () => run.listTasks());
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
        for (const positional of task.positionals ?? []) built = built.positional(positional.name, { type: 'string', describe: positional.describe });
        for (const [command, description] of task.examples ?? []) built = built.example(command, description);
        return built;
      },
      (args) => {
        // A repeated flag reaches here as an array: say so instead of using it.
        for (const [name, spec] of Object.entries(task.options ?? {})) {
          if (spec.type === 'string' && Array.isArray(args[name])) throw new UsageError(`--${name} is given more than once`);
        }
        return run.runTask(task, args, reporter!);
      },
    );
  }
  // An unknown first word is a mistyped task, not an "unknown argument".
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== 'help' && first !== 'completion' && !findBuiltin(first)) {
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
