/**
 * Running a robo.yml task or step: `command` as `sh -c CMD sh ARGS...` (the arguments are $1...), `script`
 * as the file next to robo.yml, `exec` as the program (a child too: Node has no execve), each with the user's
 * streams; the signals robo gets go on to it, and its exit code is robo's. Around a task, its before and
 * after steps and the global ones, in tj/robo's order and with its failure rules (runWithSteps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import type { RoboStep, RoboTask, Runnable } from './parse.js';
import { splitWords } from './shell-words.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * A run's streams, robo's own (inherited) unless robo was given others (cli.ts's RunIo); each needs a file
 * descriptor. An expression's command gets stdin and stderr; its stdout is its value.
 */
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
export function invocation(task: Runnable, args: readonly string[], roboFile: string): Invocation {
  switch (task.kind) {
    case 'command':
      return { program: 'sh', args: ['-c', task.run, 'sh', ...args] };
    case 'script':
      return { program: path.resolve(path.dirname(roboFile), task.run), args: [...args] };
    case 'exec': {
      // An exec line may carry its own arguments ("aws-okta exec hub --"), quoted as tj/robo reads them.
      const words = splitWords(task.run);
      // parse.ts refuses such a line; only a $(…) evaluated at run time can still make one.
      if (!words.ok) throw new Error(`exec ${JSON.stringify(task.run)} ${words.problem}`);
      const [program, ...fixed] = words.words;
      return { program: program!, args: [...fixed, ...args] };
    }
  }
}

/**
 * A script without its owner's execute bit runs as `sh SCRIPT ARGS...`, as
 * tj/robo runs it (its #! line is then ignored, which is why teams.validate
 * still asks for the bit). A missing script is left for spawn to report.
 */
function withShellIfNotExecutable(task: Runnable, spawned: Invocation): Invocation {
  if (task.kind !== 'script') return spawned;
  let mode: number;
  try {
    const info = statSync(spawned.program);
    if (info.isDirectory()) return spawned;
    mode = info.mode;
  } catch {
    return spawned;
  }
  return (mode & 0o100) === 0 ? { program: 'sh', args: [spawned.program, ...spawned.args] } : spawned;
}

/**
 * Spawn a child with SIGINT, SIGTERM, SIGHUP and SIGQUIT that robo gets
 * passed on to it while it runs (robo then waits for it, so no child
 * outlives robo); call `stop` once it has exited. The handlers are set
 * before the spawn: a child can start and print before spawn() returns, and
 * a signal sent on seeing that output must not find robo without them.
 */
export function spawnForwardingSignals(start: () => ChildProcess): { child: ChildProcess; stop: () => void } {
  let child: ChildProcess | undefined;
  const forward = (signal: NodeJS.Signals) => () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const stop = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  try {
    child = start();
  } catch (error) {
    stop();
    throw error;
  }
  return { child, stop };
}

/**
 * Run a task or a step with `taskEnv` (K=V) added to `env`; resolves with its
 * exit code (128 + the signal number when a signal ended it).
 */
export async function runTask(
  task: Runnable,
  taskEnv: readonly string[],
  args: readonly string[],
  roboFile: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: TaskStdio = {},
): Promise<number> {
  const { program, args: argv } = withShellIfNotExecutable(task, invocation(task, args, roboFile));
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const entry of taskEnv) {
    const at = entry.indexOf('=');
    childEnv[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return new Promise((resolve, reject) => {
    const { child, stop: done } = spawnForwardingSignals(() =>
      spawn(program, argv, {
        stdio: [stdio.stdin ?? 'inherit', stdio.stdout ?? 'inherit', stdio.stderr ?? 'inherit'],
        env: childEnv,
        cwd,
      }),
    );
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

/** A before or after step that failed: its exit code, or why it could not start. */
export interface StepFailure {
  /** "before step #2 of task deploy", "global after step #1". */
  label: string;
  line: number;
  code: number | undefined;
  error?: Error;
}

export interface SequenceResult {
  /** The task's own exit code, or why it could not start. */
  task: number | Error;
  /** Failed steps, in the order they ran. */
  failures: StepFailure[];
}

/**
 * Global before, task before, the task, task after, global after (as
 * tj/robo runs them). A failing step ends its own list only; the task and the
 * after steps run whatever failed before them. The task's env applies to its
 * own steps, not to the global ones; every step gets the task's arguments.
 * `onFailure` hears each failed step as it happens.
 */
export async function runWithSteps(
  task: RoboTask,
  global: { before: readonly RoboStep[]; after: readonly RoboStep[] },
  args: readonly string[],
  roboFile: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: TaskStdio,
  onFailure: (failure: StepFailure) => void,
): Promise<SequenceResult> {
  const failures: StepFailure[] = [];
  const runList = async (steps: readonly RoboStep[], taskEnv: readonly string[], label: string) => {
    for (const [index, step] of steps.entries()) {
      const failure: StepFailure = { label: label.replace('#', `#${index + 1}`), line: step.line, code: undefined };
      try {
        failure.code = await runTask(step, taskEnv, args, roboFile, env, cwd, stdio);
        if (failure.code === 0) continue;
      } catch (error) {
        failure.error = error as Error;
      }
      failures.push(failure);
      onFailure(failure);
      return; // tj/robo's RunOptionals: a list stops at its first failure
    }
  };
  await runList(global.before, [], 'global before step #');
  await runList(task.before, task.env, `before step # of task ${task.name}`);
  let own: number | Error;
  try {
    own = await runTask(task, task.env, args, roboFile, env, cwd, stdio);
  } catch (error) {
    own = error as Error;
  }
  await runList(task.after, task.env, `after step # of task ${task.name}`);
  await runList(global.after, [], 'global after step #');
  return { task: own, failures };
}
