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
 * - roboOnPath puts a `robo` command on a PATH, for a program the test starts
 *   that runs robo itself (a shell answering a Tab): each run is a runRobo.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import net from 'node:net';
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
  if (isatty(0) || isatty(1) || isatty(2))
    throw new Error("a standard stream of the test process is a terminal: run vitest's forks pool (vitest.config.ts)");
  // Test-only knobs robo reads from process.env, not from the run's env (system/lock.ts, system/test-log.ts):
  // set there for this run only (one run at a time), as the binary would see them.
  const knobs = ['ROBO_LOCK_WAIT_MS', 'ROBO_TEST_LOG'] as const;
  const outer = knobs.map((name) => process.env[name]);
  running = true;
  try {
    for (const name of knobs) setEnv(name, options.env[name]);
    return await runInProcess(args, options);
  } finally {
    knobs.forEach((name, index) => setEnv(name, outer[index]));
    running = false;
  }
}

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
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

/**
 * A folder `dir/bin` with a `robo` command in it, for a program the test starts
 * that runs robo (a shell answering a Tab): each run of the command is a
 * runRobo in this process, with the command's arguments, working directory
 * and environment, its output and exit code handed back to the command. The
 * command is a bash script talking to this process over 127.0.0.1, so a run
 * costs a bash and a connection instead of a Node start-up (a shell test runs
 * robo once per case). Its stdin is not passed on (runRobo's is empty), and a
 * run of it from inside a runRobo (a robo.yml task) would be two runs at once:
 * such a test puts the binary on its PATH. With ROBO_TEST_BINARY=1 the command
 * runs the binary. `close()` when done.
 */
export async function roboOnPath(dir: string): Promise<{ bin: string; close(): Promise<void> }> {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const command = path.join(bin, 'robo');
  if (process.env.ROBO_TEST_BINARY === '1') {
    writeFileSync(command, `#!/bin/sh\nexec '${process.execPath}' '${roboBin}' "$@"\n`);
    chmodSync(command, 0o755);
    return { bin, close: () => Promise.resolve() };
  }
  // Runs one at a time, in the order they came (runRobo allows no two at once).
  let queue = Promise.resolve();
  const server = net.createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('error', () => {}); // a command that went away: nothing to answer
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const request = parseRequest(received);
      if (!request) return;
      queue = queue.then(async () => {
        const result = await runRobo(request.args, { env: request.env, cwd: request.cwd }).catch(
          (error: unknown): RunResult => ({
            code: 70,
            signal: null,
            stdout: '',
            stderr: `roboOnPath: ${String(error)}\n`,
          }),
        );
        const out = Buffer.from(result.stdout);
        const err = Buffer.from(result.stderr);
        socket.end(Buffer.concat([Buffer.from(`${result.code ?? 70} ${out.length} ${err.length}\n`), out, err]));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  // Sends its directory, its arguments and its environment, each NUL-terminated and
  // counted; reads back "code stdout-bytes stderr-bytes", then the two outputs.
  const script = [
    '#!/bin/bash',
    `exec 3<>/dev/tcp/127.0.0.1/${port} || exit 70`,
    'names=($(compgen -e))',
    '{',
    '  printf "%s\\0" "$PWD" "$#" "$@" "${#names[@]}"',
    '  for name in "${names[@]}"; do printf "%s=%s\\0" "$name" "${!name}"; done',
    '} >&3',
    'read -r code out err <&3',
    'head -c "$out" <&3',
    'head -c "$err" <&3 >&2',
    'exit "$code"',
    '',
  ].join('\n');
  writeFileSync(command, script);
  chmodSync(command, 0o755);
  return {
    bin,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A whole request of roboOnPath's command (cwd, argument count, arguments, variable count, NAME=value), or undefined until all of it is here. */
function parseRequest(data: Buffer): { cwd: string; args: string[]; env: NodeJS.ProcessEnv } | undefined {
  const fields = data.toString('utf8').split('\0');
  fields.pop(); // what follows the last NUL: an incomplete field, or ''
  if (fields.length < 2) return undefined;
  const argCount = Number(fields[1]);
  if (fields.length < 3 + argCount) return undefined;
  const envCount = Number(fields[2 + argCount]);
  if (fields.length < 3 + argCount + envCount) return undefined;
  const env: NodeJS.ProcessEnv = {};
  for (const entry of fields.slice(3 + argCount, 3 + argCount + envCount)) {
    const at = entry.indexOf('=');
    env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { cwd: fields[0]!, args: fields.slice(2, 2 + argCount), env };
}
