/**
 * Stage 1: which source (--repo, $ROBO_DOTFILES_REPO, settings, else the
 * bundled example), and a checkout of it: a shallow clone in the cache, fetched
 * and hard-reset to the ref's commit. A checkout is provisional: keep() after
 * validation, discard() puts the cache back, so broken definitions never stay.
 */
import { mkdir, readFile, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RoboError, SourceError, UsageError, messageOf } from '../errors.js';
import { expandHome, packageRoot, resolvePaths, sourceSlug } from '../paths.js';
import type { Settings } from '../settings.js';
import {
  gitFailure,
  GitTimeoutError,
  runGit,
  runGitRemote,
  type RemoteCall,
  type RemoteListener,
} from '../system/git.js';
import { acquireLock, lockPath } from '../system/lock.js';
import { randomHex, sha256 } from '../system/crypto.js';
import {
  describeRefOrigin,
  isPermanentGitFailure,
  parseLsRemote,
  refPatterns,
  resolveRemoteRef,
  type RefOrigin,
  type RemoteRef,
} from './remote-ref.js';
import { timeoutAdvice, type NetworkTimeout } from './timeout.js';
import { recordAccepted, verifyCommit, type TrustPolicy, type TrustedSource } from './trust.js';
import { moveTo, worktreeState } from './worktree.js';

export type SourceOrigin = '--repo' | '$ROBO_DOTFILES_REPO' | 'settings' | 'default';

export type SourceSpec =
  | { kind: 'embedded'; dir: string; origin: 'default' }
  | { kind: 'path'; dir: string; origin: SourceOrigin }
  | { kind: 'git'; url: string; ref: string | undefined; refOrigin?: RefOrigin; origin: SourceOrigin };

type GitSpec = Extract<SourceSpec, { kind: 'git' }>;

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
  const candidates: Array<[string | undefined, SourceOrigin]> = [
    [request.repo, '--repo'],
    [env.ROBO_DOTFILES_REPO, '$ROBO_DOTFILES_REPO'],
    [settings.dotfiles.repo, 'settings'],
  ];
  const { ref, refOrigin } = chosenRef(request);
  for (const [location, origin] of candidates) {
    if (location === undefined || location === '') continue;
    if (isGitUrl(location)) return { kind: 'git', url: location, ref, refOrigin, origin };
    const dir = path.resolve(request.cwd, expandHome(location, resolvePaths(env).home));
    // A ref only means something to git: a local repo with a ref is cloned like a URL.
    if (ref !== undefined) return { kind: 'git', url: dir, ref, refOrigin, origin };
    return { kind: 'path', dir, origin };
  }
  return { kind: 'embedded', dir: packageRoot(), origin: 'default' };
}

