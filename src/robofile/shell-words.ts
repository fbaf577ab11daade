/**
 * An `exec:` line split into words as tj/robo splits it (go-shellwords' defaults): blanks separate words,
 * '…' keeps everything, "…" and a backslash escape, nothing is expanded. An unquoted ; & | < > is refused
 * where go-shellwords silently stops. (shell-quote expands $VAR and globs, which tj/robo does not.)
 */
export type SplitResult = { ok: true; words: string[] } | { ok: false; problem: string };

const BLANK = new Set([' ', '\t', '\r', '\n']);
const OPERATORS = new Set([';', '&', '|', '<', '>']);

export function splitWords(line: string): SplitResult {
  const words: string[] = [];
  let word = '';
  /** A word has started (an empty "" or '' is a word). */
  let started = false;
  let quote: '"' | "'" | undefined;
  let escaped = false;
  for (const char of line) {
    if (escaped) {
      word += char === 't' ? '\t' : char === 'n' ? '\n' : char;
      escaped = false;
      started = true;
    } else if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (char === '\\') escaped = true;
    else if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (BLANK.has(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else if (OPERATORS.has(char)) {
      return {
        ok: false,
        problem: `has an unquoted ${char}, and exec runs no shell: use command for pipes and redirections`,
      };
    } else {
      word += char;
      started = true;
    }
  }
  if (escaped) return { ok: false, problem: 'ends with a lone backslash' };
  if (quote) return { ok: false, problem: `has an unclosed ${quote}` };
  if (started) words.push(word);
  if (words.length === 0) return { ok: false, problem: 'names no program' };
  return { ok: true, words };
}
