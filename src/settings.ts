/**
 * robo's own settings file, INI at $XDG_CONFIG_HOME/robo/config, sections
 * [dotfiles] (repo, ref, timeout), [user] (team), [nightly] (max_offline) and
 * [trust] (docs/source.md, docs/trust.md). robo owns this format, so the ini
 * package suits it (unlike ~/.aws/config); settings-file.ts edits it.
 */
import { readIfExists } from './system/fs.js';
import ini from 'ini';
import { UsageError, messageOf } from './errors.js';
import { TEAM_NAME } from './definitions/model.js';
import { resolvePaths } from './paths.js';
import { normaliseFingerprint } from './source/signature.js';
import { parseDuration, type DurationRule } from './duration.js';
import { TIMEOUT_DURATION } from './source/timeout.js';

export interface Settings {
  file: string;
  /** timeout: how long to wait for the remote, as written (checked: source/timeout.ts reads it). */
  dotfiles: { repo?: string; ref?: string; timeout?: string };
  /** The team recorded by `robo onboard`; $SEGMENT_TEAM and --team outrank it. */
  user: { team?: string };
  /** How long the nightly refresh may run on a cached clone it cannot fetch before it fails (ms). */
  nightly: { maxOfflineMs: number };
  /** allowedSigners: ssh keys (an allowed-signers file); pgpFingerprints: OpenPGP keys, full fingerprints in upper case. */
  trust: { requireSigned: boolean; allowedSigners?: string; pgpFingerprints: string[] };
}

export const DEFAULT_MAX_OFFLINE = '7d';
/** [nightly] max_offline (duration.ts): a unit is required, as a bare 7 would be 7 seconds. */
export const MAX_OFFLINE_DURATION: DurationRule = {
  format: 'a duration: write days or hours, as 7d or 36h',
  bareSeconds: false,
  off: false,
};

const KNOWN: Record<string, readonly string[]> = {
  dotfiles: ['repo', 'ref', 'timeout'],
  user: ['team'],
  nightly: ['max_offline'],
  trust: ['require_signed', 'allowed_signers', 'allowed_pgp_fingerprints'],
};
const BOOLEAN_KEYS = new Set(['require_signed']);

/** The settings of the environment's user ($XDG_CONFIG_HOME/robo/config). */
export function loadSettings(env: NodeJS.ProcessEnv): Promise<Settings> {
  return readSettings(resolvePaths(env).settingsFile);
}

export async function readSettings(file: string): Promise<Settings> {
  const text = await readIfExists(
    file,
    'utf8',
    (error) => new UsageError(`cannot read robo settings ${file}: ${messageOf(error)}`),
  );
  return parseSettings(text ?? '', file);
}

/** The settings in `text`; a UsageError listing every problem, each with the file, section and key. */
export function parseSettings(text: string, file: string): Settings {
  const parsed = ini.parse(text) as Record<string, unknown>;
  const problems: string[] = [];
  const values: Record<string, Record<string, string | boolean>> = {};
  for (const [section, value] of Object.entries(parsed)) {
    const keys = KNOWN[section];
    if (!keys || typeof value !== 'object' || value === null) {
      problems.push(
        `${file}: [${section}]: unknown section (known: ${Object.keys(KNOWN)
          .map((name) => `[${name}]`)
          .join(', ')})`,
      );
      continue;
    }
    const section_ = (values[section] = {} as Record<string, string | boolean>);
    for (const [key, raw] of Object.entries(value)) {
      // ini reads true, false and null as values of their own; a team may be called "true".
      const item = BOOLEAN_KEYS.has(key) || (typeof raw !== 'boolean' && raw !== null) ? (raw as unknown) : String(raw);
      const where = `${file}: [${section}] ${key}`;
      if (!keys.includes(key)) problems.push(`${where}: unknown key (known: ${keys.join(', ')})`);
      else if (BOOLEAN_KEYS.has(key)) {
        if (typeof item !== 'boolean') problems.push(`${where}: must be true or false`);
        else section_[key] = item;
      } else if (typeof item !== 'string' || item.trim() === '') problems.push(`${where}: must be a non-empty string`);
      else {
        const found = valueProblems(key, item.trim());
        problems.push(...found.map((problem) => `${where}: ${problem}`));
        if (found.length === 0) section_[key] = item.trim();
      }
    }
  }
  if (problems.length > 0) throw new UsageError(`invalid robo settings file ${file}`, problems);
  const get = (section: string, key: string) => values[section]?.[key] as string | undefined;
  return {
    file,
    dotfiles: { repo: get('dotfiles', 'repo'), ref: get('dotfiles', 'ref'), timeout: get('dotfiles', 'timeout') },
    user: { team: get('user', 'team') },
    nightly: { maxOfflineMs: maxOfflineMs(get('nightly', 'max_offline') ?? DEFAULT_MAX_OFFLINE) },
    trust: {
      requireSigned: (values.trust?.require_signed as boolean | undefined) ?? false,
      allowedSigners: get('trust', 'allowed_signers'),
      pgpFingerprints: fingerprintItems(get('trust', 'allowed_pgp_fingerprints') ?? '').map((item) =>
        normaliseFingerprint(item)!,
      ),
    },
  };
}

function valueProblems(key: string, value: string): string[] {
  if (key === 'team' && !TEAM_NAME.test(value))
    return [`${JSON.stringify(value)} is not a team name (lowercase letters, digits, - and _, at most 63 characters)`];
  if (key === 'timeout' || key === 'max_offline') {
    const parsed = parseDuration(value, key === 'timeout' ? TIMEOUT_DURATION : MAX_OFFLINE_DURATION);
    return 'problem' in parsed ? [parsed.problem] : [];
  }
  if (key === 'allowed_pgp_fingerprints') return fingerprintProblems(value);
  return [];
}

/** A max_offline already checked (valueProblems), in milliseconds. */
function maxOfflineMs(text: string): number {
  const parsed = parseDuration(text, MAX_OFFLINE_DURATION);
  return 'ms' in parsed && parsed.ms !== undefined ? parsed.ms : 0;
}

/** A comma-separated list; spaces inside an item are allowed, so gpg's grouped output can be pasted. */
function fingerprintItems(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
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
    .map(
      (item) =>
        `${JSON.stringify(item)} is not a full OpenPGP fingerprint (40 hex digits, or 64 for a v6 key, as \`gpg --fingerprint\` prints them; key ids are not accepted); separate fingerprints with commas`,
    );
}
