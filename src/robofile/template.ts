/**
 * robo.yml's templates: every string tj/robo templates (command, script,
 * exec, summary, usage, examples, env) is a Go text/template over the
 * variables (go-template.ts). A variable that is not defined is refused
 * (Go's missingkey=error) rather than written into a shell command as
 * `<no value>`, tj/robo's default; anything Go would print, maps and lists
 * included, prints as Go prints it.
 */
import { executeTemplate } from './go-template-exec.js';
import { TemplateError, parseTemplate } from './go-template.js';

export type Variables = Record<string, unknown>;

/** `line`: where in the text the problem is (1 = the text's first line). */
export type TemplateResult = { ok: true; text: string } | { ok: false; message: string; line?: number };

/** `text` as a Go template over the variables; a template problem as a result, anything else thrown on. */
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
  return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
