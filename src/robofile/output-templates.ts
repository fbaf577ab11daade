/**
 * robo.yml's `templates`: Go templates replacing what `robo`, `robo help TASK` and `robo variables` print,
 * as in tj/robo's cli.go, parsed with robo.yml (a problem has its line) and run on the data tj/robo gives
 * them. Pure: the colours come from the caller. No yaml here (parse.ts reads the `templates` map): `robo`
 * and `robo --version` load this module, and the yaml library only when a robo.yml is read.
 */
import { formatValue, isMap } from './go-format.js';
import { executeTemplate } from './go-template-exec.js';
import { TemplateError, type Template } from './go-template.js';
import type { RoboFile, RoboFileProblem, RoboTask } from './parse.js';
import { templateMessage, type Variables } from './variables.js';

export const OUTPUT_TEMPLATES = ['list', 'help', 'variables'] as const;
export type OutputTemplateName = (typeof OUTPUT_TEMPLATES)[number];

export interface OutputTemplate {
  template: Template;
  /** The robo.yml line its text starts on (the line after the `|` of a block). */
  line: number;
  block: boolean;
}

export type OutputTemplates = Partial<Record<OutputTemplateName, OutputTemplate>>;

export type Paint = (color: string, text: string) => string;

export type OutputResult = { ok: true; text: string } | { ok: false; problem: RoboFileProblem };

/**
 * robo.yml's `templates.NAME` run on what `data` gives, or undefined when the file has no such template;
 * a template problem comes back with its robo.yml line.
 */
export function renderOutput(
  roboFile: RoboFile,
  name: OutputTemplateName,
  data: () => unknown,
  paint?: Paint,
): OutputResult | undefined {
  const entry = roboFile.templates?.[name];
  if (!entry) return undefined;
  try {
    return { ok: true, text: executeTemplate(entry.template, data(), { colors: paint }) };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const line = entry.block ? entry.line + error.line : entry.line;
    return { ok: false, problem: { line, message: `templates.${name}: ${templateMessage(error)}` } };
  }
}

/** A task as tj/robo's templates see it (task.Task's fields), built-ins marked. */
export interface TaskData {
  Name: string;
  Summary: string;
  Usage: string;
  Examples: Array<{ Description: string; Command: string }>;
  Command: string;
  Script: string;
  Exec: string;
  Env: string[];
  Builtin: boolean;
}

export function sharedTaskData(task: RoboTask): TaskData {
  return {
    Name: task.name,
    Summary: task.summary,
    Usage: task.usage,
    Examples: task.examples.map((example) => ({ Description: example.description, Command: example.command })),
    Command: task.kind === 'command' ? task.run : '',
    Script: task.kind === 'script' ? task.run : '',
    Exec: task.kind === 'exec' ? task.run : '',
    Env: task.env,
    Builtin: false,
  };
}

/** A built-in task in the same shape: its usage is what follows `robo NAME` on its synopsis line. */
export function builtinTaskData(task: {
  name: string;
  summary: string;
  usage: string;
  examples?: ReadonlyArray<readonly [string, string]>;
}): TaskData {
  const synopsis = task.usage.split('\n')[0] ?? '';
  const prefix = `robo ${task.name}`;
  return {
    Name: task.name,
    Summary: task.summary,
    Usage: synopsis.startsWith(prefix) ? synopsis.slice(prefix.length).trim() : '',
    Examples: (task.examples ?? []).map(([command, description]) => ({ Description: description, Command: command })),
    Command: '',
    Script: '',
    Exec: '',
    Env: [],
    Builtin: true,
  };
}

/** tj/robo's flattened variables: `.a.b` → the value as Go prints it. */
export function flattenedVariables(variables: Variables, prefix = '', into: Record<string, string> = {}) {
  for (const [key, value] of Object.entries(variables)) {
    const name = `${prefix}.${key}`;
    if (isMap(value)) flattenedVariables(value, name, into);
    else into[name] = value === null ? '' : formatValue(value);
  }
  return into;
}
