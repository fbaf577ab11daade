/**
 * Signed commits, when required: a commit is used only if a key the settings
 * list signed it (verified with the programs robo names: signature.ts) and it
 * descends from the last commit accepted from its source (unless
 * --allow-rollback). Shared tasks read robo.yml from that commit.
 */
import { readIfExists } from '../system/fs.js';
import path from 'node:path';
import { UntrustedError, messageOf } from '../errors.js';
import { sourceSlug } from '../paths.js';
import { sha256 } from '../system/crypto.js';
import { gitFailure, GitTimeoutError, runGit, runGitForAnswer, runGitRemote, type RemoteCall } from '../system/git.js';
import { acquireLock, lockPath } from '../system/lock.js';
import { writeAtomically } from '../system/atomic-write.js';
import { moveTo, worktreeState } from './worktree.js';
import {
  KIND_NAMES,
  commitSignature,
  pgpVerdict,
  signerOf,
  type CommitSignature,
  type SignatureKind,
  type Verdict,
} from './signature.js';

export interface TrustPolicy {
  settingsFile: string;
  /** The ssh allowed-signers file (absolute), when ssh signatures are accepted. */
  sshAllowedSigners: string | undefined;
  /** Full OpenPGP fingerprints (upper-case hex), when OpenPGP signatures are accepted. */
  pgpFingerprints: readonly string[];
  /** robo's state folder: the last accepted commit of each source is recorded there. */
  stateDir: string;
  /** --allow-rollback: accept a commit that does not descend from the last accepted one. */
  allowRollback: boolean;
}

/** A git source as trust sees it: its URL and ref key the record; the description is for messages. */
export interface TrustedSource {
  url: string;
  ref: string | undefined;
  description: string;
}

/** How to reach the source's remote when history must be fetched: the call's limits, and what to say when it times out. */
export interface TrustRemote {
  call: RemoteCall;
  /** The line under a timeout error: how to change the limit. */
  advice: string;
}

/** Where a commit is checked: the clone holding it, its source, the policy, and git's environment. */
export interface Checking {
  dir: string;
  source: TrustedSource;
  trust: TrustPolicy;
  env: NodeJS.ProcessEnv;
}

/** How the commit to check came into the clone. */
export interface Arrival {
  remote: TrustRemote;
  /**
   * This run fetched the commit one deep (`fetch --depth 1`): its parents are
   * not in the clone, so git can tell its ancestry only after an unshallow.
   */
  oneDeep: boolean;
}

/** Everything a commit must pass before any of it is used: its signature, then no rollback. */
export async function verifyCommit(commit: string, at: Checking & Arrival): Promise<void> {
  await verifySignature(commit, at);
  await refuseRollback(commit, at);
}

const untrusted = (commit: string, source: TrustedSource, reason: string) =>
  new UntrustedError(
    `commit ${commit.slice(0, 12)} of ${source.description} is not signed by an allowed signer: ${reason}`,
    ['nothing was written or run; the cached clone stays at the last trusted commit'],
  );

/** `object`: the commit object (`git cat-file commit`), when the caller has read it already. */
async function verifySignature(commit: string, at: Checking, object?: string): Promise<void> {
  const { dir, source, trust, env } = at;
  const signature = commitSignature(object ?? (await runGit(dir, env, ['cat-file', 'commit', commit])), commit);
  const allowed = allowedKinds(trust);
  if (signature.kind === 'none') throw untrusted(commit, source, 'it has no signature');
  if (!allowed.includes(signature.kind)) {
    const signer = signerOf(signature);
    throw untrusted(
      commit,
      source,
      `it has ${KIND_NAMES[signature.kind]}${signer ? ` by ${signer}` : ''}, and ${trust.settingsFile} allows ${allowedText(trust)} only`,
    );
  }
  const verdict =
    signature.kind === 'ssh' ? await verifySsh(commit, signature, at) : await verifyPgp(commit, signature, at);
  if (!verdict.accepted)
    throw untrusted(commit, source, `${verdict.signer ? `signed by ${verdict.signer}, but ` : ''}${verdict.reason}`);
}

function allowedKinds(trust: TrustPolicy): SignatureKind[] {
  return [
    ...(trust.sshAllowedSigners ? (['ssh'] as const) : []),
    ...(trust.pgpFingerprints.length > 0 ? (['openpgp'] as const) : []),
  ];
}

