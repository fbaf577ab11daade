import type { Reporter } from '../ui.js';

/** Options every task accepts. */
export interface GlobalArgs {
  quiet: boolean;
  verbose: boolean;
  json: boolean;
  config?: string;
}

/**
 * One option, in the subset of yargs' option format robo uses: both parsers
 * read it (argv.ts, cli-yargs.ts), and so does shell completion
 * (completion/complete.ts).
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  alias?: string;
  default?: string | boolean;
  /** The only values a string option takes: parsers refuse others, completion offers these. */
  choices?: readonly string[];
  /** What a string option's value names, so completion can offer it. */
  value?: ValueKind;
  describe: string;
}

/** A file, a folder, or a team of the dotfiles source. */
export type ValueKind = 'file' | 'directory' | 'team';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'Print only errors' },
  verbose: { type: 'boolean', default: false, describe: 'Print details, and the stack of an unexpected error' },
  json: {
    type: 'boolean',
    default: false,
    describe: 'Print one JSON object with the result (or the error) instead of messages',
  },
  config: {
    type: 'string',
    value: 'file',
    describe:
      'The robo.yml with shared tasks (default: $ROBO_CONFIG, then robo.yml in the dotfiles source); give it before the task name',
  },
};

/** --allow-rollback, on every task that reads the dotfiles source. */
export const ALLOW_ROLLBACK: OptionSpec = {
  type: 'boolean',
  default: false,
  describe:
    'With signed commits required: accept a commit that does not descend from the last one robo accepted from the source (a deliberate force-push back)',
};

/**
 * A built-in task: its names, a one-line summary for `robo`, its flags as
 * data, and what it does. Command modules stay light (flags and printing);
 * each imports its core lazily in run(), so start-up pays only for the task
 * that runs.
 */
export interface BuiltinTask<Args = object> {
  name: string;
  aliases: readonly string[];
  summary: string;
  /** The usage text of `robo help TASK`: a synopsis line, a blank line, a description. */
  usage: string;
  /** Optional positional arguments, in order. */
  positionals?: ReadonlyArray<{ name: string; describe: string; value?: ValueKind }>;
  options?: Record<string, OptionSpec>;
  examples?: ReadonlyArray<readonly [command: string, description: string]>;
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
