/**
 * robo's own settings file, INI at $XDG_CONFIG_HOME/robo/config:
 *
 *   [dotfiles]
 *   repo = git@github.com:example/dotfiles.git
 *   ref = main
 *
 *   [trust]
 *   require_signed = true
 *   allowed_signers = ~/.config/robo/allowed_signers
 *
 * robo owns this format, so the ini package suits it (unlike ~/.aws/config).
 */
import { readFile } from 'node:fs/promises';
import ini from 'ini';
import { UsageError, messageOf } from './errors.js';

export interface Settings {
  file: string;
  dotfiles: { repo?: string; ref?: string };
  trust: { requireSigned: boolean; allowedSigners?: string };
}

const KNOWN: Record<string, readonly string[]> = { dotfiles: ['repo', 'ref'], trust: ['require_signed', 'allowed_signers'] };
const BOOLEAN_KEYS = new Set(['require_signed']);

export async function readSettings(file: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, dotfiles: {}, trust: { requireSigned: false } };
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
      } else if (typeof item !== 'string' || item.trim() === '') problems.push(`${file}: [${section}] ${key}: must be a non-empty string`);
    }
  }
  if (problems.length > 0) throw new UsageError(`invalid robo settings file ${file}`, problems);
  const dotfiles = (parsed.dotfiles ?? {}) as { repo?: string; ref?: string };
  const trust = (parsed.trust ?? {}) as { require_signed?: boolean; allowed_signers?: string };
  return {
    file,
    dotfiles: { repo: dotfiles.repo?.trim(), ref: dotfiles.ref?.trim() },
    trust: { requireSigned: trust.require_signed ?? false, allowedSigners: trust.allowed_signers?.trim() },
  };
}
