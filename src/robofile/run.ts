/**
 * Running a robo.yml task: `command` as `sh -c CMD sh ARGS...` (so the
 * task's arguments are $1...), `script` as the file next to robo.yml with the
 * arguments, `exec` as the program with the arguments. stdin, stdout and
 * stderr are the user's; SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to robo go
 * on to the task; the task's exit code is robo's.
 *
 * Node cannot replace its own process (no execve), so `exec` runs the program
 * as a child in the same way; from outside it looks the same: same streams,
 * same signals, same exit code.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import type { RoboTask } from './parse.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** The task's streams: robo's own (inherited) unless robo was given others (cli.ts's RunIo); each needs a file descriptor. */
export interface TaskStdio {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export interface Invocation {
  program: string;
  args: string[];
}

/** What to spawn for a task. Pure, so the three kinds are tested as a table. */
export function invocation(task: RoboTask, args: readonly string[], roboFile: string): Invocation {
  switch (task.kind) {
    case 'command':
      return { program: 'sh', args: ['-c', task.run, 'sh', ...args] };
    case 'script':
      return { program: path.resolve(path.dirname(roboFile), task.run), args: [...args] };
    case 'exec': {
      // An exec line may carry its own arguments ("aws-okta exec hub --"): split it the simple way, on spaces.
      const [program, ...fixed] = task.run.trim().split(/\s+/);
      return { program: program!, args: [...fixed, ...args] };
    }
  }
}

/** Run the task; resolves with its exit code (128 + the signal number when a signal ended it). */
export function runTask(
  task: RoboTask,
  args: readonly string[],
  roboFile: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: TaskStdio = {},
): Promise<number> {
  const { program, args: argv } = invocation(task, args, roboFile);
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const entry of task.env) {
    const at = entry.indexOf('=');
    childEnv[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv, {
      stdio: [stdio.stdin ?? 'inherit', stdio.stdout ?? 'inherit', stdio.stderr ?? 'inherit'],
      env: childEnv,
      cwd,
    });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null) child.kill(signal);
    };
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
