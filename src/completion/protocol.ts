/**
 * `robo __complete SHELL -- WORDS...`, what the completion scripts ask on every Tab: one candidate a line
 * (zsh `word:description`, fish `word<TAB>description`, bash the bare word), or `:files` or `:directories`
 * for the shell to complete a name itself.
 */
import { visible } from '../ui.js';
import { complete } from './complete.js';
import { isShell, type Shell } from './scripts.js';

/** `args`: what follows `__complete`. */
export async function completionLines(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const [shell, ...rest] = args;
  if (!isShell(shell)) return [];
  return answer(shell, rest[0] === '--' ? rest.slice(1) : rest, env, cwd);
}

/**
 * The entry point of the scripts yargs made for robo before (`robo
 * --get-yargs-completions robo WORDS...`), which shells that loaded one
 * still call: bare words, as those scripts expect, and nothing where a file
 * name goes (they fall back to bash's own file completion).
 */
export async function yargsCompletionLines(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string[]> {
  const lines = await answer('bash', args[0] === 'robo' ? args.slice(1) : args, env, cwd);
  return lines.filter((line) => !line.startsWith(':'));
}

async function answer(shell: Shell, raw: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const { words, kept } = shell === 'bash' ? joinWordBreaks(raw) : { words: raw.length > 0 ? raw : [''], kept: '' };
  const completion = await complete({ words, env, cwd });
  if (completion.kind !== 'words') return [`:${completion.kind}`];
  const candidates = completion.candidates.filter((candidate) => SAFE_WORD.test(candidate.word));
  switch (shell) {
    case 'bash': {
      // bash inserts what it is given: only the words that continue what is typed, without the part bash keeps.
      const current = words.at(-1) ?? '';
      return candidates.filter(({ word }) => word.startsWith(current)).map(({ word }) => word.slice(kept.length));
    }
    case 'zsh':
      return candidates.map(
        ({ word, description }) => word.replaceAll(':', '\\:') + (description ? `:${shortened(description)}` : ''),
      );
    case 'fish':
      return candidates.map(({ word, description }) => word + (description ? `\t${shortened(description)}` : ''));
  }
}

/** Words the scripts can take: one line, no spaces or control characters, and no `:` first (a directive). */
const SAFE_WORD = /^[^\s:\p{Cc}][^\s\p{Cc}]*$/u;

/**
 * bash splits a word at the characters of COMP_WORDBREAKS, so `--team=pla`
 * arrives as `--team`, `=`, `pla` and `db:mig` (a robo.yml task) as `db`,
 * `:`, `mig`. They are joined again; `kept` is the part of the last word
 * before its last break, which bash keeps: readline replaces only what
 * follows the break, so answers are given without it.
 */
export function joinWordBreaks(raw: readonly string[]): { words: string[]; kept: string } {
  const words: string[] = [];
  let kept = '';
  let glue = false;
  for (const word of raw) {
    const isBreak = word === '=' || word === ':';
    const last = words.length - 1;
    if ((isBreak || glue) && last >= 0) {
      kept = isBreak ? words[last] + word : words[last]!;
      words[last] += word;
      glue = isBreak;
    } else {
      words.push(word);
      kept = '';
      glue = false;
    }
  }
  return { words: words.length > 0 ? words : [''], kept };
}

/** A description on one line, short enough for a completion menu; escapes from robo.yml made visible. */
function shortened(description: string): string {
  const first = visible(description)
    .replace(/[\t\n]+/g, ' ')
    .split(/ \(default|; |\. /)[0]!
    .trim();
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}
