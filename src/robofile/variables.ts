/**
 * robo.yml's variables: text expanded over them as a Go template (go-template.ts), and the variables
 * interpolated with themselves: `a: "{{ .b }}"` with `b: x` gives a = x, through any number of variables
 * and at any depth (tj/robo does one pass). A cycle is refused with its variables named. `$(…)` command
 * expressions are left as they are (expressions.ts runs them). Pure: data in, data out.
 */
import { executeTemplate } from './go-template-exec.js';
import { TemplateError, parseTemplate } from './go-template.js';
import { byCodePoints } from '../order.js';

export type Variables = Record<string, unknown>;

/** `line`: where in the text the problem is (1 = the text's first line). */
export type TemplateResult = { ok: true; text: string } | { ok: false; message: string; line?: number };

/**
 * `text` as a Go template over the variables; a template problem as a result, anything else thrown on.
 * A variable that is not defined is refused (Go's missingkey=error) rather than written into a shell
 * command as `<no value>`, tj/robo's default.
 */
export function expand(text: string, variables: Variables): TemplateResult {
  if (!text.includes('{{')) return { ok: true, text };
  try {
    return { ok: true, text: executeTemplate(parseTemplate(text), variables, { noun: 'variable' }) };
  } catch (error) {
    // Only the template's own errors: what a getter on the variables throws is the caller's (contract with before/after steps).
    if (!(error instanceof TemplateError)) throw error;
    return { ok: false, message: templateMessage(error), line: error.line };
  }
}

/** A TemplateError as robo says it: named as a template, and a missing variable pointed at `robo variables`. */
export function templateMessage(error: TemplateError): string {
  const message = error.message.startsWith('template ') ? error.message : `template: ${error.message}`;
  return / names an undefined variable /.test(message) ? `${message} (see robo variables)` : message;
}

/** Every leaf as "a.b = value", sorted: what `robo variables` prints. */
export function flatten(variables: Variables, prefix = ''): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(variables)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      rows.push(...flatten(value as Variables, name));
    else rows.push([name, Array.isArray(value) ? JSON.stringify(value) : String(value)]);
  }
  return rows.sort(([a], [b]) => byCodePoints(a, b));
}

/** How many variables one may go through: each is a few frames of recursion (expand, a getter, resolve). */
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
 * `variables` with every text interpolated; `fixed` names top-level keys taken as they are (robo.*,
 * user.*: built in, never templates). Each text is expanded against a copy whose texts are getters
 * resolving on first read, so only what a template reads is resolved, and a cycle shows as a getter
 * reached again while it is still resolving.
 */
export function resolveVariables(
  variables: Variables,
  fixed: readonly string[],
): { variables: Variables; problems: VariableProblem[] } {
  const resolved = new Map<string, string>();
  // Every variable of a chain found too deep: the chain is tried once, and its problem said once.
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
  const mirror = withTexts(variables, resolve, { fixed, lazy: true });

  const problems: VariableProblem[] = [];
  const said = new Set<string>();
  for (const [path, text] of texts(variables, fixed)) {
    try {
      resolve(path, text);
    } catch (error) {
      if (!(error instanceof Unresolvable)) throw error;
      if (said.has(error.key)) continue; // one cycle, reached from each of its variables
      said.add(error.key);
      problems.push({ path: error.path, message: error.message });
    }
  }
  return { variables: withTexts(variables, (path, text) => resolved.get(path) ?? text, { fixed }), problems };
}

/**
 * A copy of `variables` with each text replaced by `value(path, text)`; `lazy`: by a getter calling it
 * on each read (enumerable, so listing the map reads them too). `fixed`: top-level keys kept as they are.
 */
export function withTexts(
  variables: unknown,
  value: (path: string, text: string) => string,
  { fixed = [], lazy = false }: { fixed?: readonly string[]; lazy?: boolean },
  prefix = '',
): Variables {
  const copy: Variables = Array.isArray(variables) ? ([] as unknown as Variables) : {};
  for (const [key, child] of Object.entries(variables as Variables)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (prefix === '' && fixed.includes(key)) copy[key] = child;
    else if (typeof child !== 'string')
      copy[key] = child !== null && typeof child === 'object' ? withTexts(child, value, { lazy }, path) : child;
    else if (lazy)
      Object.defineProperty(copy, key, { enumerable: true, configurable: true, get: () => value(path, child) });
    else copy[key] = value(path, child);
  }
  return copy;
}

/** Every text of `variables` with its path, in the file's order. */
export function texts(variables: Variables, fixed: readonly string[] = []): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const record = (path: string, text: string) => {
    found.push([path, text]);
    return text;
  };
  withTexts(variables, record, { fixed });
  return found;
}
