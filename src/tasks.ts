/** The built-in tasks, and looking them up by name or alias. */
import { awsConfigTask } from './commands/aws-config.js';
import { awsBackupsTask, awsRestoreTask } from './commands/backups.js';
import { awsRemoveTask } from './commands/aws-remove.js';
import { doctorTask } from './commands/doctor.js';
import { nightlyTask } from './commands/nightly.js';
import { onboardTask } from './commands/onboard.js';
import { statusTask } from './commands/status.js';
import { awsRenderTask } from './commands/aws-render.js';
import { teamsListTask, teamsValidateTask } from './commands/teams.js';
import type { BuiltinTask } from './commands/types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each task has its own argument type
export type AnyTask = BuiltinTask<any>;

export const BUILTIN_TASKS: readonly AnyTask[] = [
  awsConfigTask,
  awsRenderTask,
  awsBackupsTask,
  awsRestoreTask,
  awsRemoveTask,
  teamsListTask,
  teamsValidateTask,
  onboardTask,
  nightlyTask,
  statusTask,
  doctorTask,
];

/** Words that are not tasks but still mean something as the first argument. */
export const RESERVED_WORDS = ['help', 'variables', 'completion'] as const;

/** What each reserved word does, for shell completion's descriptions. */
export const RESERVED_SUMMARIES: Record<(typeof RESERVED_WORDS)[number], string> = {
  help: 'Show usage, options and examples of a task',
  variables: "Show robo.yml's variables",
  completion: 'Print a bash, zsh or fish completion script',
};

export function findBuiltin(name: string): AnyTask | undefined {
  return BUILTIN_TASKS.find((task) => task.name === name || task.aliases.includes(name));
}

export function isBuiltinName(name: string): boolean {
  return findBuiltin(name) !== undefined || (RESERVED_WORDS as readonly string[]).includes(name);
}
