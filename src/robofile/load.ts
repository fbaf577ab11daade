/**
 * Finding and reading robo.yml: --config FILE, then $ROBO_CONFIG, then the
 * robo.yml at the root of the dotfiles source (the cached clone of a git
 * source as it is, without a fetch: shared commands must not wait for the
 * network; aws.config keeps the clone fresh).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import { openSource, resolveSource } from '../pipeline/open-source.js';
import { regularFileInRepo } from '../pipeline/repo-path.js';
import { cacheFolder, verifyTrusted } from '../pipeline/source.js';
import { runGit } from '../system/git.js';
import { isBuiltinName } from '../tasks.js';
import { parseRoboFile, type RoboFile } from './parse.js';
import { exists } from '../system/fs.js';

export const ROBO_FILE = 'robo.yml';

export interface RoboFileRequest {
  /** --config FILE */
  config: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The robo.yml to use and where the choice came from; undefined file when the source has none. */
export async function locateRoboFile(request: RoboFileRequest): Promise<{ file: string | undefined; explicit: boolean }> {
  const explicit = request.config ?? (request.env.ROBO_CONFIG || undefined);
  if (explicit) return { file: path.resolve(request.cwd, explicit), explicit: true };
  const source = await resolveSource({ env: request.env, cwd: request.cwd });
  const { spec } = source;
  let dir: string;
  if (spec.kind !== 'git') dir = spec.dir;
  else {
    dir = cacheFolder(source.paths.cacheDir, spec.url);
    if (!(await exists(path.join(dir, '.git')))) {
      // First use on this machine: clone it once, as aws.config would (signatures checked alike).
      const { checkout } = await openSource({ env: request.env, cwd: request.cwd });
      await checkout.keep();
    } else if (source.allowedSigners) {
      // Signatures required: whatever moved the clone, run nothing from a commit that is not signed.
      const head = (await runGit(dir, request.env, ['rev-parse', 'HEAD'])).trim();
      await verifyTrusted(dir, head, spec, { allowedSigners: source.allowedSigners, env: request.env });
    }
  }
  return { file: await regularFileInRepo(dir, ROBO_FILE), explicit: false };
}

export async function loadRoboFile(file: string, explicit: boolean): Promise<RoboFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // A --config that does not exist is a mistake on the command line.
    if (explicit) throw new UsageError(`--config/$ROBO_CONFIG ${file}: ${messageOf(error)}`);
    throw error;
  }
  return parseRoboFile(text, file, { reserved: isBuiltinName, builtins: builtinVariables(file) });
}

/** The variables every robo.yml has, as in tj/robo. */
export function builtinVariables(file: string): Record<string, unknown> {
  const user = os.userInfo();
  return {
    robo: { file, path: path.dirname(file) },
    user: { home: os.homedir(), name: fullName(user.username), username: user.username },
  };
}

/** The user's full name from the passwd entry (GECOS), else the login name. */
function fullName(username: string): string {
  try {
    // os.userInfo has no full name; on macOS and Linux the passwd GECOS field holds it.
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const entry = passwd.split('\n').find((line) => line.startsWith(`${username}:`));
    const gecos = entry?.split(':')[4]?.split(',')[0]?.trim();
    return gecos || username;
  } catch {
    return username;
  }
}

