/**
 * Finding and reading robo.yml: --tasks FILE, then $ROBO_TASKS, then the one at the root of the dotfiles
 * source (a git source's cached clone, not fetched: shared commands do not wait for the network; with signed
 * commits required, read from the last accepted commit, so an edit in the cache never runs). Beside it,
 * unless a file was named, the working folder's ./robo.yml, whose tasks win over shared ones of their name.
 */
import { existsSync, readFileSync, type Stats } from 'node:fs';
import { readFile, readlink, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import { openSource, resolveSource } from '../source/open-source.js';
import { regularFileInRepo } from '../definitions/repo-path.js';
import { cacheFolder, describeSpec, trustedSource } from '../source/source.js';
import { readFromCommit, restoreAccepted } from '../source/trust.js';
import { isBuiltinName } from '../cli/tasks.js';
import { parseRoboFile, type RoboFile } from './parse.js';
import type { TaskFiles } from '../commands/robofile.js';

export const ROBO_FILE = 'robo.yml';

export interface RoboFileRequest {
  /** --tasks FILE (or its old name, --config FILE) */
  tasks: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface LocatedRoboFile {
  /** undefined when the source has none. */
  file: string | undefined;
  /** --tasks or $ROBO_TASKS (or their old names) chose it. */
  explicit: boolean;
  /** Its text, when it was read from a verified commit rather than from the file. */
  text?: string;
  /** Where the source's robo.yml is or would be (the source may have none): ./robo.yml there is this file, not another. */
  at?: string;
}

/**
 * The robo.yml files of a run. `cached` (a Tab in the shell): a git source's clone is read as it is in the
 * cache, never cloned, fetched or checked out, and a file that cannot be found or read is left out, not an error.
 */
export async function loadTaskFiles(request: RoboFileRequest, cached = false): Promise<TaskFiles> {
  const skip = (error: unknown) => {
    if (cached) return undefined;
    throw error;
  };
  const located = await locateRoboFile(request, cached).catch(skip);
  const localFile = await locateLocalRoboFile(request, located?.at);
  const [shared, local] = await Promise.all([
    located?.file ? loadRoboFile(located.file, located.explicit, located.text).catch(skip) : undefined,
    localFile ? loadLocalRoboFile(localFile).catch(skip) : undefined,
  ]);
  return { shared, local };
}

/** $ROBO_TASKS, or its old name $ROBO_CONFIG (kept working for scripts that set it). */
function tasksFileFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.ROBO_TASKS || env.ROBO_CONFIG || undefined;
}

/** The robo.yml to use and where the choice came from. */
async function locateRoboFile(request: RoboFileRequest, cached: boolean): Promise<LocatedRoboFile> {
  const explicit = request.tasks ?? tasksFileFromEnv(request.env);
  if (explicit) return { file: path.resolve(request.cwd, explicit), explicit: true };
  const source = await resolveSource({ env: request.env, cwd: request.cwd });
  const { spec } = source;
  const dir = spec.kind === 'git' ? cacheFolder(source.paths.cacheDir, spec.url) : spec.dir;
  const at = path.join(dir, ROBO_FILE);
  if (spec.kind === 'git' && !cached) {
    const cloned = existsSync(path.join(dir, '.git'));
    /** With signed commits required: the accepted commit robo.yml comes from. */
    let commit: string | undefined;
    // Signatures required: whatever moved or edited the clone, use the commit robo accepted last (checked again).
    if (cloned && source.trust)
      commit = await restoreAccepted(dir, trustedSource(spec), source.trust, source.paths.cacheDir, request.env);
    if (!cloned || (source.trust && commit === undefined)) {
      // First use on this machine (or of signatures): clone or fetch once, as aws.config would, with the same checks.
      const { checkout } = await openSource({ env: request.env, cwd: request.cwd });
      await checkout.keep();
      if (source.trust) commit = checkout.commit;
    }
    if (source.trust) {
      if (commit === undefined) throw new Error(`no accepted commit of ${describeSpec(spec)} after its checkout`);
      const text = await readFromCommit(dir, commit, ROBO_FILE, request.env);
      return { file: text === undefined ? undefined : at, explicit: false, text, at };
    }
  }
  const file = regularFileInRepo(dir, ROBO_FILE);
  return { file: await (cached ? file.catch(() => undefined) : file), explicit: false, at };
}

/** ./robo.yml of the working folder, and why it cannot be read when it is not a regular file. */
interface LocalRoboFile {
  file: string;
  notAFile: string | undefined;
}

/**
 * ./robo.yml of the working folder (not of its parents), when no tasks file
 * was named and it is not the source's own robo.yml (`sharedAt`, compared by
 * real path: run in the dotfiles checkout, it is one file). It is the
 * user's own folder's file, like a Makefile, so a link is followed; only a
 * regular file is read (a FIFO would block).
 */
async function locateLocalRoboFile(
  request: RoboFileRequest,
  sharedAt: string | undefined,
): Promise<LocalRoboFile | undefined> {
  if (request.tasks ?? tasksFileFromEnv(request.env)) return undefined;
  const file = path.join(request.cwd, ROBO_FILE);
  try {
    const stats = await stat(file);
    const real = await realpath(file);
    if (sharedAt !== undefined && real === (await realpath(sharedAt).catch(() => sharedAt))) return undefined;
    return { file, notAFile: stats.isFile() ? undefined : `is ${kindOf(stats)}, not a file` };
  } catch (error) {
    // A link whose target is gone is there all the same: say so, as for a folder.
    const target = await readlink(file).catch(() => undefined);
    if (target === undefined) return undefined; // none here (or unreadable as a folder entry): nothing to offer
    const code = (error as NodeJS.ErrnoException).code;
    return {
      file,
      notAFile: `is a link to ${target}, which ${code === 'ENOENT' ? 'does not exist' : 'cannot be followed'}`,
    };
  }
}

/** What a folder entry that is not a regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'a device';
  return 'a special file';
}

/**
 * The working folder's robo.yml. A folder (FIFO, dangling link, ...) of that name is a
 * robo.yml with that one problem, so `robo` warns as for a broken file
 * instead of leaving people to wonder where their tasks went; it names no
 * task, so every shared task still runs.
 */
async function loadLocalRoboFile({ file, notAFile }: LocalRoboFile): Promise<RoboFile> {
  if (notAFile === undefined) return loadRoboFile(file, false);
  const empty = parseRoboFile('', file, { reserved: isBuiltinName, builtins: builtinVariables(file) });
  return { ...empty, declared: new Set(), errors: [{ line: 1, message: notAFile }] };
}

/** `text`: robo.yml's content when the caller already has it (read from a verified commit). */
export async function loadRoboFile(file: string, explicit: boolean, text?: string): Promise<RoboFile> {
  try {
    text ??= await readFile(file, 'utf8');
  } catch (error) {
    // A --tasks file that does not exist is a mistake on the command line.
    if (explicit)
      throw new UsageError(
        `tasks file ${file} (--tasks, --config or -c; $ROBO_TASKS or $ROBO_CONFIG): ${messageOf(error)}`,
      );
    throw error;
  }
  return parseRoboFile(text, file, { reserved: isBuiltinName, builtins: builtinVariables(file) });
}

/** The variables every robo.yml has, as in tj/robo. */
export function builtinVariables(file: string): Record<string, unknown> {
  return { robo: { file, path: path.dirname(file) }, user: { ...currentUser() } };
}

let user: { home: string; name: string; username: string } | undefined;

/** user.*, read once per run (a run may load two robo.yml files). */
function currentUser(): { home: string; name: string; username: string } {
  if (!user) {
    const { homedir, username } = os.userInfo();
    // The passwd entry's home, as Go's os/user gives tj/robo: not $HOME.
    user = { home: homedir, name: fullName(username), username };
  }
  return user;
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
