import type { Argv } from 'yargs';
import type { Reporter } from '../ui.js';

/** Options every task accepts. */
export interface GlobalArgs {
  quiet: boolean;
  verbose: boolean;
  json: boolean;
}

/**
 * A built-in task: its names, a one-line summary for `robo`, and a yargs
 * definition. Command modules stay light (flags and printing); each imports
 * its core lazily in run(), so start-up pays only for the task that runs.
 */
export interface BuiltinTask<Args = object> {
  /** The command as yargs reads it, when it takes positionals: "aws.restore [backup]". */
  command?: string;
  name: string;
  aliases: readonly string[];
  summary: string;
  builder(yargs: Argv<GlobalArgs>): Argv<GlobalArgs & Args>;
  run(args: GlobalArgs & Args, context: TaskContext): Promise<void>;
}

export interface TaskContext {
  reporter: Reporter;
  /** --json: print one JSON object on stdout instead of human messages. */
  json: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
