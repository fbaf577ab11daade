/**
 * Every git command robo runs: local ones through simple-git (runGit,
 * runGitForAnswer), ones that reach the network through runGitRemote (time
 * limit, own process group: docs/source.md says why not simple-git). One
 * environment (gitEnvironment), one error, one place that handles interrupts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, tmpdir } from 'node:os';
import { messageOf } from '../errors.js';
import { isTerminal } from './terminal.js';

export const PASSED_ON_GIT_VARIABLES = [
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_SSH_VARIANT',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'GIT_SSL_CERT',
  'GIT_SSL_KEY',
  'GIT_SSL_NO_VERIFY',
  'GIT_PROXY_COMMAND',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_TERMINAL_PROMPT',
  'GIT_HTTP_LOW_SPEED_LIMIT',
  'GIT_HTTP_LOW_SPEED_TIME',
  'GIT_TRACE',
  'GIT_TRACE_PACKET',
  'GIT_CURL_VERBOSE',
] as const;

/** Variables simple-git guards besides the GIT_* family. */
const GUARDED = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);
const PASSED = new Set<string>(PASSED_ON_GIT_VARIABLES.map((name) => name.toLowerCase()));

/**
 * The caller's environment minus the GIT_* (and EDITOR, PAGER, ...) variables
 * simple-git guards, except those users need to reach their server at all
 * (PASSED_ON_GIT_VARIABLES), so a stray GIT_DIR cannot point robo elsewhere;
 * plus settings that keep git from waiting for a person. `interactive`: stdin is a TTY.
 */
export function gitEnvironment(env: NodeJS.ProcessEnv, interactive = false): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if ((lower.startsWith('git_') || GUARDED.has(lower)) && !PASSED.has(lower)) continue;
    result[key] = value;
  }
  // robo runs unattended (nightly, onboarding scripts): a credential prompt
  // would hang it. A user who wants prompts can set GIT_TERMINAL_PROMPT=1.
  result.GIT_TERMINAL_PROMPT ??= '0';
  // git's messages in English whatever the locale: robo tells a source that
  // is gone for good from one that is offline by them (remote-ref.ts).
  // LANGUAGE outranks LC_ALL for messages only; character handling is untouched.
  result.LANGUAGE = 'en';
  if (!interactive) {
    // Nobody to answer: no graphical ssh passphrase dialog, no Git Credential
    // Manager window. ssh itself cannot prompt without a terminal and fails fast.
    result.SSH_ASKPASS_REQUIRE ??= 'never';
    result.GCM_INTERACTIVE ??= 'never';
  }
  return result;
}

