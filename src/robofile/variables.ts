/**
 * robo.yml's variables interpolated with themselves: `a: "{{ .b }}"` with
 * `b: x` gives a = x, through any number of variables and at any depth of
 * the map (tj/robo does one pass; robo resolves fully). A cycle is refused
 * with the variables in it named. Each text is expanded with expand()
 * (template.ts) against a mirror of the variables whose texts are getters
 * resolving on first read, so only what a template reads is resolved, and a
 * cycle shows as a getter reached again while it is still resolving.
 * `$(…)` command expressions are left as they are here (expressions.ts runs
 * them, only when a task needs them). Pure: data in, data out.
 */
import { expand, type Variables } from './template.js';

/**
 * How many variables one may go through: each is a few frames of recursion
 * (expand, a getter, resolve), and a 64 KiB robo.yml could chain 3,000 of
 * them, past the stack.
 */
export const MAX_CHAIN = 100;

export interface VariableProblem {
  /** The variable (a.b for nested ones) where the problem shows. */
  path: string;
  message: string;
}

/** Thrown by a getter of the mirror; caught below, never leaves this module. */
class Unresolvable extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** Says the problem once: a cycle is the same from whichever of its variables it is reached. */
    readonly key = message,
  ) {
    super(message);
  }
}

/**
 * `variables` with every text interpolated; `fixed` names top-level keys
 * taken as they are (robo.*, user.*: built in, never templates).
 */
export function resolveVariables(
  variables: Variables,
  fixed: readonly string[],
): { variables: Variables; problems: VariableProblem[] } {
  const resolved = new Map<string, string>();
  /**
   * Every variable of a chain found too deep: tried again from each of them,
   * a chain of n would cost n × MAX_CHAIN expansions (2,500 variables: 4 s),
   * and the problem is the same one, said once.
   */
  const tooDeep = new Map<string, Unresolvable>();
  const resolving: string[] = [];
  const resolve = (path: string, text: string): string => {
    const done = resolved.get(path);
    if (done !== undefined) return done;
    const failed = tooDeep.get(path);
    if (failed) throw failed;
    const start = resolving.indexOf(path);
    if (start !== -1) {
      const cycle = [...resolving.slice(start), path];
      throw new Unresolvable(
        cycle[0]!,
        `variables: ${cycle.join(' → ')} is a cycle: each uses the next`,
        [...new Set(cycle)].sort().join(' '),
      );
    }
    if (resolving.length >= MAX_CHAIN) {
      const problem = new Unresolvable(
        resolving[0]!,
        `variables: ${resolving[0]} goes through more than ${MAX_CHAIN} variables (${resolving.slice(0, 3).join(' → ')} → …): robo.yml may chain at most ${MAX_CHAIN}`,
        'too deep',
      );
      for (const each of [...resolving, path]) tooDeep.set(each, problem);
      throw problem;
    }
    resolving.push(path);
    try {
      const result = expand(text, mirror);
      if (!result.ok) throw new Unresolvable(path, `variables: ${path}: ${result.message}`);
      resolved.set(path, result.text);
      return result.text;
    } finally {
      resolving.pop();
    }
  };
  const mirror = mirrorOf(variables, '', (path, text) => resolve(path, text), fixed);

  const problems: VariableProblem[] = [];
  const said = new Set<string>();
  for (const [path, text] of texts(variables, '', fixed)) {
    try {
      resolve(path, text);
    } catch (error) {
      if (!(error instanceof Unresolvable)) throw error;
      if (said.has(error.key)) continue; // one cycle, reached from each of its variables
      said.add(error.key);
      problems.push({ path: error.path, message: error.message });
    }
  }
  return { variables: copyWith(variables, '', (path, text) => resolved.get(path) ?? text, fixed), problems };
}

/**
 * A copy of `variables` whose texts are getters returning `value(path,
 * text)`: property reads, so expand() (and Go's templates) see ordinary
 * values. Getters are enumerable, so listing the map reads them too.
 */
export function mirrorOf(
  variables: unknown,
  prefix: string,
  value: (path: string, text: string) => string,
  fixed: readonly string[] = [],
): Variables {
  const copy: Variables = Array.isArray(variables) ? ([] as unknown as Variables) : {};
  for (const [key, child] of Object.entries(variables as Variables)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (prefix === '' && fixed.includes(key)) copy[key] = child;
    else if (typeof child === 'string')
      Object.defineProperty(copy, key, { enumerable: true, configurable: true, get: () => value(path, child) });
    else if (child !== null && typeof child === 'object') copy[key] = mirrorOf(child, path, value);
    else copy[key] = child;
  }
  return copy;
}

/** A plain copy of `variables` with each text replaced by `value(path, text)`. */
function copyWith(
  variables: unknown,
  prefix: string,
  value: (path: string, text: string) => string,
  fixed: readonly string[],
): Variables {
  const copy: Variables = Array.isArray(variables) ? ([] as unknown as Variables) : {};
  for (const [key, child] of Object.entries(variables as Variables)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (prefix === '' && fixed.includes(key)) copy[key] = child;
    else if (typeof child === 'string') copy[key] = value(path, child);
    else if (child !== null && typeof child === 'object') copy[key] = copyWith(child, path, value, []);
    else copy[key] = child;
  }
  return copy;
}

/** Every text of `variables` with its path, in the file's order. */
export function texts(variables: unknown, prefix: string, fixed: readonly string[] = []): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const [key, child] of Object.entries(variables as Variables)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (prefix === '' && fixed.includes(key)) continue;
    if (typeof child === 'string') found.push([path, child]);
    else if (child !== null && typeof child === 'object') found.push(...texts(child, path));
  }
  return found;
}