function allowedText(trust: TrustPolicy): string {
  const kinds = [
    trust.sshAllowedSigners ? `ssh keys (allowed_signers ${trust.sshAllowedSigners})` : undefined,
    trust.pgpFingerprints.length > 0 ? 'OpenPGP keys (allowed_pgp_fingerprints)' : undefined,
  ];
  return kinds.filter(Boolean).join(' and ');
}

/** ssh: git runs ssh-keygen against robo's allowed-signers file; the matched principal is the signer. */
async function verifySsh(commit: string, signature: CommitSignature, { dir, trust, env }: Checking): Promise<Verdict> {
  const allowedSigners = trust.sshAllowedSigners!;
  const key = signerOf(signature);
  const { code, stderr } = await runGitForAnswer(dir, env, [
    '-c',
    'gpg.ssh.program=ssh-keygen',
    '-c',
    `gpg.ssh.allowedSignersFile=${allowedSigners}`,
    'verify-commit',
    '--raw',
    commit,
  ]);
  const principal = /^Good "git" signature for (.+) with \S+ key \S+$/m.exec(stderr)?.[1];
  if (code === 0 && principal) return { accepted: true, signer: `${principal}${key ? ` (${key})` : ''}` };
  const said = stderr.trim() ? gitFailure(new Error(stderr)) : `exit code ${code}`;
  const reason = /No principal matched/.test(stderr)
    ? `the key is not in the allowed signers file ${allowedSigners}`
    : `git verify-commit: ${said}`;
  return { accepted: false, signer: key, reason };
}

/** OpenPGP: git runs `gpg` with the user's keyring; robo judges its status lines (pgpVerdict). */
async function verifyPgp(commit: string, signature: CommitSignature, { dir, trust, env }: Checking): Promise<Verdict> {
  const { code, stderr } = await runGitForAnswer(dir, env, [
    '-c',
    'gpg.program=gpg',
    '-c',
    'gpg.openpgp.program=gpg',
    'verify-commit',
    '--raw',
    commit,
  ]);
  const issuer = signerOf(signature);
  const issued = issuer ? `OpenPGP key ${issuer}` : undefined;
  if (!stderr.includes('[GNUPG:] ')) {
    const reason = /cannot run gpg/.test(stderr)
      ? 'gpg is not installed, and robo needs it to check OpenPGP signatures'
      : `git verify-commit: ${gitFailure(new Error(stderr))}`;
    return { accepted: false, signer: issued, reason };
  }
  const verdict = pgpVerdict(stderr, trust.pgpFingerprints);
  if (verdict.accepted && code !== 0)
    return { accepted: false, signer: verdict.signer, reason: `git verify-commit failed (exit code ${code})` };
  return verdict.accepted ? verdict : { ...verdict, signer: verdict.signer ?? issued };
}

/** The record of the last commit accepted from a source. */
interface Accepted {
  url: string;
  ref: string | null;
  commit: string;
  /** When it was accepted (ISO 8601), for messages. */
  at: string;
}

/** One file per source and ref: a readable slug plus a hash, as cacheFolder names clones. */
export function acceptedFile(stateDir: string, source: Pick<TrustedSource, 'url' | 'ref'>): string {
  return path.join(
    stateDir,
    'accepted',
    `${sourceSlug(source.url)}-${sha256(`${source.url}\n${source.ref ?? 'HEAD'}`).slice(0, 16)}.json`,
  );
}

async function readAccepted(trust: TrustPolicy, source: TrustedSource): Promise<Accepted | undefined> {
  const file = acceptedFile(trust.stateDir, source);
  const text = await readIfExists(
    file,
    'utf8',
    (error) =>
      new UntrustedError(
        `cannot read ${file}, robo's record of the last commit it accepted from ${source.description}: ${messageOf(error)}`,
      ),
  );
  if (text === undefined) return undefined;
  let record: Partial<Accepted> | undefined;
  try {
    record = JSON.parse(text) as Partial<Accepted>;
  } catch {
    record = undefined;
  }
  // Written only by robo, atomically: anything else is damage, and robo will not guess past it.
  if (
    !record ||
    record.url !== source.url ||
    (record.ref ?? undefined) !== source.ref ||
    typeof record.commit !== 'string' ||
    !/^[0-9a-f]{40,64}$/.test(record.commit)
  ) {
    throw new UntrustedError(
      `${file}, robo's record of the last commit it accepted from ${source.description}, is damaged`,
      ['run again with --allow-rollback to accept the current commit and record it afresh'],
    );
  }
  return {
    url: record.url,
    ref: record.ref ?? null,
    commit: record.commit,
    at: typeof record.at === 'string' ? record.at : 'unknown',
  };
}

