/**
 * The table of what robo understands as its first argument: the built-in
 * tasks and the reserved words (help, variables, completion), each with its
 * arguments as data. The parser (argv.ts), help (help.ts) and shell
 * completion (completion/) all read this table.
 */
import { awsConfigTask } from '../commands/aws-config.js';
import { awsBackupsTask, awsRestoreTask } from '../commands/backups.js';
import { awsRemoveTask } from '../commands/aws-remove.js';
import { doctorTask } from '../commands/doctor.js';
import { nightlyTask } from '../commands/nightly.js';
import { onboardTask } from '../commands/onboard.js';
import { statusTask } from '../commands/status.js';
import { awsRenderTask } from '../commands/aws-render.js';
import { teamsListTask, teamsValidateTask } from '../commands/teams.js';
import { teamsAccessTask } from '../commands/teams-access.js';
import { iamTerraformTask } from '../commands/iam-terraform.js';
import type { BuiltinTask, CommandSpec } from '../commands/types.js';
import { SHELLS } from '../completion/scripts.js';

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
  teamsAccessTask,
  iamTerraformTask,
  onboardTask,
  nightlyTask,
  statusTask,
  doctorTask,
];

/** Words that are not tasks but still mean something as the first argument; cli.ts does what they say. */
export const RESERVED_COMMANDS = [
  {
    name: 'help',
    aliases: [],
    summary: 'Show usage, options and examples of a task',
    usage: 'robo help [TASK]\n\nWithout TASK: the task list, as `robo` alone prints it.',
    positionals: [{ name: 'task', value: 'task', describe: 'A built-in task or one of robo.yml' }],
  },
  {
    name: 'variables',
    aliases: [],
    summary: "Show robo.yml's variables",
    usage:
      "robo variables [--eval]\n\nThe variables robo.yml's tasks can use, built-in ones included, with their values. A $(…) command expression is shown as written unless --eval runs it.",
    options: {
      eval: {
        type: 'boolean',
        default: false,
        describe: 'Run the $(…) command expressions and show their output (a task runs those it uses)',
      },
    },
  },
  {
    name: 'completion',
    aliases: [],
    summary: 'Print a bash, zsh or fish completion script',
    usage: 'robo completion [SHELL]\n\nThe script for SHELL, or for the shell $SHELL names. See docs/completion.md.',
    positionals: [{ name: 'shell', choices: SHELLS, describe: 'The shell (default: the one $SHELL names)' }],
  },
] as const satisfies readonly CommandSpec[];

export function findBuiltin(name: string): AnyTask | undefined {
  return BUILTIN_TASKS.find((task) => task.name === name || task.aliases.includes(name));
}

export function findReserved(name: string): (typeof RESERVED_COMMANDS)[number] | undefined {
  return RESERVED_COMMANDS.find((command) => command.name === name);
}

export function isBuiltinName(name: string): boolean {
  return findBuiltin(name) !== undefined || findReserved(name) !== undefined;
}
