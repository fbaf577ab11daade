/**
 * Running robo in a test, two ways (CONTRIBUTING.md, "How the tests run"):
 *
 * - runRobo calls src/cli/cli.ts's main() in this process, with the run's argv,
 *   env, working directory and output given to it: the same code path as
 *   the binary, without Node's start-up for every run.
 * - runRoboBinary spawns the built executable (bin/robo.cjs → dist/robo.cjs),
 *   like a user would. Only for what a process shows: signals, the exit code
 *   the process ends with, terminals, stack traces, packaging, the nightly
 *   job's command line, concurrency between processes, fault injection.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
export const roboBin = path.join(projectRoot, 'bin', 'robo.cjs');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Default: the sandbox's HOME. */
  cwd?: string;
  /** A bound on the run (default 20 s): the binary is killed, an in-process run rejects. */
  timeoutMs?: number;
}

let running = false;

/**
 * robo in this process: main(argv, env, { cwd, stdout, stderr }), its output
 * captured. One run at a time. ROBO_TEST_BINARY=1 runs it through the binary
 * instead, as every test did before: the whole suite against the bundle.
 */
export async function runRobo(args: string[], options: RunOptions): Promise<RunResult> {
  if (process.env.ROBO_TEST_BINARY === '1') return runRoboBinary(args, options);
  // What main() cannot be given, because it is read from the process: such a test needs runRoboBinary.
  if (running) throw new Error('runs at the same time share this process (console, signals): use runRoboBinary');
  // Test-only knobs robo reads from process.env, not from the run's env (system/lock.ts, system/test-log.ts).
  for (const name of ['ROBO_LOCK_WAIT_MS', 'ROBO_TEST_LOG'])
    if (options.env[name] !== undefined) throw new Error(`${name} is read from process.env: use runRoboBinary`);
  if (isatty(0) || isatty(1) || isatty(2))
    throw new Error("a standard stream of the test process is a terminal: run vitest's forks pool (vitest.config.ts)");
  running = true;
  try {
    return await runInProcess(args, options);
  } finally {
    running = false;
  }
}

async function runInProcess(args: string[], options: RunOptions): Promise<RunResult> {
  const { main } = await import('../../src/cli/cli.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'robo-run-'));
  const fds = {
    stdin: openSync('/dev/null', 'r'),
    stdout: openSync(path.join(dir, 'stdout'), 'w'),
    stderr: openSync(path.join(dir, 'stderr'), 'w'),
  };
  // Files, not pipes: a robo.yml task writes to the same descriptors, and
  // synchronous writes keep the order a terminal would show.
  const stream = (fd: number) =>
    ({
      fd,
      isTTY: false,
      write: (chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (typeof chunk === 'string') writeSync(fd, chunk);
        else writeSync(fd, chunk);
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        done?.();
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const stdout = stream(fds.stdout);
  const stderr = stream(fds.stderr);
  // robo prints only through its Reporter; catch any stray write (console, process.stdout) as the process would.
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    out: process.stdout.write,
    err: process.stderr.write,
  };
  const print =
    (target: NodeJS.WriteStream) =>
    (...values: unknown[]) =>
      target.write(`${format(...values)}\n`);
  console.log = console.info = print(stdout);
  console.warn = console.error = print(stderr);
  process.stdout.write = stdout.write;
  process.stderr.write = stderr.write;
  const listeners = new Set(signalListeners());
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      main(args, options.env, {
        cwd: options.cwd ?? options.env.HOME,
        stdin: stream(fds.stdin) as unknown as NodeJS.ReadStream,
        stdout,
        stderr,
        executable: roboBin,
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`robo ${args.join(' ')} did not finish in time`)),
          options.timeoutMs ?? 20_000,
        );
      }),
    ]);
    // Nothing of one run may reach the next: robo sets no exit code and leaves no signal handler behind.
    if (process.exitCode !== undefined) throw new Error(`robo set process.exitCode (${String(process.exitCode)})`);
    if (signalListeners().some((listener) => !listeners.has(listener)))
      throw new Error('robo left a signal handler behind');
    return {
      code,
      signal: null,
      stdout: readFileSync(path.join(dir, 'stdout'), 'utf8'),
      stderr: readFileSync(path.join(dir, 'stderr'), 'utf8'),
    };
  } finally {
    clearTimeout(timer);
    Object.assign(console, { log: saved.log, info: saved.info, warn: saved.warn, error: saved.error });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const fd of Object.values(fds)) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The signal handlers robo's runs add and remove (git's interrupt handler,
 * a robo.yml task's forwarding). Not signal-exit's, named `listener`:
 * proper-lockfile installs those once, when it is first loaded, for the
 * life of the process.
 */
function signalListeners(): NodeJS.SignalsListener[] {
  return (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const)
    .flatMap((name) => process.listeners(name))
    .filter((listener) => listener.name !== 'listener');
}

/** The built robo as a separate process. `bin`: another copy of robo's executable (default: this checkout's). */
export function runRoboBinary(args: string[], options: RunOptions & { bin?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? roboBin, ...args], {
      env: options.env,
      cwd: options.cwd ?? options.env.HOME,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
