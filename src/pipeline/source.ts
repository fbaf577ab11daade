/**
 * Stage 1: decide where the definitions come from, and get them on disk.
 *
 * Precedence: --repo, $ROBO_DOTFILES_REPO, robo's settings file, then the
 * example organisation bundled with the package (the embedded default).
 * A git source is shallow-cloned into a per-source folder of the cache and
 * later fetched and hard-reset to the remote ref, so edits made in the cache
 * never leak into a config. A local path is read as it is.
 *
 * A checkout is provisional until the caller has validated it: keep() makes
 * it the cache's state, discard() puts the cache back as it was, so broken
 * definitions never replace a good clone.
 */
import { mkdir, readFile, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SourceError, UsageError } from '../errors.js';
import { expandHome, packageRoot, resolvePaths } from '../paths.js';
import type { Settings } from '../settings.js';
import type { SimpleGit } from 'simple-git';
import { git, gitFailure, runGit, type GitProgress } from '../system/git.js';
import { acquireLock, lockPath } from '../system/lock.js';
import { exists } from '../system/fs.js';
import { randomHex, sha256 } from '../system/crypto.js';
import { recordAccepted, verifyCommit, type TrustPolicy, type TrustedSource } from './trust.js';

export type SourceOrigin = '--repo' | '$ROBO_DOTFILES_REPO' | 'settings' | 'default';

export type SourceSpec =
  | { kind: 'embedded'; dir: string; origin: 'default' }
  | { kind: 'path'; dir: string; origin: SourceOrigin }
  | { kind: 'git'; url: string; ref: string | undefined; origin: SourceOrigin };

export interface SourceRequest {
  repo?: string;
  ref?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  settings: Settings;
}

export function resolveSourceSpec(request: SourceRequest): SourceSpec {
  const { env, settings } = request;
  // An empty flag is a mistake (an unset variable in a script), not "use the default".
  if (request.repo === '') throw new UsageError('--repo is empty: give a git URL or a folder, or leave the flag out');
  if (request.ref === '') throw new UsageError('--ref is empty: give a branch or tag, or leave the flag out');
  if (request.ref?.startsWith('-')) throw new UsageError(`--ref ${JSON.stringify(request.ref)}: a branch or tag name cannot start with "-"`);
  const candidates: Array<[string | undefined, SourceOrigin]> = [
    [request.repo, '--repo'],
    [env.ROBO_DOTFILES_REPO, '$ROBO_DOTFILES_REPO'],
    [settings.dotfiles.repo, 'settings'],
  ];
  const ref = request.ref ?? (env.ROBO_DOTFILES_REF || undefined) ?? settings.dotfiles.ref;
  for (const [location, origin] of candidates) {
    if (location === undefined || location === '') continue;
    if (isGitUrl(location)) return { kind: 'git', url: location, ref, origin };
    const dir = path.resolve(request.cwd, expandHome(location, resolvePaths(env).home));
    // A ref only means something to git: a local repo with a ref is cloned like a URL.
    if (ref !== undefined) return { kind: 'git', url: dir, ref, origin };
    return { kind: 'path', dir, origin };
  }
  return { kind: 'embedded', dir: packageRoot(), origin: 'default' };
}

/**
 * URLs git understands: scheme://..., and scp-like [user@]host:path. As in
 * git itself, a colon before the first slash makes it scp-like (so a folder
 * with a colon in its name needs ./ in front).
 */
export function isGitUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[^/]+:/.test(location);
}

export function describeSpec(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'embedded':
      return `the example organisation bundled with robo (${spec.dir})`;
    case 'path':
      return spec.dir;
    case 'git':
      return spec.ref ? `${spec.url} (ref ${spec.ref})` : spec.url;
  }
}

export interface Checkout {
  spec: SourceSpec;
  /** Folder holding organization.json and teams/. */
  dir: string;
  /** The commit checked out, for git sources. */
  commit?: string;
  /** Set when the fetch failed and the last good clone is used instead. */
  offline?: { reason: string; commitDate: Date };
  /** Make this checkout the cache's state (after validation passed), and let other runs in. */
  keep(): Promise<void>;
  /** Put the cache back as it was before (after validation failed), and let other runs in. */
  discard(): Promise<void>;
}

