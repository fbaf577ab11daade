/**
 * robo's own settings file, INI at $XDG_CONFIG_HOME/robo/config:
 *
 *   [dotfiles]
 *   repo = git@github.com:example/dotfiles.git
 *   ref = main
 *   timeout = 30s
 *
 *   [trust]
 *   require_signed = true
 *   allowed_signers = ~/.config/robo/allowed_signers
 *   allowed_pgp_fingerprints = 7269FB210E382C02F8207F6254AD69CAAA69B635, ...
 *
 * robo owns this format, so the ini package suits it (unlike ~/.aws/config).
 */
import { readFile } from 'node:fs/promises';
import ini from 'ini';
import { UsageError, messageOf } from './errors.js';
import { normaliseFingerprint } from './pipeline/signature.js';
import { DURATION_FORMAT, parseDuration } from './pipeline/timeout.js';

export interface Settings {
  file: string;
  /** timeout: how long to wait for the remote, as written (checked: pipeline/timeout.ts reads it). */
  dotfiles: { repo?: string; ref?: string; timeout?: string };
  /** allowedSigners: ssh keys (an allowed-signers file); pgpFingerprints: OpenPGP keys, full fingerprints in upper case. */
  trust: { requireSigned: boolean; allowedSigners?: string; pgpFingerprints: string[] };
}

const KNOWN: Record<string, readonly string[]> = { dotfiles: ['repo', 'ref', 'timeout'], trust: ['require_signed', 'allowed_signers', 'allowed_pgp_fingerprints'] };
const BOOLEAN_KEYS = new Set(['require_signed']);

export async function readSettings(file: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, dotfiles: {}, trust: { requireSigned: false, pgpFingerprints: [] } };
    throw new UsageError(`cannot read robo settings ${file}: ${messageOf(error)}`);
  }
  const parsed = ini.parse(text) as Record<string, unknown>;
  const problems: string[] = [];
  for (const [section, value] of Object.entries(parsed)) {
    const keys = KNOWN[section];
    if (!keys || typeof value !== 'object' || value === null) {
      problems.push(`${file}: [${section}]: unknown section (known: ${Object.keys(KNOWN).map((name) => `[${name}]`).join(', ')})`);
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (!keys.includes(key)) problems.push(`${file}: [${section}] ${key}: unknown key (known: ${keys.join(', ')})`);
      else if (BOOLEAN_KEYS.has(key)) {
        if (typeof item !== 'boolean') problems.push(`${file}: [${section}] ${key}: must be true or false`);
      } else if (key === 'timeout') {
        const parsed = typeof item === 'string' ? parseDuration(item) : { problem: `must be ${DURATION_FORMAT}` };
        if ('problem' in parsed) problems.push(`${file}: [${section}] ${key}: ${parsed.problem}`);
      } else if (typeof item !== 'string' || item.trim() === '') problems.push(`${file}: [${section}] ${key}: must be a non-empty string`);
      else if (key === 'allowed_pgp_fingerprints') problems.push(...fingerprintProblems(item).map((problem) => `${file}: [${section}] ${key}: ${problem}`));
    }
  }
  if (problems.length > 0) throw new UsageError(`invalid robo settings file ${file}`, problems);
  const dotfiles = (parsed.dotfiles ?? {}) as { repo?: string; ref?: string; timeout?: string };
  const trust = (parsed.trust ?? {}) as { require_signed?: boolean; allowed_signers?: string; allowed_pgp_fingerprints?: string };
  return {
    file,
    dotfiles: { repo: dotfiles.repo?.trim(), ref: dotfiles.ref?.trim(), timeout: dotfiles.timeout?.trim() },
    trust: {
      requireSigned: trust.require_signed ?? false,
      allowedSigners: trust.allowed_signers?.trim(),
      pgpFingerprints: fingerprintItems(trust.allowed_pgp_fingerprints ?? '').map((item) => normaliseFingerprint(item)!),
    },
  };
}

/** A comma-separated list; spaces inside an item are allowed, so gpg's grouped output can be pasted. */
function fingerprintItems(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

/**
 * Only full fingerprints: a key id (16 or 8 hex digits) names the last bits
 * of a fingerprint, and keys that share those are easy to make.
 */
function fingerprintProblems(value: string): string[] {
  const items = fingerprintItems(value);
  if (items.length === 0) return ['must list at least one fingerprint'];
  return items
    .filter((item) => normaliseFingerprint(item) === undefined)
    .map((item) => `${JSON.stringify(item)} is not a full OpenPGP fingerprint (40 hex digits, or 64 for a v6 key, as \`gpg --fingerprint\` prints them; key ids are not accepted); separate fingerprints with commas`);
}
