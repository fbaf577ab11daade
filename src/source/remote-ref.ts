/**
 * Which commit a ref names on the remote, one way for a fresh clone and an
 * old one (git's clone and fetch resolve a short name differently), and which
 * git failures are for good. robo fetches only a full ref it chose from
 * ls-remote, or a commit id; a name that is both branch and tag is refused. Pure.
 */
import { SourceError, UsageError } from '../errors.js';

/** Where the ref was set: the flag, the variable, or robo's settings file. */
export type RefOrigin = '--ref' | '$ROBO_DOTFILES_REF' | { settings: string };

/** The ref asked for, as the user wrote it (undefined: the remote's HEAD), and where, for messages. */
export interface RefRequest {
  ref: string | undefined;
  origin: RefOrigin | undefined;
  /** The source, for messages. */
  url: string;
}

/** Where a ref came from, in words. */
export function describeRefOrigin(origin: RefOrigin | undefined): string {
  if (origin === undefined) return 'the default';
  return typeof origin === 'string' ? origin : `ref in ${origin.settings}`;
}

/** How to write `value` where the ref came from: what a person types to choose. */
function spelled(origin: RefOrigin | undefined, value: string): string {
  if (origin === '$ROBO_DOTFILES_REF') return `ROBO_DOTFILES_REF=${value}`;
  if (typeof origin === 'object') return `ref = ${value} (in ${origin.settings})`;
  return `--ref ${value}`;
}

/** What to fetch, exactly, and the commit it names (peeled, for an annotated tag). */
export interface RemoteRef {
  /** A full ref name (refs/heads/x, refs/tags/x, HEAD) or a full commit id: git resolves nothing more. */
  name: string;
  commit: string;
}

const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** The ref names ls-remote is asked for: every candidate, and the peeled line of a tag. */
export function refPatterns(ref: string | undefined): string[] {
  if (ref === undefined || ref === 'HEAD') return ['HEAD'];
  return candidates(ref).flatMap((name) => (name.startsWith('refs/tags/') ? [name, `${name}^{}`] : [name]));
}

/** A full name stands for itself; a short one may be a branch or a tag, nothing else. */
function candidates(ref: string): string[] {
  return ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
}

/** `git ls-remote` output as ref name → object id. */
export function parseLsRemote(output: string): Map<string, string> {
  const listed = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [id, name] = line.split('\t');
    if (id && name && /^[0-9a-f]+$/.test(id)) listed.set(name, id);
  }
  return listed;
}

/**
 * The one full ref (or commit id) `request.ref` names among the refs the
 * remote `listed`. Throws a UsageError (exit 2) for a name that is both a
 * branch and a tag, and a SourceError (exit 4) for a ref the remote does
 * not have: a ref that was deleted is not a reason to use an old clone.
 */
export function resolveRemoteRef(request: RefRequest, listed: ReadonlyMap<string, string>): RemoteRef {
  const { ref, url } = request;
  const origin = describeRefOrigin(request.origin);
  if (ref === undefined || ref === 'HEAD') {
    const commit = listed.get('HEAD');
    if (commit) return { name: 'HEAD', commit };
    throw new SourceError(
      `${url} has no HEAD (an empty repository, or HEAD names a branch that does not exist): give a branch or tag with --ref`,
    );
  }
  const found = candidates(ref).filter((name) => listed.has(name));
  if (found.length > 1) {
    throw new UsageError(
      `ref ${JSON.stringify(ref)} (${origin}) is both a branch and a tag in ${url}: ${found.join(' and ')}`,
      [`write the one you mean in full: ${found.map((name) => spelled(request.origin, name)).join(' or ')}`],
    );
  }
  const [name] = found;
  if (name) return { name, commit: listed.get(`${name}^{}`) ?? listed.get(name)! };
  // Not a ref: a full commit id names itself (whether the server hands it out, the fetch says).
  if (COMMIT_ID.test(ref)) return { name: ref.toLowerCase(), commit: ref.toLowerCase() };
  const what = ref.startsWith('refs/') ? 'no such ref' : 'no branch or tag of that name';
  throw new SourceError(
    `ref ${JSON.stringify(ref)} (${origin}) does not exist in ${url}: ${what} (deleted or renamed upstream?); nothing was written`,
  );
}

/**
 * git's (LANGUAGE=en) and git servers' words for a failure retrying will not
 * fix: no such repository, ref or commit, or a URL git cannot use. Anything else
 * (network, DNS, timeouts, authentication) passes: the cached clone is used.
 */
const PERMANENT: readonly RegExp[] = [
  // file://, a local path, or ssh to a path that is not a repository
  /does not appear to be a git repository/i,
  // git daemon: no such repository (or not exported)
  /repository not exported/i,
  // smart http (any server): 404
  /fatal: repository '[^']*' not found/i,
  // GitHub (https and ssh), Bitbucket
  /\bRepository not found\b/i,
  // GitLab
  /The project you were looking for could not be found/i,
  // the ref went away between ls-remote and fetch; a commit id the server does not have or give out
  /couldn't find remote ref/i,
  /\bnot our ref\b/i,
  /does not allow request for unadvertised object/i,
  // URLs git cannot use at all
  /unable to find remote helper/i,
  /'remote-[^']*' is not a git command/i,
  /transport '[^']*' not allowed/i,
  /protocol '[^']*' is not supported/i,
  /strange (hostname|port|pathname) '[^']*' blocked/i,
  /no path specified/i,
  /hostname contains invalid characters/i,
  /URL using bad\/illegal format/i,
];

export function isPermanentGitFailure(message: string): boolean {
  return PERMANENT.some((pattern) => pattern.test(message));
}
