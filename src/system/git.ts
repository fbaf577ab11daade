/**
 * The one place robo talks to git: through simple-git, and through runGit
 * for the single call a warm run makes.
 *
 * simple-git strips every ambient GIT_* variable (and EDITOR, PAGER, ...) from
 * git's environment unless told otherwise. Users rely on a few of them to
 * reach their git server at all (a custom ssh command, a corporate CA bundle),
 * so those are passed on deliberately; everything else in the git_* namespace
 * is dropped, which also keeps a stray GIT_DIR from pointing robo elsewhere.
 */
import { execFile } from 'node:child_process';
import type { SimpleGit, SimpleGitProgressEvent } from 'simple-git';
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
 * The environment git runs with: the caller's, minus guarded variables that
 * are not passed on, plus settings that keep git from ever waiting for a
 * person. `interactive` is whether someone is at a terminal (stdin is a TTY).
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

export type GitProgress = (event: SimpleGitProgressEvent) => void;

/** A simple-git instance for `baseDir`; simple-git is loaded on first use (see runGit). */
export async function git(baseDir: string, env: NodeJS.ProcessEnv, progress?: GitProgress): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  const environment = gitEnvironment(env, isTerminal(0));
  return simpleGit({
    baseDir,
    allowEnvironment: Object.keys(environment).filter((key) => PASSED.has(key.toLowerCase())),
    // The user chose these (GIT_SSH_COMMAND, GIT_ASKPASS, GIT_PROXY_COMMAND) for their own machine.
    unsafe: { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeGitProxy: true },
    // simple-git only fails a command that exits non-zero *and* wrote to
    // stderr; `git verify-commit` on an unsigned commit exits 1 silently.
    // Any non-zero exit is a failure here.
    errors: (error, result) => {
      if (error || result.exitCode === 0) return error;
      const output = Buffer.concat([...result.stdErr, ...result.stdOut]);
      return output.length > 0 ? output : Buffer.from(`git exited with code ${result.exitCode}`);
    },
    ...(progress ? { progress } : {}),
  }).env(environment);
}

/**
 * One git command run directly, for the warm path: a run that finds nothing
 * new upstream makes a single git call (ls-remote), and loading simple-git
 * (about 35 ms) costs more than that call. Same environment as git(); any
 * non-zero exit rejects with git's stderr as the message. Arguments are
 * robo's own, never options taken from a user.
 */
export function runGit(baseDir: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: baseDir, env: gitEnvironment(env, isTerminal(0)), maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) resolve(stdout);
      else if (error.code === 'ENOENT') reject(error); // no git on PATH
      else reject(new Error(stderr.trim() || stdout.trim() || `git exited with code ${String(error.code)}`));
    });
  });
}

/**
 * runGit for the commands whose answer is their exit code and stderr as much
 * as their stdout (`verify-commit --raw`, `merge-base --is-ancestor`): never
 * rejects for a non-zero exit, only when git cannot be started.
 */
export function runGitForAnswer(baseDir: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: baseDir, env: gitEnvironment(env, isTerminal(0)), maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error); // not started (ENOENT), or killed
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** git's own words for a failure: the `fatal:`/`error:` lines, not the whole transcript. */
export function gitFailure(error: unknown): string {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || /spawn git ENOENT/.test(String(error))) {
    return 'git is not installed or not on PATH';
  }
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const important = lines.filter((line) => /^(fatal|error):/i.test(line)); // GitHub over ssh says ERROR:
  return (important.length > 0 ? important : lines).join('; ') || 'git failed';
}
