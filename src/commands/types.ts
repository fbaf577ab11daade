import type { Argv } from 'yargs';
import type { Reporter } from '../ui.js';

/** Options every task accepts. */
export interface GlobalArgs {
  quiet: boolean;
  verbose: boolean;
}

/**
 * A built-in task: its names, a one-line summary for `robo`, and a yargs
 * definition. Command modules stay light (flags and printing); each imports
 * its core lazily in run(), so start-up pays only for the task that runs.
 */
export interface BuiltinTask<Args = object> {
  name: string;
  aliases: readonly string[];
  summary: string;
  builder(yargs: Argv<GlobalArgs>): Argv<GlobalArgs & Args>;
  run(args: GlobalArgs & Args, context: TaskContext): Promise<void>;
}

export interface TaskContext {
  reporter: Reporter;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
