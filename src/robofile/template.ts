/**
 * The part of Go's text/template that robo.yml files use: `{{ .name }}` and
 * `{{ .a.b }}`, replaced by variables. Anything else between {{ and }} is
 * refused rather than passed through, so a typo never reaches a shell.
 */
export type Variables = Record<string, unknown>;

const EXPRESSION = /\{\{(.*?)\}\}/g;
const PATH = /^\s*\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*$/;

export type TemplateResult = { ok: true; text: string } | { ok: false; message: string };

export function expand(text: string, variables: Variables): TemplateResult {
  let failure: string | undefined;
  const result = text.replace(EXPRESSION, (whole, inner: string) => {
    if (failure) return whole;
    const path = PATH.exec(inner)?.[1];
    if (!path) {
      failure = `unsupported template ${whole}: robo.yml templates are {{ .name }} or {{ .a.b }}`;
      return whole;
    }
    const value = lookup(variables, path);
    if (value === undefined) failure = `template ${whole} names an undefined variable ${path} (see robo variables)`;
    else if (value !== null && typeof value === 'object')
      failure = `template ${whole} names ${path}, which is a map, not a value`;
    return failure ? whole : String((value as string | number | boolean | null) ?? '');
  });
  return failure ? { ok: false, message: failure } : { ok: true, text: result };
}

export function lookup(variables: Variables, path: string): unknown {
  let node: unknown = variables;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
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
  return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