export interface CheckoutOptions {
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  progress?: GitProgress;
  /** Fail instead of falling back to the cached clone when the fetch fails. */
  strict?: boolean;
  /** Signed commits required: accept a commit only if it passes trust.ts (signer, no rollback). */
  trust?: TrustPolicy;
  /** The remote's answer, when the caller already asked it (askRemote): not asked twice. */
  remote?: RemoteAnswer;
}

/** What `git ls-remote` said of the ref: its commit (undefined when not listed), or why it failed. */
export type RemoteAnswer = PromiseSettledResult<string | undefined>;

/**
 * The remote's commit for the source's ref, asked from its clone without the
 * lock: the first look of a warm run (aws-config.ts decides from it whether
 * anything needs doing). `dir` is the clone's folder when the caller knows
 * it (cacheFolder hashes the URL, which loads node:crypto). undefined when
 * there is no clone. git is started before this returns its promise, so the
 * caller can do other work while it runs.
 */
export async function askRemote(
  spec: Extract<SourceSpec, { kind: 'git' }>,
  options: Pick<CheckoutOptions, 'cacheDir' | 'env'> & { dir?: string },
): Promise<{ dir: string; remote: RemoteAnswer } | undefined> {
  const dir = options.dir ?? cacheFolder(options.cacheDir, spec.url);
  if (!existsSync(path.join(dir, '.git'))) return undefined;
  const [remote] = await Promise.allSettled([remoteCommit(dir, spec.ref, options.env)]);
  return { dir, remote };
}

