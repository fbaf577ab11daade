/**
 * An `exec:` line split into words the way tj/robo splits it (the Go
 * package go-shellwords with its defaults): blanks separate words, '…'
 * keeps everything, "…" and a backslash escape, and nothing is expanded
 * ($HOME stays $HOME: exec runs no shell). Where go-shellwords silently
 * stops at an unquoted ; & | < or >, robo refuses the line, so a pipe
 * never quietly runs half a command. Written here because the shell
 * parsers on npm (shell-quote) expand $VAR and ${…} and turn * into glob
 * objects, which tj/robo does not.
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
