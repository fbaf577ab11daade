/**
 * A validation finding: which file, where in it (a JSON pointer), what is
 * wrong, and the offending value. Validation returns these as data; the
 * command layer prints them as `file: /pointer: message (got value)`.
 */
export interface Problem {
  file: string;
  /** RFC 6901 JSON pointer; "" is the whole document. */
  pointer: string;
  message: string;
  /** The offending value, when there is one to show. */
  value?: unknown;
}

/** Whether a value read back from one of robo's caches is a Problem: a damaged cache must not crash a run. */
export function isProblem(value: unknown): value is Problem {
  const problem = value as Partial<Problem> | null;
  return (
    typeof problem === 'object' &&
    problem !== null &&
    typeof problem.file === 'string' &&
    typeof problem.pointer === 'string' &&
    typeof problem.message === 'string'
  );
}

export function formatProblem(problem: Problem): string {
  const where = problem.pointer === '' ? '/' : problem.pointer;
  const got = 'value' in problem && problem.value !== undefined ? ` (got ${preview(problem.value)})` : '';
  return `${problem.file}: ${where}: ${problem.message}${got}`;
}

/** One JSON pointer segment, escaped as RFC 6901 says. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