export async function checkoutSource(spec: SourceSpec, options: CheckoutOptions): Promise<Checkout> {
  if (spec.kind !== 'git') {
    await requireDirectory(spec.dir, spec.origin);
    return { spec, dir: spec.dir, keep: async () => {}, discard: async () => {} };
  }
  const dir = cacheFolder(options.cacheDir, spec.url);
  // One run at a time per clone: git's own lock files would make a second
  // concurrent fetch fail, and reset/validate/keep must see one state.
  const lock = await acquireLock(lockPath(options.cacheDir, 'source', spec.url), `the cached clone of ${spec.url}`);
  try {
    await removeLeftovers(dir);
    const checkout = (await exists(path.join(dir, '.git'))) ? await updateClone(spec, dir, options) : await freshClone(spec, dir, options);
    // A kept checkout's commit is the one later commits must descend from (trust.ts), recorded under the lock.
    const { trust } = options;
    const accept = trust && checkout.commit ? () => recordAccepted(trust, trustedSource(spec), checkout.commit!) : async () => {};
    return {
      ...checkout,
      keep: () => checkout.keep().then(accept).finally(() => lock.release()),
      discard: () => checkout.discard().finally(() => lock.release()),
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * What a run killed half way leaves behind: a half-made clone beside the
 * cache folder, and git's own *.lock files, which would make every later
 * git command fail. Only called while holding the clone's lock, so nothing
 * found here belongs to a live run.
 */
async function removeLeftovers(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.incoming-`;
  const siblings = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(siblings.filter((name) => name.startsWith(prefix)).map((name) => rm(path.join(parent, name), { recursive: true, force: true })));
  const gitDir = path.join(dir, '.git');
  const top = await readdir(gitDir).catch(() => [] as string[]);
  const refs = (await readdir(path.join(gitDir, 'refs'), { recursive: true }).catch(() => [] as string[])).map((name) => path.join('refs', name));
  await Promise.all([...top, ...refs].filter((name) => name.endsWith('.lock')).map((name) => rm(path.join(gitDir, name), { force: true })));
}

/** One folder per source URL: a readable slug plus a hash, so two URLs never share a clone. */
export function cacheFolder(cacheDir: string, url: string): string {
  const slug = url.replace(/\.git$/, '').split(/[/:]/).filter(Boolean).slice(-2).join('-').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
  const hash = sha256(url).slice(0, 12);
  return path.join(cacheDir, 'sources', `${slug || 'source'}-${hash}`);
}

async function freshClone(spec: Extract<SourceSpec, { kind: 'git' }>, dir: string, options: CheckoutOptions): Promise<Checkout> {
  // Clone next to the final folder and move it in only once validated: a
  // failed or interrupted clone never leaves a half-made cache behind.
  const incoming = `${dir}.incoming-${randomHex(6)}`;
  const created = await mkdir(path.dirname(dir), { recursive: true });
  try {
    const args = ['--depth', '1', '--single-branch', '--no-tags'];
    if (spec.ref) args.push('--branch', spec.ref);
    await (await git(path.dirname(dir), options.env, options.progress)).clone(spec.url, incoming, args);
  } catch (error) {
    await rm(incoming, { recursive: true, force: true });
    await removeEmptyFolders(path.dirname(dir), created);
    throw new SourceError(`cannot clone ${describeSpec(spec)}: ${gitFailure(error)}`, { cause: error });
  }
  const commit = (await (await git(incoming, options.env)).revparse(['HEAD'])).trim();
  try {
    await verifyTrusted(incoming, commit, spec, options);
  } catch (error) {
    await rm(incoming, { recursive: true, force: true });
    await removeEmptyFolders(path.dirname(dir), created);
    throw error;
  }
  return {
    spec,
    dir: incoming,
    commit,
    keep: async () => {
      try {
        await rename(incoming, dir);
      } catch {
        // Another run put a clone there first; theirs is as good as ours.
        await rm(incoming, { recursive: true, force: true });
      }
    },
    discard: () => rm(incoming, { recursive: true, force: true }),
  };
}

async function updateClone(spec: Extract<SourceSpec, { kind: 'git' }>, dir: string, options: CheckoutOptions): Promise<Checkout> {
  const repo = await git(dir, options.env, options.progress);
  // First ask the remote which commit the ref is at (ls-remote: one round
  // trip, no pack), unless the caller did, while status looks at the working
  // tree; the two are independent, so they run side by side.
  const [asked, looked] = await Promise.allSettled([
    options.remote ? settled(options.remote) : remoteCommit(dir, spec.ref, options.env),
    worktreeState(await git(dir, options.env)),
  ]);
  let state: WorktreeState;
  if (looked.status === 'fulfilled') state = looked.value;
  else {
    // Not a usable clone (interrupted before its first checkout): start again.
    await rm(dir, { recursive: true, force: true });
    return freshClone(spec, dir, options);
  }

  // Nothing new upstream: no fetch at all. (A shallow fetch of an unchanged
  // commit still downloads a pack, and the packs pile up until git stops to
  // repack.) The clone is still made clean, and checked when signatures count.
  if (asked.status === 'fulfilled' && asked.value === state.head) {
    await verifyTrusted(dir, state.head, spec, options);
    await moveTo(repo, state.head, state);
    return { spec, dir, commit: state.head, keep: async () => {}, discard: async () => {} };
  }

  let fetchError: unknown;
  if (asked.status === 'rejected') fetchError = asked.reason ?? new Error('git ls-remote failed');
  else {
    try {
      await repo.fetch(['--depth', '1', '--no-tags', 'origin', spec.ref ?? 'HEAD']);
    } catch (error) {
      fetchError = error;
    }
  }

  if (fetchError !== undefined) {
    const reason = gitFailure(fetchError);
    if (options.strict) throw new SourceError(`cannot fetch ${describeSpec(spec)} (--strict: not using the cached clone): ${reason}`, { cause: fetchError });
    // Offline, VPN down, server away: the last good clone is better than
    // nothing. It is still made clean, so edits in the cache never leak.
    await verifyTrusted(dir, state.head, spec, options);
    await moveTo(repo, state.head, state);
    const commitDate = new Date(Number((await repo.raw(['log', '-1', '--format=%ct', state.head])).trim()) * 1000);
    return { spec, dir, commit: state.head, offline: { reason, commitDate }, keep: async () => {}, discard: async () => {} };
  }

  const commit = (await readFile(path.join(dir, '.git', 'FETCH_HEAD'), 'utf8')).slice(0, 40);
  // Verify before the working tree moves: an untrusted commit never becomes the cache's state.
  await verifyTrusted(dir, commit, spec, options);
  try {
    await moveTo(repo, commit, state);
  } catch (error) {
    throw new SourceError(`cannot update the cached clone ${dir}: ${gitFailure(error)}`, { cause: error });
  }
  return {
    spec,
    dir,
    commit,
    keep: async () => {},
    discard: async () => {
      if (commit !== state.head) await repo.reset(['--hard', state.head]);
    },
  };
}

/**
 * The commit a ref names on the remote, from `git ls-remote origin REF` in
 * the clone (inside its own repository, so no other repository's settings
 * apply, and the URL, which may hold a token, is not on a command line): a
 * branch, else a tag (peeled to its commit); undefined when the remote does
 * not list it (a commit id, say), and the fetch then decides.
 */
async function remoteCommit(dir: string, ref: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const wanted = ref ?? 'HEAD';
  const listed = new Map(
    (await runGit(dir, env, ['ls-remote', 'origin', wanted]))
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((parts): parts is [string, string] => parts.length === 2)
      .map(([sha, name]) => [name, sha] as const),
  );
  const names = ref === undefined ? ['HEAD'] : [`refs/heads/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`, ref];
  return names.map((name) => listed.get(name)).find(Boolean);
}

/** A settled answer back as a promise, so both ways of getting it read alike. */
function settled<T>(result: PromiseSettledResult<T>): Promise<T> {
  return result.status === 'fulfilled' ? Promise.resolve(result.value) : Promise.reject(result.reason as Error);
}

interface WorktreeState {
  head: string;
  /** Tracked files changed in the cache by someone. */
  modified: boolean;
  /** Files in the cache that git does not track (ignored ones included). */
  untracked: boolean;
}

/**
 * HEAD and whether anyone touched the clone, in one git call. This lets a
 * run that fetched nothing new skip reset and clean entirely (each costs a
 * process, and simple-git adds a fixed 50 ms wait to any command that prints
 * nothing, as a clean with nothing to remove does).
 */
async function worktreeState(repo: SimpleGit): Promise<WorktreeState> {
  // --no-optional-locks: status must not take index.lock while a fetch runs beside it.
  const lines = (await repo.raw(['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored'])).split('\n');
  const head = lines.map((line) => /^# branch\.oid ([0-9a-f]{40})$/.exec(line)?.[1]).find(Boolean);
  if (!head) throw new Error('the cached clone has no commit checked out');
  return {
    head,
    modified: lines.some((line) => /^[12u] /.test(line)),
    untracked: lines.some((line) => line.startsWith('? ') || line.startsWith('! ')),
  };
}

/** Make the working tree exactly `commit`: hard reset, and remove whatever git does not track. */
async function moveTo(repo: SimpleGit, commit: string, state: WorktreeState): Promise<void> {
  if (commit !== state.head || state.modified) await repo.reset(['--hard', commit]);
  if (state.untracked) await repo.clean('fdx', ['-f']);
}

/**
 * Trust pinning, when signed commits are required: the commit's signer must
 * be one the settings name, and it must descend from the last commit
 * accepted from this source (trust.ts). Called before the working tree moves.
 */
export async function verifyTrusted(dir: string, commit: string, spec: SourceSpec, options: Pick<CheckoutOptions, 'trust' | 'env'>): Promise<void> {
  if (options.trust && spec.kind === 'git') await verifyCommit(dir, commit, trustedSource(spec), options.trust, options.env);
}

/** A git source as trust.ts knows it. */
export function trustedSource(spec: Extract<SourceSpec, { kind: 'git' }>): TrustedSource {
  return { url: spec.url, ref: spec.ref, description: describeSpec(spec) };
}

async function requireDirectory(dir: string, origin: SourceOrigin): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch {
    // fall through to the message below
  }
  const from = origin === 'settings' ? 'the settings file' : origin;
  throw new SourceError(`dotfiles source ${dir} (from ${from}) is not a directory`);
}

/** Undo a mkdir -p: remove the folders it created, from the deepest up, while they are empty. */
async function removeEmptyFolders(deepest: string, firstCreated: string | undefined): Promise<void> {
  if (firstCreated === undefined) return;
  for (let folder = deepest; folder.startsWith(firstCreated); folder = path.dirname(folder)) {
    try {
      await rmdir(folder);
    } catch {
      return; // not empty: another run uses it
    }
  }
}