/** The ref: --ref, then $ROBO_DOTFILES_REF, then the settings file; and where it came from. */
function chosenRef(request: SourceRequest): { ref: string | undefined; refOrigin?: RefOrigin } {
  const { env, settings } = request;
  const [ref, refOrigin]: [string | undefined, RefOrigin] =
    request.ref !== undefined
      ? [request.ref, '--ref']
      : env.ROBO_DOTFILES_REF
        ? [env.ROBO_DOTFILES_REF, '$ROBO_DOTFILES_REF']
        : [settings.dotfiles.ref, { settings: settings.file }];
  if (ref === undefined) return { ref };
  // git would read it as an option.
  if (ref.startsWith('-'))
    throw new UsageError(
      `${describeRefOrigin(refOrigin)} ${JSON.stringify(ref)}: a branch or tag name cannot start with "-"`,
    );
  return { ref, refOrigin };
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

/** keep() and discard() of a checkout with nothing to make permanent or to undo (a local folder, the clone as it is). */
const AS_IS = { keep: async () => {}, discard: async () => {} };

export interface CheckoutOptions {
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  /** How long git may wait for the remote (timeout.ts); then the remote counts as unreachable. */
  timeout: NetworkTimeout;
  /** Told when git contacts the remote, of its progress, and when it is done (the command layer shows it). */
  onRemote?: RemoteListener;
  /** Fail instead of falling back to the cached clone when the fetch fails. */
  strict?: boolean;
  /** Signed commits required: accept a commit only if it passes trust.ts (signer, no rollback). */
  trust?: TrustPolicy;
  /** The remote's answer, when the caller already asked it (askRemote): not asked twice. */
  remote?: RemoteAnswer;
}

/** What `git ls-remote` said of the ref: the full ref and its commit, or why it could not say (remote-ref.ts). */
export type RemoteAnswer = PromiseSettledResult<RemoteRef>;

/**
 * The remote's commit for the source's ref, asked from its clone without the
 * lock: a warm run's first look (the render cache). undefined without a clone.
 */
export async function askRemote(
  spec: GitSpec,
  options: Pick<CheckoutOptions, 'cacheDir' | 'env' | 'timeout' | 'onRemote'> & { dir?: string },
): Promise<{ dir: string; remote: RemoteAnswer } | undefined> {
  const dir = options.dir ?? cacheFolder(options.cacheDir, spec.url);
  if (!existsSync(path.join(dir, '.git'))) return undefined;
  const [remote] = await Promise.allSettled([remoteRef(dir, spec, options)]);
  return { dir, remote };
}

export async function checkoutSource(spec: SourceSpec, options: CheckoutOptions): Promise<Checkout> {
  if (spec.kind !== 'git') {
    await requireDirectory(spec.dir, spec.origin);
    return { spec, dir: spec.dir, ...AS_IS };
  }
  const dir = cacheFolder(options.cacheDir, spec.url);
  // One run at a time per clone: git's own lock files would make a second
  // concurrent fetch fail, and reset/validate/keep must see one state.
  const lock = await acquireLock(lockPath(options.cacheDir, 'source', spec.url), `the cached clone of ${spec.url}`);
  try {
    await removeLeftovers(dir);
    const checkout = existsSync(path.join(dir, '.git'))
      ? await updateClone(spec, dir, options)
      : await freshClone(spec, dir, options);
    // A kept checkout's commit is the one later commits must descend from (trust.ts), recorded under the lock.
    const { trust } = options;
    const accept =
      trust && checkout.commit ? () => recordAccepted(trust, trustedSource(spec), checkout.commit!) : async () => {};
    return {
      ...checkout,
      keep: () =>
        checkout
          .keep()
          .then(accept)
          .finally(() => lock.release()),
      discard: () => checkout.discard().finally(() => lock.release()),
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** A killed run's leftovers: half-made clones and git's *.lock files. Under the clone's lock, so none is a live run's. */
async function removeLeftovers(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.incoming-`;
  const siblings = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(
    siblings
      .filter((name) => name.startsWith(prefix))
      .map((name) => rm(path.join(parent, name), { recursive: true, force: true })),
  );
  const gitDir = path.join(dir, '.git');
  const top = await readdir(gitDir).catch(() => [] as string[]);
  const refs = (await readdir(path.join(gitDir, 'refs'), { recursive: true }).catch(() => [] as string[])).map((name) =>
    path.join('refs', name),
  );
  await Promise.all(
    [...top, ...refs]
      .filter((name) => name.endsWith('.lock'))
      .map((name) => rm(path.join(gitDir, name), { force: true })),
  );
}

/** One folder per source URL: a readable slug plus a hash, so two URLs never share a clone. */
export function cacheFolder(cacheDir: string, url: string): string {
  return path.join(cacheDir, 'sources', `${sourceSlug(url)}-${sha256(url).slice(0, 12)}`);
}

async function freshClone(spec: GitSpec, dir: string, options: CheckoutOptions): Promise<Checkout> {
  // Clone next to the final folder and move it in only once validated: a
  // failed or interrupted clone never leaves a half-made cache behind.
  const incoming = `${dir}.incoming-${randomHex(6)}`;
  const created = await mkdir(path.dirname(dir), { recursive: true });
  let commit: string;
  try {
    commit = await shallowClone(spec, incoming, options);
  } catch (error) {
    await rm(incoming, { recursive: true, force: true });
    await removeEmptyFolders(path.dirname(dir), created);
    if (error instanceof RoboError) throw error;
    throw new SourceError(`cannot clone ${describeSpec(spec)}: ${gitFailure(error)}`, {
      cause: error,
      details: timeoutDetails(error, options),
    });
  }
  try {
    await verifyTrusted(incoming, commit, spec, options, { oneDeep: true });
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

/** A clone of the one commit the ref names, made as an update fetches (`clone --branch` takes no full ref). */
async function shallowClone(spec: GitSpec, incoming: string, options: CheckoutOptions): Promise<string> {
  // Not --quiet: simple-git waits 50 ms after a command that prints nothing (runGitForAnswer).
  await runGit(path.dirname(incoming), options.env, ['init', incoming]);
  await runGit(incoming, options.env, ['remote', 'add', '--', 'origin', spec.url]);
  const wanted = await remoteRef(incoming, spec, options);
  await runGitRemote(incoming, options.env, fetchArgs(wanted), remoteCall(spec, options));
  const commit = await fetchedCommit(incoming, wanted, spec, options.env);
  await runGit(incoming, options.env, ['reset', '--hard', commit]);
  return commit;
}

async function updateClone(spec: GitSpec, dir: string, options: CheckoutOptions): Promise<Checkout> {
  const { env } = options;
  // ls-remote (one round trip, no pack) unless the caller asked, beside status.
  const [asked, looked] = await Promise.allSettled([
    options.remote ? settled(options.remote) : remoteRef(dir, spec, options),
    worktreeState(dir, env),
  ]);
  const state = looked.status === 'fulfilled' ? looked.value : undefined;
  if (!state?.head) {
    // Not a usable clone (interrupted before its first checkout): start again.
    await rm(dir, { recursive: true, force: true });
    return freshClone(spec, dir, options);
  }
  const { head } = state;

  // Nothing new upstream: no fetch (a shallow fetch of an unchanged commit still
  // downloads a pack). The clone is still made clean, and checked when signatures count.
  if (asked.status === 'fulfilled' && asked.value.commit === head) {
    await verifyTrusted(dir, head, spec, options);
    await moveTo(dir, env, head, state);
    return { spec, dir, commit: head, ...AS_IS };
  }

  // Fetch exactly the ref ls-remote named (never a short name: see remote-ref.ts).
  let fetched: RemoteRef | undefined;
  let fetchError: unknown;
  try {
    const wanted = await settled(asked);
    await runGitRemote(dir, options.env, fetchArgs(wanted), remoteCall(spec, options));
    fetched = wanted;
  } catch (error) {
    fetchError = error ?? new Error('git ls-remote failed');
  }

  if (!fetched) {
    const reason = gitFailure(fetchError);
    const permanent = permanentFailure(fetchError, spec);
    if (permanent) throw permanent;
    if (options.strict) {
      throw new SourceError(`cannot fetch ${describeSpec(spec)} (--strict: not using the cached clone): ${reason}`, {
        cause: fetchError,
        details: timeoutDetails(fetchError, options),
      });
    }
    // Offline, VPN down, server away: the last good clone is better than
    // nothing. It is still made clean, so edits in the cache never leak.
    await verifyTrusted(dir, head, spec, options);
    await moveTo(dir, env, head, state);
    const commitDate = new Date(Number((await runGit(dir, env, ['log', '-1', '--format=%ct', head])).trim()) * 1000);
    return { spec, dir, commit: head, offline: { reason, commitDate }, ...AS_IS };
  }

  const commit = await fetchedCommit(dir, fetched, spec, options.env);
  // Verify before the working tree moves: an untrusted commit never becomes the cache's state.
  await verifyTrusted(dir, commit, spec, options, { oneDeep: true });
  try {
    await moveTo(dir, env, commit, state);
  } catch (error) {
    throw new SourceError(`cannot update the cached clone ${dir}: ${gitFailure(error)}`, { cause: error });
  }
  return {
    spec,
    dir,
    commit,
    keep: AS_IS.keep,
    discard: async () => {
      if (commit !== head) await runGit(dir, env, ['reset', '--hard', head]);
    },
  };
}

/**
 * The full ref and commit the source's ref names on the remote: `ls-remote
 * origin` inside the clone, so the URL (maybe with a token) is on no command
 * line. Rejects with a RoboError for an ambiguous or missing name, else git's error.
 */
async function remoteRef(
  dir: string,
  spec: GitSpec,
  options: Pick<CheckoutOptions, 'env' | 'timeout' | 'onRemote'>,
): Promise<RemoteRef> {
  const listed = parseLsRemote(
    await runGitRemote(dir, options.env, ['ls-remote', 'origin', ...refPatterns(spec.ref)], remoteCall(spec, options)),
  );
  return resolveRemoteRef({ ref: spec.ref, origin: spec.refOrigin, url: spec.url }, listed);
}

/** Fetch exactly `wanted` (a full ref or a commit id: nothing for git to resolve), one commit deep; --progress keeps a moving transfer inside the time limit. */
function fetchArgs(wanted: RemoteRef): string[] {
  return ['fetch', '--progress', '--depth', '1', '--no-tags', 'origin', wanted.name];
}

/** How git calls to the source's remote are limited and shown. */
function remoteCall(spec: GitSpec, options: Pick<CheckoutOptions, 'timeout' | 'onRemote'>): RemoteCall {
  return { remote: describeSpec(spec), timeoutMs: options.timeout.ms, listener: options.onRemote };
}

/** Under an error that is a timeout: where the limit came from and how to change it. */
function timeoutDetails(error: unknown, options: Pick<CheckoutOptions, 'timeout'>): string[] {
  return error instanceof GitTimeoutError ? [timeoutAdvice(options.timeout)] : [];
}

/** The commit just fetched: FETCH_HEAD, peeled when the ref moved since ls-remote or is an annotated tag. */
async function fetchedCommit(dir: string, wanted: RemoteRef, spec: GitSpec, env: NodeJS.ProcessEnv): Promise<string> {
  const fetched = (await readFile(path.join(dir, '.git', 'FETCH_HEAD'), 'utf8')).split(/[\t\n]/, 1)[0]!;
  if (fetched === wanted.commit) return fetched;
  try {
    return (await runGit(dir, env, ['rev-parse', '--verify', '--end-of-options', `${fetched}^{commit}`])).trim();
  } catch (error) {
    throw new SourceError(`${wanted.name} in ${describeSpec(spec)} does not name a commit: ${gitFailure(error)}`, {
      cause: error,
    });
  }
}

/**
 * A failure that will not pass by itself, so the cached clone must not stand
 * in: robo's ref errors, or git saying the repository or ref is not there.
 * undefined for offline, server down and the like: the fallback is for those.
 */
function permanentFailure(error: unknown, spec: GitSpec): RoboError | undefined {
  if (error instanceof RoboError) return error;
  if (error instanceof GitTimeoutError) return undefined;
  if (!isPermanentGitFailure(messageOf(error))) return undefined;
  return new SourceError(
    `cannot fetch ${describeSpec(spec)}: ${gitFailure(error)}; that will not pass by itself, so the cached clone is not used`,
    { cause: error },
  );
}

/** A settled answer back as a promise, so both ways of getting it read alike. */
function settled<T>(result: PromiseSettledResult<T>): Promise<T> {
  return result.status === 'fulfilled' ? Promise.resolve(result.value) : Promise.reject(result.reason as Error);
}

/**
 * When signed commits are required: the commit must pass trust.ts. Called
 * before the working tree moves. `oneDeep`: this run just fetched the commit
 * (trust.ts's Arrival).
 */
export async function verifyTrusted(
  dir: string,
  commit: string,
  spec: SourceSpec,
  options: Pick<CheckoutOptions, 'trust' | 'env' | 'timeout' | 'onRemote'>,
  { oneDeep } = { oneDeep: false },
): Promise<void> {
  if (options.trust && spec.kind === 'git') {
    await verifyCommit(commit, {
      dir,
      source: trustedSource(spec),
      trust: options.trust,
      env: options.env,
      remote: { call: remoteCall(spec, options), advice: timeoutAdvice(options.timeout) },
      oneDeep,
    });
  }
}

/** A git source as trust.ts knows it. */
export function trustedSource(spec: GitSpec): TrustedSource {
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