/** After a checkout of `commit` was kept: it is the commit later ones must descend from. */
export async function recordAccepted(trust: TrustPolicy, source: TrustedSource, commit: string): Promise<void> {
  const file = acceptedFile(trust.stateDir, source);
  const current = await readAccepted(trust, source).catch(() => undefined);
  if (current?.commit === commit) return; // most runs: nothing moved, nothing to write
  const record: Accepted = { url: source.url, ref: source.ref ?? null, commit, at: new Date().toISOString() };
  await writeAtomically(file, Buffer.from(`${JSON.stringify(record)}\n`), { mode: 0o600, folderMode: 0o700 });
}

async function refuseRollback(commit: string, at: Checking & Arrival): Promise<void> {
  const { source, trust } = at;
  if (trust.allowRollback) return;
  const last = await readAccepted(trust, source);
  if (!last || last.commit === commit) return;
  if (await descends(last.commit, commit, at)) return;
  throw new UntrustedError(
    `commit ${commit.slice(0, 12)} of ${source.description} does not descend from ${last.commit.slice(0, 12)}, the last commit robo accepted from it: the ref was moved back or rewritten (a force-push?); nothing was written or run`,
    [
      `accepted before: ${last.commit} (${last.at})`,
      `offered now:     ${commit}`,
      'if the move is intended, run again with --allow-rollback (e.g. robo aws.config --allow-rollback)',
    ],
  );
}

/**
 * Whether `to` descends from `from`; a shallow clone is unshallowed first when
 * git cannot tell. A commit fetched one deep this run is a shallow boundary, so
 * git is not asked before the unshallow: it could only say no.
 */
async function descends(
  from: string,
  to: string,
  { dir, source, env, remote, oneDeep }: Checking & Arrival,
): Promise<boolean> {
  const isAncestor = async () =>
    (await runGitForAnswer(dir, env, ['merge-base', '--is-ancestor', from, to])).code === 0;
  if (!oneDeep && (await isAncestor())) return true;
  // Not shallow (the fetch found the commit's history complete): git can tell as it is.
  if ((await runGit(dir, env, ['rev-parse', '--is-shallow-repository'])).trim() !== 'true')
    return oneDeep && isAncestor();
  try {
    // --progress, not --quiet: the progress lines keep a long transfer inside the time limit (runGitRemote).
    await runGitRemote(
      dir,
      env,
      ['fetch', '--progress', '--no-write-fetch-head', '--no-tags', '--unshallow', 'origin', to],
      remote.call,
    );
  } catch (error) {
    throw new UntrustedError(
      `cannot tell whether commit ${to.slice(0, 12)} of ${source.description} descends from ${from.slice(0, 12)}, the last commit robo accepted from it: fetching its history failed: ${gitFailure(error)}`,
      ['nothing was written or run', ...(error instanceof GitTimeoutError ? [remote.advice] : [])],
    );
  }
  return isAncestor();
}

/**
 * For shared tasks: the last accepted commit, its signature checked again and
 * the clone's working tree made exactly that commit, under the clone's lock.
 * undefined without a record or the commit: the caller then fetches and checks.
 */
export async function restoreAccepted(
  dir: string,
  source: TrustedSource,
  trust: TrustPolicy,
  cacheDir: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const lock = await acquireLock(lockPath(cacheDir, 'source', source.url), `the cached clone of ${source.url}`);
  try {
    const accepted = await readAccepted(trust, source);
    if (!accepted) return undefined;
    // One git call both asks whether the clone has the commit and reads it for its signature.
    const object = await runGitForAnswer(dir, env, ['cat-file', 'commit', accepted.commit]);
    if (object.code !== 0) return undefined;
    await verifySignature(accepted.commit, { dir, source, trust, env }, object.stdout);
    await moveTo(dir, env, accepted.commit, await worktreeState(dir, env));
    return accepted.commit;
  } finally {
    await lock.release();
  }
}

/** A regular file of a commit, from git's objects; undefined when absent or not a regular file (a link holds no YAML). */
export async function readFromCommit(
  dir: string,
  commit: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const entry = /^(100644|100755) blob ([0-9a-f]+)\t/.exec(await runGit(dir, env, ['ls-tree', commit, '--', file]));
  if (!entry) return undefined;
  return runGit(dir, env, ['cat-file', 'blob', entry[2]!]);
}
