/**
 * Writing robo's settings file (settings.ts reads it). People edit it too, so
 * only the lines of keys that change are touched (ini.encode would drop their
 * comments); values escaped by ini.safe, and the result read back and checked
 * before a byte is written.
 */
import { lstat, realpath } from 'node:fs/promises';
import { readIfExists } from './system/fs.js';
import ini from 'ini';
import { UsageError, messageOf } from './errors.js';
import { splitLines } from './marked-lines.js';
import { parseSettings } from './settings.js';
import { writeAtomically } from './system/atomic-write.js';

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
  const target = await linkTarget(file);
  const text =
    (await readIfExists(
      target,
      'utf8',
      (error) => new UsageError(`cannot read robo settings ${file}: ${messageOf(error)}`),
    )) ?? '';
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

async function linkTarget(file: string): Promise<string> {
  const info = await lstat(file).catch(() => undefined);
  return info?.isSymbolicLink() ? realpath(file).catch(() => file) : file;
}
