import type { Reporter } from '../ui.js';

/** Options every task accepts. */
export interface GlobalArgs {
  quiet: boolean;
  verbose: boolean;
  json: boolean;
  /** --tasks FILE (alias --config): the robo.yml to read. */
  tasks?: string;
}

/**
 * One option. The parser (argv.ts), help (help.ts) and shell completion
 * (completion/complete.ts) all read these declarations, so they cannot
 * disagree about what a task takes.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Other names: a one-letter one is the short form (`-q`), a longer one another long form (`--config`). */
  aliases?: readonly string[];
  default?: string | boolean;
  /** The only values a string option takes: the parser refuses others, completion offers these. */
  choices?: readonly string[];
  /** What a string option's value names, so completion can offer it. */
  value?: ValueKind;
  /** Means something only before the task name (or after a reserved word): completion offers it only there. */
  leading?: boolean;
  describe: string;
}

/** A file, a folder, a team of the dotfiles source, or a task name. */
export type ValueKind = 'file' | 'directory' | 'team' | 'task';

/** One positional argument; all are optional. */
export interface PositionalSpec {
  name: string;
  describe: string;
  value?: ValueKind;
  /** The only values it takes: the parser refuses others, completion offers these. */
  choices?: readonly string[];
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  quiet: {
    type: 'boolean',
    aliases: ['q'],
    default: false,
    describe: 'Print only errors; alone (`robo -q`), list the task names, one a line',
  },
  verbose: { type: 'boolean', default: false, describe: 'Print details, and the stack of an unexpected error' },
  json: {
    type: 'boolean',
    default: false,
    describe: 'Print one JSON object with the result (or the error) instead of messages',
  },
  tasks: {
    type: 'string',
    aliases: ['config', 'c'],
    value: 'file',
    leading: true,
    describe:
      "The tasks file, a robo.yml (default: $ROBO_TASKS, then robo.yml in the dotfiles source with ./robo.yml beside it; --config, -c and $ROBO_CONFIG are tj/robo's names for the same); give it before the task name",
  },
};

/** Options that ask about robo instead of running a task: read by the parser and shown in help, not completed. */
export const INFO_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', aliases: ['h'], describe: 'Show the usage, options and examples of the task (or of robo)' },
  version: { type: 'boolean', aliases: ['v'], describe: "Print robo's version" },
};

/** --allow-rollback, on every task that reads the dotfiles source. */
export const ALLOW_ROLLBACK: OptionSpec = {
  type: 'boolean',
  default: false,
  describe:
    'With signed commits required: accept a commit that does not descend from the last one robo accepted from the source (a deliberate force-push back)',
};

/**
 * A word robo knows as the first argument (a built-in task or a reserved
 * word such as help): its names, a one-line summary for `robo`, and its
 * arguments as data.
 */
export interface CommandSpec {
  name: string;
  aliases: readonly string[];
  summary: string;
  /** The usage text of `robo help TASK`: a synopsis line, a blank line, a description. */
  usage: string;
  /** Optional positional arguments, in order. */
  positionals?: readonly PositionalSpec[];
  options?: Record<string, OptionSpec>;
  examples?: ReadonlyArray<readonly [command: string, description: string]>;
}

/**
 * A built-in task: a command and what it does. Command modules stay light
 * (flags and printing); each imports its core lazily in run(), so start-up
 * pays only for the task that runs.
 */
export interface BuiltinTask<Args = object> extends CommandSpec {
  run(args: GlobalArgs & Args, context: TaskContext): Promise<void>;
}

export interface TaskContext {
  reporter: Reporter;
  /** --json: print one JSON object on stdout instead of human messages. */
  json: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** robo's executable as this run was started (process.argv[1]): what the nightly job runs. */
  executable: string | undefined;
}
