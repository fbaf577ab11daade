/**
 * robo.yml, in tj/robo's format: every top-level key is a task except
 * `variables`, `templates`, `before` and `after`. A task has summary, usage,
 * examples (description, command), env (K=V list), before and after steps
 * and one of exec, script or command (that precedence); a step has one of
 * the last three. Variables are interpolated with themselves (variables.ts),
 * then templates are expanded here, once, so every problem
 * (YAML syntax, unknown keys, a task with nothing to run, an undefined
 * variable, a name that would shadow a built-in) is found before anything
 * runs, each with its file and line. Pure: text in, data out.
 */
import { LineCounter, Scalar, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { resolveAliases } from './aliases.js';
import { MAX_BYTES, MAX_DEPTH, nestingProblem, shapeProblem } from './limits.js';
import { parseOutputTemplates, type OutputTemplates } from './output-templates.js';
import { splitWords } from './shell-words.js';
import { expand, type Variables } from './template.js';
import { resolveVariables } from './variables.js';
import { yamlV2Value } from './yaml-v2.js';

export type RunKind = 'exec' | 'script' | 'command';

/** What runs: a task, or one of its before/after steps. */
export interface Runnable {
  kind: RunKind;
  /** The command line, script path (relative to the file) or program to exec, templated. */
  run: string;
}

/** A before or after step: one of command, script or exec, as a task runs it. */
export interface RoboStep extends Runnable {
  line: number;
  /** `run` before templates were expanded: a run expands it again when variables hold $(…) (expressions.ts). */
  template: string;
}

export interface RoboTask extends Runnable {
  name: string;
  line: number;
  summary: string;
  usage: string;
  examples: Array<{ description: string; command: string }>;
  /** K=V entries, templated. */
  env: string[];
  /** `run` and `env` before templates were expanded (see RoboStep.template). */
  template: { run: string; env: string[] };
  before: RoboStep[];
  after: RoboStep[];
}

export interface RoboFileProblem {
  line: number;
  message: string;
}

export interface RoboFile {
  file: string;
  tasks: Map<string, RoboTask>;
  /**
   * Every top-level key that names a task, good or bad; undefined while the
   * file could not be read that far (a YAML error): such a file may hold any
   * name. A broken file stops the tasks it may hold (commands/robofile.ts).
   */
  declared?: Set<string>;
  /** Interpolated with themselves; $(…) expressions not evaluated. */
  variables: Variables;
  /** The line of each variable the file sets, by path (a.b for nested ones). */
  variableLines: Map<string, number>;
  /** Top-level names of the built-in variables (robo, user): values, never templates or $(…). */
  builtinVariables: readonly string[];
  /** Global steps, run around every task. */
  before: RoboStep[];
  after: RoboStep[];
  /** `templates`: what replaces robo's list, help and variables output (output-templates.ts). */
  templates?: OutputTemplates;
  /** Problems that make the file unusable: nothing in it runs. */
  errors: RoboFileProblem[];
  /** Tasks refused on their own (a name a built-in already has); the rest still run. */
  warnings: RoboFileProblem[];
}

/** YAML errors listed: the first ones are the useful ones. */
const MAX_ERRORS = 20;

const TASK_KEYS = ['summary', 'usage', 'examples', 'env', 'command', 'script', 'exec', 'before', 'after'];
const NOT_TASKS = ['variables', 'templates', 'before', 'after'];
const STEP_KEYS = ['command', 'script', 'exec'];
const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export interface ParseOptions {
  /** Names robo itself uses (built-in tasks, aliases, help, variables): a task may not take them. */
  reserved: (name: string) => boolean;
  /** Built-in variables: robo.file, robo.path, user.home, user.name, user.username. */
  builtins: Variables;
}

export function parseRoboFile(text: string, file: string, options: ParseOptions): RoboFile {
  const lines = new LineCounter();
  const result: RoboFile = {
    file,
    tasks: new Map(),
    variables: { ...options.builtins },
    variableLines: new Map(),
    builtinVariables: Object.keys(options.builtins),
    before: [],
    after: [],
    errors: [],
    warnings: [],
  };
  const size = Buffer.byteLength(text);
  if (size > MAX_BYTES) {
    result.errors.push({ line: 1, message: `is ${size} bytes; robo.yml may be at most ${MAX_BYTES} bytes (64 KiB)` });
    return result;
  }
  const nesting = nestingProblem(text);
  if (nesting) {
    result.errors.push(nesting);
    return result;
  }
  // Keys are checked for duplicates below, with a Set: the parser's own check compares each key with every earlier one.
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const lineOf = (node: Node | Pair | null | undefined) => {
    const range =
      node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    return range ? lines.linePos(range[0]).line : 1;
  };
  for (const error of document.errors.slice(0, MAX_ERRORS)) {
    result.errors.push({
      line: lines.linePos(error.pos[0]).line,
      message:
        error.code === 'MULTIPLE_DOCS'
          ? 'YAML: a second document starts here (---): robo.yml is one document'
          : `YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    });
  }
  if (document.errors.length > MAX_ERRORS)
    result.errors.push({
      line: result.errors.at(-1)!.line,
      message: `and ${document.errors.length - MAX_ERRORS} more YAML error(s), not listed`,
    });
  if (result.errors.length > 0) return result;
  const written = document.contents;
  if (written === null) return result; // an empty file has no tasks
  const shape = shapeProblem(written);
  if (shape) {
    result.errors.push({ line: lineOf(shape.node), message: shape.message });
    return result;
  }
  // No `*` and no `<<`: no alias and no merge key to resolve (the walk costs ~15% of the parse).
  const resolved = /\*|<</.test(text) ? resolveAliases(written, MAX_DEPTH) : { root: written };
  if ('problem' in resolved) {
    result.errors.push({ line: lineOf(resolved.problem.node), message: resolved.problem.message });
    return result;
  }
  const root = resolved.root;
  if (!isMap(root)) {
    result.errors.push({ line: lineOf(root), message: 'must be a map of task names to tasks' });
    return result;
  }

  const variablesPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'variables');
  if (variablesPair) {
    const value = variablesPair.value as Node | null;
    if (value !== null && !isMap(value))
      result.errors.push({ line: lineOf(variablesPair), message: 'variables: must be a map' });
    else if (value) Object.assign(result.variables, { ...(yamlV2Value(value) as Variables), ...options.builtins });
    for (const key of Object.keys(options.builtins)) {
      if (value && isMap(value) && value.has(key))
        result.errors.push({
          line: lineOf(value.items.find((pair) => isScalar(pair.key) && pair.key.value === key)),
          message: `variables: ${key} is built in and cannot be set`,
        });
    }
    if (isMap(value)) recordLines(value, '', result.variableLines, lineOf);
    const resolved = resolveVariables(result.variables, result.builtinVariables);
    result.variables = resolved.variables;
    for (const problem of resolved.problems)
      result.errors.push({
        line: result.variableLines.get(problem.path) ?? lineOf(variablesPair),
        message: problem.message,
      });
  }

  for (const key of ['before', 'after'] as const) {
    const pair = root.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair) result[key] = parseSteps(key, pair, result.variables, result.errors, lineOf);
  }

  const templatesPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'templates');
  if (templatesPair) result.templates = parseOutputTemplates(templatesPair, lineOf, result.errors);

  result.declared = new Set();
  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const line = lineOf(pair);
    if (name !== undefined && !NOT_TASKS.includes(name)) result.declared.add(name);
    if (name === undefined) {
      result.errors.push({ line, message: 'task names must be plain words' });
      continue;
    }
    if (NOT_TASKS.includes(name)) continue;
    if (!TASK_NAME.test(name)) {
      result.errors.push({
        line,
        message: `${JSON.stringify(name)} is not a task name (ASCII letters and digits, then also . _ : -)`,
      });
      continue;
    }
    if (options.reserved(name)) {
      result.warnings.push({
        line,
        message: `task ${name} is refused: robo has a built-in task of that name, which runs instead`,
      });
      continue;
    }
    if (isAnchorHolder(pair.value)) continue;
    const task = parseTask(name, pair.value, line, result, lineOf);
    if (task) result.tasks.set(name, task);
  }
  return result;
}

function parseTask(
  name: string,
  node: Node | null,
  line: number,
  file: RoboFile,
  lineOf: (node: Node | Pair | null | undefined) => number,
): RoboTask | undefined {
  const errors = file.errors;
  if (!isMap(node)) {
    errors.push({
      line,
      message: `task ${name}: must be a map with summary, usage, examples, env and one of command, script or exec`,
    });
    return undefined;
  }
  const before = errors.length;
  const map = node;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!TASK_KEYS.includes(key))
      errors.push({
        line: lineOf(pair),
        message: `task ${name}: unknown key ${key} (allowed: ${TASK_KEYS.join(', ')})`,
      });
  }
  const text = (key: string): TemplatedText | undefined => {
    const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (!pair) return undefined;
    const value = pair.value as Node | null;
    if (!isScalar(value) || typeof value.value === 'object') {
      errors.push({ line: lineOf(pair), message: `task ${name}: ${key} must be text` });
      return undefined;
    }
    const text = value.value as string | number | boolean | null; // not an object: checked above
    return { value: String(text), line: lineOf(value), block: value.type === Scalar.BLOCK_LITERAL };
  };
  const templated = (entry: TemplatedText | undefined): string => {
    if (!entry) return '';
    const expanded = expand(entry.value, file.variables);
    if (expanded.ok) return expanded.text;
    errors.push({ line: problemLine(entry, expanded.line), message: `task ${name}: ${expanded.message}` });
    return '';
  };

  // Precedence as in tj/robo: exec, then script, then command.
  const runs = (['exec', 'script', 'command'] as const)
    .map((kind) => [kind, text(kind)] as const)
    .filter(([, entry]) => entry !== undefined);
  if (runs.length === 0)
    errors.push({ line, message: `task ${name}: nothing to run: give it a command, a script or an exec` });
  const [kind, entry] = runs[0] ?? ['command', undefined];
  const beforeRun = errors.length;
  const run = templated(entry);
  if (entry && run.trim() === '' && errors.length === beforeRun)
    errors.push({ line: entry.line, message: `task ${name}: ${kind} is empty` });
  else if (entry && kind === 'exec' && errors.length === beforeRun) {
    const words = splitWords(run);
    if (!words.ok) errors.push({ line: entry.line, message: `task ${name}: exec ${words.problem}` });
  }

  const examples: RoboTask['examples'] = [];
  const examplesPair = map.items.find((item) => isScalar(item.key) && item.key.value === 'examples');
  if (examplesPair) {
    const list = examplesPair.value as Node | null;
    if (!isSeq(list))
      errors.push({
        line: lineOf(examplesPair),
        message: `task ${name}: examples must be a list of {description, command}`,
      });
    else {
      for (const item of list.items as Array<Node | null>) {
        if (!isMap(item)) {
          errors.push({
            line: lineOf(item),
            message: `task ${name}: each example is a map with description and command`,
          });
          continue;
        }
        const field = (key: string) => {
          const pair = item.items.find((p) => isScalar(p.key) && p.key.value === key);
          const value = pair?.value as Node | null | undefined;
          return pair && isScalar(value)
            ? templated({ value: String(value.value), line: lineOf(value), block: value.type === Scalar.BLOCK_LITERAL })
            : '';
        };
        for (const pair of item.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : '?';
          if (key !== 'description' && key !== 'command')
            errors.push({
              line: lineOf(pair),
              message: `task ${name}: unknown example key ${key} (allowed: description, command)`,
            });
        }
        examples.push({ description: field('description'), command: field('command') });
      }
    }
  }

  const env: string[] = [];
  const envTemplates: string[] = [];
  const envPair = map.items.find((item) => isScalar(item.key) && item.key.value === 'env');
  if (envPair) {
    const list = envPair.value as Node | null;
    if (!isSeq(list)) errors.push({ line: lineOf(envPair), message: `task ${name}: env must be a list of K=V` });
    else {
      for (const item of list.items as Array<Node | null>) {
        const value = isScalar(item) ? templated({ value: String(item.value), line: lineOf(item) }) : '';
        if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(value))
          errors.push({ line: lineOf(item), message: `task ${name}: env entry ${JSON.stringify(value)} is not K=V` });
        else {
          env.push(value);
          envTemplates.push(isScalar(item) ? String(item.value) : '');
        }
      }
    }
  }
  const summary = templated(text('summary'));
  const usage = templated(text('usage'));
  const steps = (key: 'before' | 'after') => {
    const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
    return pair ? parseSteps(`task ${name}: ${key}`, pair, file.variables, errors, lineOf) : [];
  };
  const beforeSteps = steps('before');
  const afterSteps = steps('after');
  if (errors.length > before) return undefined;
  return {
    name,
    line,
    summary,
    usage,
    examples,
    env,
    kind,
    run,
    template: { run: entry?.value ?? '', env: envTemplates },
    before: beforeSteps,
    after: afterSteps,
  };
}

/**
 * A before or after list (`where` names it in messages): each step a map
 * with one of command, script or exec, which win as in a task.
 */
function parseSteps(
  where: string,
  pair: Pair,
  variables: Variables,
  errors: RoboFileProblem[],
  lineOf: (node: Node | Pair | null | undefined) => number,
): RoboStep[] {
  const list = pair.value as Node | null;
  if (!isSeq(list)) {
    errors.push({ line: lineOf(pair), message: `${where} must be a list of steps, each with command, script or exec` });
    return [];
  }
  const steps: RoboStep[] = [];
  (list.items as Array<Node | null>).forEach((item, index) => {
    const label = `${where} step #${index + 1}`;
    const line = lineOf(item ?? pair);
    if (!isMap(item)) {
      errors.push({ line, message: `${label} must be a map with one of command, script or exec` });
      return;
    }
    const failed = errors.length;
    for (const field of item.items) {
      const key = isScalar(field.key) ? String(field.key.value) : '?';
      if (!STEP_KEYS.includes(key))
        errors.push({
          line: lineOf(field),
          message: `${label}: unknown key ${key} (allowed: ${STEP_KEYS.join(', ')})`,
        });
      else if (!isScalar(field.value) || typeof field.value.value === 'object')
        errors.push({ line: lineOf(field), message: `${label}: ${key} must be text` });
    }
    if (errors.length > failed) return;
    const kind = (['exec', 'script', 'command'] as const).find((key) => item.has(key));
    if (!kind) {
      errors.push({ line, message: `${label}: nothing to run: give it a command, a script or an exec` });
      return;
    }
    const node = item.get(kind, true) as Node & { value: unknown };
    const template = String(node.value);
    const run = expand(template, variables);
    if (!run.ok) errors.push({ line: lineOf(node), message: `${label}: ${run.message}` });
    else if (run.text.trim() === '') errors.push({ line: lineOf(node), message: `${label}: ${kind} is empty` });
    else {
      const words = kind === 'exec' ? splitWords(run.text) : undefined;
      if (words && !words.ok) errors.push({ line: lineOf(node), message: `${label}: exec ${words.problem}` });
      else steps.push({ line, kind, run: run.text, template });
    }
  });
  return steps;
}

/** The line of each variable under `map`, by path. */
function recordLines(
  map: Node,
  prefix: string,
  lines: Map<string, number>,
  lineOf: (node: Node | Pair | null | undefined) => number,
): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const path = prefix ? `${prefix}.${String(pair.key.value)}` : String(pair.key.value);
    lines.set(path, lineOf(pair));
    recordLines(pair.value as Node, path, lines, lineOf);
  }
}

/**
 * A top-level map with an anchor and nothing to run (`defaults: &defaults`)
 * holds keys for other tasks to merge: it is not a task, so it is neither
 * listed nor refused as one with nothing to run.
 */
function isAnchorHolder(node: unknown): boolean {
  return isMap(node) && node.anchor !== undefined && !['command', 'script', 'exec'].some((key) => node.has(key));
}

/** A templated string of robo.yml: its text, the line its value starts on, and whether it is a `|` block. */
interface TemplatedText {
  value: string;
  line: number;
  block?: boolean;
}

/**
 * The robo.yml line of a template problem on line `inner` of the text: in a
 * `|` block the text starts on the line after the `|` and keeps its lines;
 * other scalars fold lines, so their problems point at where they start.
 */
export function problemLine(entry: TemplatedText, inner: number | undefined): number {
  return entry.block && inner !== undefined ? entry.line + inner : entry.line;
}
