/**
 * Trust pinning, when signed commits are required (--require-signed, or
 * [trust] require_signed): which commits robo may use.
 *
 * - A commit is used only if its signature is of a kind the settings name
 *   (ssh keys in allowed_signers, OpenPGP keys in allowed_pgp_fingerprints)
 *   and verifies against exactly that list. The kind is read from the commit
 *   object before any verifier runs, and git is told which program and which
 *   signers file to use, so nothing in the user's git config or keyring can
 *   widen the list (signature.ts).
 */
import { UntrustedError } from '../errors.js';
import { gitFailure, runGit, runGitForAnswer } from '../system/git.js';
import { KIND_NAMES, commitSignature, pgpVerdict, signerOf, type CommitSignature, type SignatureKind, type Verdict } from './signature.js';

export interface TrustPolicy {
  settingsFile: string;
  /** The ssh allowed-signers file (absolute), when ssh signatures are accepted. */
  sshAllowedSigners: string | undefined;
  /** Full OpenPGP fingerprints (upper-case hex), when OpenPGP signatures are accepted. */
  pgpFingerprints: readonly string[];
}

/** A git source as trust sees it. */
export interface TrustedSource {
  url: string;
  ref: string | undefined;
  description: string;
}

/** What a commit must pass before any of it is used: its signature. */
export async function verifyCommit(dir: string, commit: string, source: TrustedSource, trust: TrustPolicy, env: NodeJS.ProcessEnv): Promise<void> {
  await verifySignature(dir, commit, source, trust, env);
}

const untrusted = (commit: string, source: TrustedSource, reason: string) =>
  new UntrustedError(`commit ${commit.slice(0, 12)} of ${source.description} is not signed by an allowed signer: ${reason}`, [
    'nothing was written or run; the cached clone stays at the last trusted commit',
  ]);

async function verifySignature(dir: string, commit: string, source: TrustedSource, trust: TrustPolicy, env: NodeJS.ProcessEnv): Promise<void> {
  const signature = commitSignature(await runGit(dir, env, ['cat-file', 'commit', commit]), commit);
  const allowed = allowedKinds(trust);
  if (signature.kind === 'none') throw untrusted(commit, source, 'it has no signature');
  if (!allowed.includes(signature.kind)) {
    const signer = signerOf(signature);
    throw untrusted(commit, source, `it has ${KIND_NAMES[signature.kind]}${signer ? ` by ${signer}` : ''}, and ${trust.settingsFile} allows ${allowedText(trust)} only`);
  }
  const verdict = signature.kind === 'ssh' ? await verifySsh(dir, commit, signature, trust.sshAllowedSigners!, env) : await verifyPgp(dir, commit, signature, trust, env);
  if (!verdict.accepted) throw untrusted(commit, source, `${verdict.signer ? `signed by ${verdict.signer}, but ` : ''}${verdict.reason}`);
}

function allowedKinds(trust: TrustPolicy): SignatureKind[] {
  return [...(trust.sshAllowedSigners ? (['ssh'] as const) : []), ...(trust.pgpFingerprints.length > 0 ? (['openpgp'] as const) : [])];
}

function allowedText(trust: TrustPolicy): string {
  const kinds = [
    trust.sshAllowedSigners ? `ssh keys (allowed_signers ${trust.sshAllowedSigners})` : undefined,
    trust.pgpFingerprints.length > 0 ? 'OpenPGP keys (allowed_pgp_fingerprints)' : undefined,
  ];
  return kinds.filter(Boolean).join(' and ');
}

/**
 * ssh: git runs ssh-keygen against robo's allowed-signers file (the program
 * and the file given on the command line, over any git config), and fails
 * a key that matches no principal. The principal is the signer's name.
 */
async function verifySsh(dir: string, commit: string, signature: CommitSignature, allowedSigners: string, env: NodeJS.ProcessEnv): Promise<Verdict> {
  const key = signerOf(signature);
  const { code, stderr } = await runGitForAnswer(dir, env, ['-c', 'gpg.ssh.program=ssh-keygen', '-c', `gpg.ssh.allowedSignersFile=${allowedSigners}`, 'verify-commit', '--raw', commit]);
  const principal = /^Good "git" signature for (.+) with \S+ key \S+$/m.exec(stderr)?.[1];
  if (code === 0 && principal) return { accepted: true, signer: `${principal}${key ? ` (${key})` : ''}` };
  const said = stderr.trim() ? gitFailure(new Error(stderr)) : `exit code ${code}`;
  const reason = /No principal matched/.test(stderr) ? `the key is not in the allowed signers file ${allowedSigners}` : `git verify-commit: ${said}`;
  return { accepted: false, signer: key, reason };
}

/**
 * OpenPGP: git runs `gpg` (named here, over gpg.program) with the user's
 * keyring, and robo judges gpg's status lines itself (pgpVerdict): a listed
 * fingerprint, fully or ultimately trusted.
 */
async function verifyPgp(dir: string, commit: string, signature: CommitSignature, trust: TrustPolicy, env: NodeJS.ProcessEnv): Promise<Verdict> {
  const { code, stderr } = await runGitForAnswer(dir, env, ['-c', 'gpg.program=gpg', '-c', 'gpg.openpgp.program=gpg', 'verify-commit', '--raw', commit]);
  const issuer = signerOf(signature);
  const issued = issuer ? `OpenPGP key ${issuer}` : undefined;
  if (!stderr.includes('[GNUPG:] ')) {
    const reason = /cannot run gpg/.test(stderr) ? 'gpg is not installed, and robo needs it to check OpenPGP signatures' : `git verify-commit: ${gitFailure(new Error(stderr))}`;
    return { accepted: false, signer: issued, reason };
  }
  const verdict = pgpVerdict(stderr, trust.pgpFingerprints);
  if (verdict.accepted && code !== 0) return { accepted: false, signer: verdict.signer, reason: `git verify-commit failed (exit code ${code})` };
  return verdict.accepted ? verdict : { ...verdict, signer: verdict.signer ?? issued };
}