/** A git command that failed: git's own words (stderr, else stdout) as the message, and its exit code. */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  constructor(
    message: string,
    /** undefined when git did not run to an exit (not started, stopped). */
    readonly exitCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const NOT_INSTALLED = 'git is not installed or not on PATH';

/** What a local git command said, and how it ended. */
export interface GitAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/** A local git command; rejects with GitCommandError (git's stderr) for a non-zero exit. Arguments are robo's own. */
export async function runGit(dir: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  const { code, stdout, stderr } = await runGitForAnswer(dir, env, args);
  if (code !== 0) throw new GitCommandError(stderr.trim() || stdout.trim() || `git exited with code ${code}`, code);
  return stdout;
}

/**
 * `git status --porcelain=v2 --branch` with `args` (which untracked files,
 * which paths): HEAD's commit (undefined before the first one) and the
 * entries, one a changed or untracked path. --no-optional-locks: a read must
 * not take index.lock (a fetch may run beside it; CI may check out read-only).
 */
export async function gitStatus(
  dir: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
): Promise<{ head: string | undefined; entries: string[] }> {
  const lines = (await runGit(dir, env, ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', ...args]))
    .split('\n')
    .filter(Boolean);
  return {
    head: lines.map((line) => /^# branch\.oid ([0-9a-f]{40,64})$/.exec(line)?.[1]).find(Boolean),
    entries: lines.filter((line) => !line.startsWith('#')),
  };
}

/**
 * runGit for commands whose exit code is the answer (`merge-base --is-ancestor`):
 * rejects only when git cannot be started. simple-git waits 50 ms after a
 * command that printed nothing, so robo leaves out --quiet where it can.
 */
export async function runGitForAnswer(
  dir: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
): Promise<GitAnswer> {
  const { simpleGit } = await import('simple-git');
  const environment = gitEnvironment(env, isTerminal(0));
  let ended: { code: number; stderr: string } | undefined;
  try {
    const stdout = await simpleGit({
      baseDir: dir,
      allowEnvironment: Object.keys(environment).filter((key) => PASSED.has(key.toLowerCase())),
      unsafe: {
        // The user chose these (GIT_SSH_COMMAND, GIT_ASKPASS, GIT_PROXY_COMMAND) for their own machine.
        allowUnsafeSshCommand: true,
        allowUnsafeAskPass: true,
        allowUnsafeGitProxy: true,
        // trust.ts names the signature checkers itself (gpg.program, gpg.ssh.program), over the user's git config.
        allowUnsafeGpgProgram: true,
      },
      // Every exit is an answer: the caller decides what a non-zero one means.
      // (simple-git's own check has already made one of a non-zero exit with stderr: dropped here.)
      errors: (error, result) => {
        const stderr = Buffer.concat(result.stdErr).toString('utf8');
        // Not started (no git: exit code -2), or stopped by a signal: then what git said before it is the why.
        if (!Number.isInteger(result.exitCode) || result.exitCode < 0)
          return error ?? Buffer.from(`${stderr.trim() ? `${stderr.trim()}\n` : ''}git ended without an exit code`);
        ended = { code: result.exitCode, stderr };
        return undefined;
      },
    })
      .env(environment)
      .raw([...args]);
    return { code: ended?.code ?? 0, stdout, stderr: ended?.stderr ?? '' };
  } catch (error) {
    const message = messageOf(error);
    throw new GitCommandError(/spawn \S*git ENOENT/.test(message) ? NOT_INSTALLED : message, undefined, {
      cause: error,
    });
  }
}

/** `git --version`'s output (robo doctor), or undefined when git cannot be started. */
export async function gitVersion(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const { code, stdout } = await runGitForAnswer(tmpdir(), env, ['--version']);
    return code === 0 ? stdout : undefined;
  } catch {
    return undefined;
  }
}

/** git's own words for a failure: the `fatal:`/`error:` lines, not the whole transcript. */
export function gitFailure(error: unknown): string {
  const lines = messageOf(error)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const important = lines.filter((line) => /^(fatal|error):/i.test(line)); // GitHub over ssh says ERROR:
  return (important.length > 0 ? important : lines).join('; ') || 'git failed';
}

/** git's progress through a transfer, read from its --progress output. */
export interface GitProgressEvent {
  /** The first word of git's stage, lower case: "counting" (the remote's), "receiving", "resolving". */
  stage: string;
  progress: number;
}

/** What a person may be shown while git talks to a remote; the command layer decides how, and whether. */
export interface RemoteListener {
  /** git has started asking `remote`, and has not finished yet. */
  contacting(remote: string): void;
  progress(event: GitProgressEvent): void;
  /** git is done with the remote: it answered, failed or was stopped. */
  done(): void;
}

export interface RemoteCall {
  /** The remote as a person knows it (the source's URL and ref), for the listener. */
  remote: string;
  /** How long git may go without a word on stdout or stderr before it is stopped; undefined: no limit. */
  timeoutMs: number | undefined;
  listener?: RemoteListener;
}

/** git heard nothing from the remote for the whole time limit, and was stopped. */
export class GitTimeoutError extends GitCommandError {
  override name = 'GitTimeoutError';
  constructor(readonly ms: number) {
    super(`the remote did not answer within ${Number((ms / 1000).toFixed(3))} s`);
  }
}

/**
 * Whether a person may answer git's questions: they asked for prompts
 * (GIT_TERMINAL_PROMPT=1, see gitEnvironment) and stdin is a terminal.
 * Then git stays in robo's process group, where it and ssh can ask on the
 * terminal, and no time limit applies (a person is typing).
 */
export function personAnswers(env: NodeJS.ProcessEnv, interactive: boolean): boolean {
  return interactive && /^(1|true|yes|on)$/i.test(env.GIT_TERMINAL_PROMPT ?? '');
}

/** How long git gets to tidy up (its lock files) after SIGTERM, before SIGKILL. */
const GRACE_MS = 2000;
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A progress line: "Receiving objects:  45% (9/20)", "remote: Counting objects: 100% (3/3), done." */
const PROGRESS = /^(?:remote: )?([\s\S]+?):\s*(\d+)% \((\d+)\/(\d+)\)/;

interface Running {
  /** Send `signal` to git and its helpers; resolves once git's output is closed (SIGKILL after a grace period). */
  stop(signal: NodeJS.Signals): Promise<void>;
}
const running = new Set<Running>();
let interrupted: NodeJS.Signals | undefined;

/**
 * robo was told to stop while git talks to a remote in its own process
 * group: pass the signal on to the group, wait for git to go, then die of
 * the same signal. A second signal does not wait.
 */
function onInterrupt(signal: NodeJS.Signals): void {
  if (interrupted) {
    for (const entry of running) void entry.stop('SIGKILL');
    return;
  }
  interrupted = signal;
  void Promise.all([...running].map((entry) => entry.stop(signal))).finally(() => {
    for (const name of INTERRUPTS) process.off(name, onInterrupt);
    // With no listener left: death by `signal`. A remaining one (proper-lockfile's,
    // releasing robo's locks) gets it on a later turn, which the timer waits for.
    setTimeout(() => (process.exitCode = 128 + (constants.signals[signal] ?? 0)), GRACE_MS);
    process.kill(process.pid, signal);
  });
}

function track(entry: Running): void {
  if (running.size === 0 && !interrupted) for (const name of INTERRUPTS) process.on(name, onInterrupt);
  running.add(entry);
}

function untrack(entry: Running): void {
  running.delete(entry);
  if (running.size === 0 && !interrupted) for (const name of INTERRUPTS) process.off(name, onInterrupt);
}

/**
 * A git command that talks to a remote (ls-remote, fetch). Unless a person may
 * answer, git runs in its own process group, stopped (SIGTERM, then SIGKILL)
 * after `timeoutMs` of silence (GitTimeoutError; give a fetch --progress) or
 * when robo is interrupted. Rejects with git's stderr, progress lines left out.
 * Why not simple-git: docs/source.md, "How it is built".
 */
export function runGitRemote(
  baseDir: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  call: RemoteCall,
): Promise<string> {
  const interactive = isTerminal(0);
  const person = personAnswers(env, interactive);
  const ownGroup = !person && process.platform !== 'win32';
  const timeoutMs = person ? undefined : call.timeoutMs;
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('git', args, {
      cwd: baseDir,
      env: gitEnvironment(env, interactive),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: ownGroup,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let pending = ''; // stderr after the last CR or LF: maybe a progress line still being written
    let timedOut = false;
    let settled = false;
    let silence: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((done) => child.once('close', () => done()));
    const signal = (name: NodeJS.Signals) => {
      try {
        if (ownGroup && child.pid !== undefined) process.kill(-child.pid, name);
        else child.kill(name);
      } catch {
        // already gone
      }
    };
    const entry: Running = {
      stop: async (name) => {
        signal(name);
        const kill = setTimeout(() => signal('SIGKILL'), GRACE_MS);
        await closed;
        clearTimeout(kill);
      },
    };
    const listen = () => {
      clearTimeout(silence);
      if (timeoutMs !== undefined) {
        silence = setTimeout(() => {
          timedOut = true;
          void entry.stop('SIGTERM');
        }, timeoutMs);
      }
    };
    const finish = (outcome: () => void) => {
      clearTimeout(silence);
      untrack(entry);
      if (settled) return;
      settled = true;
      call.listener?.done();
      // robo is about to die of a signal (onInterrupt): no caller may go on to fall back, print or write.
      if (!interrupted) outcome();
    };

    track(entry);
    if (!person) call.listener?.contacting(call.remote);
    listen();
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      listen();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      listen();
      // Progress lines end in CR (redrawn in place) or LF; everything else is kept exactly as git wrote it.
      const parts = (pending + chunk.toString('utf8')).split(/(\r\n?|\n)/);
      pending = parts.pop()!;
      for (let index = 0; index < parts.length; index += 2) {
        const progress = PROGRESS.exec(parts[index]!);
        if (!progress) stderr += parts[index]! + parts[index + 1]!;
        else
          call.listener?.progress({
            stage: progress[1]!.toLowerCase().split(' ', 1)[0] || 'unknown',
            progress: Number(progress[2]),
          });
      }
    });
    child.once('error', (error) =>
      // not started
      finish(() =>
        reject(
          new GitCommandError(
            (error as NodeJS.ErrnoException).code === 'ENOENT' ? NOT_INSTALLED : error.message,
            undefined,
            {
              cause: error,
            },
          ),
        ),
      ),
    );
    child.once('close', (code, killedBy) => {
      finish(() => {
        const said = (stderr + (PROGRESS.test(pending) ? '' : pending)).trim();
        if (timedOut) reject(new GitTimeoutError(timeoutMs!));
        else if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
        else
          reject(
            new GitCommandError(
              said ||
                Buffer.concat(stdout).toString('utf8').trim() ||
                (killedBy ? `git was stopped by ${killedBy}` : `git exited with code ${String(code)}`),
              code ?? undefined,
            ),
          );
      });
    });
  });
}
