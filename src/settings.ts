/**
 * robo's own settings file, INI at $XDG_CONFIG_HOME/robo/config, sections
 * [dotfiles] (repo, ref, timeout), [user] (team), [nightly] (max_offline) and
 * [trust] (docs/source.md, docs/trust.md): read with the ini package (robo owns
 * this format, unlike ~/.aws/config). People edit it too, so robo's edits touch
 * only the lines of keys that change (ini.encode would drop their comments).
 */
import { readIfExists } from './system/fs.js';
import ini from 'ini';
import { UsageError, messageOf } from './errors.js';
import { splitLines } from './marked-lines.js';
import { writeAtomically } from './system/atomic-write.js';
import { resolveTarget } from './apply/target.js';
import { notATeamName, TEAM_NAME } from './definitions/model.js';
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
  return parseSettings(await settingsText(file, file), file);
}

/** The text at `read` (the settings `file`, or its link's target); empty when there is none yet. */
async function settingsText(read: string, file: string): Promise<string> {
  const failed = (error: unknown) => new UsageError(`cannot read robo settings ${file}: ${messageOf(error)}`);
  return (await readIfExists(read, 'utf8', failed)) ?? '';
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
  if (key === 'team' && !TEAM_NAME.test(value)) return [notATeamName(value)];
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

/** One key to set, or (value undefined) to take out. */
export interface SettingChange {
  section: string;
  key: string;
  value: string | undefined;
}

const SECTION = /^\[([^\]]*)\]\s*$/;
const KEY = /^([^=]+)(=(.*))?$/;

/** The text with each change made, every other line as it was. Pure. */
export function editSettingsText(text: string, changes: readonly SettingChange[]): string {
  let lines = splitLines(text);
  for (const change of changes) lines = applyChange(lines, change);
  return lines.join('');
}

/** The section and key of each line as ini reads it (section undefined before the first header). */
function classify(
  lines: readonly string[],
): Array<{ section: string | undefined; key?: string; value?: string; header?: boolean }> {
  let section: string | undefined;
  return lines.map((raw) => {
    const line = raw.replace(/\r?\n$/, '').replace(/\r$/, '');
    if (line.trim() === '' || /^\s*[;#]/.test(line)) return { section };
    const header = SECTION.exec(line);
    if (header) {
      section = ini.unsafe(header[1]!);
      return { section, header: true };
    }
    const key = KEY.exec(line);
    return key
      ? { section, key: ini.unsafe(key[1]!), value: key[2] === undefined ? 'true' : ini.unsafe(key[3]!) }
      : { section };
  });
}

function applyChange(lines: string[], { section, key, value }: SettingChange): string[] {
  const kinds = classify(lines);
  const eol = lines.find((line) => line.endsWith('\n'))?.endsWith('\r\n') ? '\r\n' : '\n';
  const entry = value === undefined ? undefined : `${key} = ${encodeValue(value)}${eol}`;
  const matches = kinds.flatMap((kind, index) => (kind.section === section && kind.key === key ? [index] : []));
  // A line that already says it (in whatever spacing, with its comment) stays as the user wrote it.
  if (matches.length === 1 && kinds[matches[0]!]!.value === value) return lines;
  if (matches.length > 0) {
    // The first line of the key becomes the new one; ini would let a later duplicate win, so those go.
    const [first] = matches;
    const next = lines.map((line, index) =>
      index === first
        ? entry === undefined
          ? undefined
          : withEnding(entry, line)
        : matches.includes(index)
          ? undefined
          : line,
    );
    return next.filter((line): line is string => line !== undefined);
  }
  if (entry === undefined) return lines;
  const headerAt = kinds.findIndex((kind) => kind.header && kind.section === section);
  if (headerAt !== -1) {
    // After the section's last line that is not blank: its comments stay with it.
    let last = headerAt;
    for (let index = headerAt + 1; index < lines.length && !kinds[index]!.header; index += 1) {
      if (lines[index]!.trim() !== '') last = index;
    }
    const before = terminated(lines.slice(0, last + 1), eol);
    return [...before, entry, ...lines.slice(last + 1)];
  }
  const before = terminated(lines, eol);
  const gap = before.length > 0 && before.at(-1)!.trim() !== '' ? [eol] : [];
  return [...before, ...gap, `[${ini.safe(section)}]${eol}`, entry];
}

/** The replacement keeps the old line's ending (a last line without one stays without). */
function withEnding(entry: string, old: string): string {
  return old.endsWith('\n') ? entry : entry.replace(/\r?\n$/, '');
}

function terminated(lines: string[], eol: string): string[] {
  const last = lines.at(-1);
  return last === undefined || last.endsWith('\n') ? lines : [...lines.slice(0, -1), last + eol];
}

/**
 * ini.safe quotes what ini would misread; "true", "false" and "null" it reads
 * as other types whatever the quotes, and settings.ts turns them back into text.
 */
function encodeValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new UsageError(`a setting cannot hold a line break: ${JSON.stringify(value)}`);
  return ini.safe(value);
}

export interface SettingsUpdate {
  /** The settings file as configured, and the file written (its target, if it is a symlink). */
  file: string;
  changed: boolean;
}

/**
 * Make the changes: nothing written when they are already so, else the file
 * replaced at once, mode 0600 (it may hold a URL with a token). A symlinked
 * settings file (stow, chezmoi) keeps its link: its target is written.
 */
export async function updateSettings(file: string, changes: readonly SettingChange[]): Promise<SettingsUpdate> {
  const target = await resolveTarget(file);
  const text = await settingsText(target, file);
  parseSettings(text, file); // an invalid file is the user's to fix first: robo will not guess
  const next = editSettingsText(text, changes);
  if (next === text) return { file, changed: false };
  const after = ini.parse(next) as Record<string, Record<string, unknown> | undefined>;
  parseSettings(next, file);
  for (const { section, key, value } of changes) {
    const read = after[section]?.[key] as string | boolean | undefined;
    if ((read === undefined ? undefined : String(read)) !== value) {
      throw new Error(
        `settings edit of [${section}] ${key} reads back as ${JSON.stringify(read)}, not ${JSON.stringify(value)}`,
      );
    }
  }
  await writeAtomically(target, Buffer.from(next, 'utf8'), { mode: 0o600, folderMode: 0o700 });
  return { file, changed: true };
}
