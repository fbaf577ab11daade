/**
 * The only place the nightly job touches the machine's schedulers:
 * systemctl, launchctl and crontab, run as child processes with the
 * caller's environment (so tests put fakes first on PATH). Nothing here
 * decides anything; install.ts and status.ts do.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WriteError } from '../errors.js';

export interface ToolResult {
  /** The exit code; undefined when the program could not be started (not installed). */
  code: number | undefined;
  stdout: string;
  stderr: string;
}

/** Run a program to the end; never rejects. */
export function runTool(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const code = typeof error.code === 'number' ? error.code : undefined;
        resolve({ code, stdout, stderr: stderr || error.message });
      },
    );
  });
}

/** The first executable `name` in the environment's PATH (absolute folders only), as `command -v` finds it. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(folder)) continue;
    const candidate = path.join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether `systemctl --user` reaches a user manager here (not in most containers, nor without a session bus). */
export async function systemdUsable(env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await runTool('systemctl', ['--user', 'show-environment'], env)).code === 0;
}

/** The user's crontab: its text ('' when they have none), or undefined when crontab is not installed. */
export async function readCrontab(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const result = await runTool('crontab', ['-l'], env);
  if (result.code === 0) return result.stdout;
  if (result.code === undefined) return undefined; // not installed (or not startable)
  if (/no crontab/i.test(result.stderr)) return '';
  throw new WriteError(`cannot read your crontab (crontab -l: ${result.stderr.trim().split('\n')[0]})`);
}

/** Replace the user's crontab with `text`, through a private temp file as `crontab FILE` wants. */
export async function writeCrontab(text: string, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'robo-crontab-'));
  try {
    const file = path.join(folder, 'crontab');
    await writeFile(file, text, { mode: 0o600 });
    const result = await runTool('crontab', [file], env);
    if (result.code !== 0)
      throw new WriteError(`cannot write your crontab (crontab: ${result.stderr.trim().split('\n')[0]})`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
