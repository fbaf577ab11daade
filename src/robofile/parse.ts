/**
 * robo.yml, in tj/robo's format: every top-level key is a task except `variables`, `templates`, `before`
 * and `after`. Variables are interpolated with themselves (variables.ts), then templates are expanded
 * here, once, so every problem is found before anything runs, each with its line. Pure: text in, data out.
 */
import { LineCounter, Scalar, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { resolveAliases } from './aliases.js';
import { MAX_BYTES, MAX_DEPTH, nestingProblem, shapeProblem } from './limits.js';
import { OUTPUT_TEMPLATES, type OutputTemplateName, type OutputTemplates } from './output-templates.js';
import { TemplateError, parseTemplate } from './go-template.js';
import { splitWords } from './shell-words.js';
import { expand, resolveVariables, templateMessage, type Variables } from './variables.js';
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

export interface RoboTask extends RoboStep {
  name: string;
  summary: string;
  usage: string;
  examples: Array<{ description: string; command: string }>;
  /** K=V entries, templated. */
  env: string[];
  /** `env` before templates were expanded (see RoboStep.template). */
  envTemplates: string[];
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
/** tj/robo's precedence when a task or step gives more than one. */
const RUN_KINDS = ['exec', 'script', 'command'] as const;
const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** What the walk over a file's tasks and steps shares. */
interface Walk {
  /** What templates read: the variables, interpolated with themselves. */
  variables: Variables;
  errors: RoboFileProblem[];
  lineOf: (node: Node | Pair | null | undefined) => number;
}

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
  // The parser places what it meets at the end of the text (a quote or bracket left open) just past the
  // last character: after a final line break, that is a line the file does not have. Name the last one.
  const lineAt = (offset: number) => lines.linePos(Math.max(0, Math.min(offset, text.length - 1))).line;
  const lineOf = (node: Node | Pair | null | undefined) => {
    const range =
      node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    return range ? lineAt(range[0]) : 1;
  };
  for (const error of document.errors.slice(0, MAX_ERRORS)) {
    result.errors.push({
      line: lineAt(error.pos[0]),
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

  const variablesPair = pairOf(root, 'variables');
  if (variablesPair) {
    const value = variablesPair.value as Node | null;
    if (value !== null && !isMap(value))
      result.errors.push({ line: lineOf(variablesPair), message: 'variables: must be a map' });
    else if (value) Object.assign(result.variables, { ...(yamlV2Value(value) as Variables), ...options.builtins });
    for (const key of Object.keys(options.builtins)) {
      const builtin = isMap(value) ? pairOf(value, key) : undefined;
      if (builtin)
        result.errors.push({ line: lineOf(builtin), message: `variables: ${key} is built in and cannot be set` });
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
  const walk: Walk = { variables: result.variables, errors: result.errors, lineOf };

  for (const key of ['before', 'after'] as const) {
    const pair = pairOf(root, key);
    if (pair) result[key] = parseSteps(key, pair, walk);
  }

  const templatesPair = pairOf(root, 'templates');
  if (templatesPair) result.templates = parseOutputTemplates(templatesPair, lineOf, result.errors);

  result.declared = new Set();
  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const line = lineOf(pair);
    if (name === undefined) {
      result.errors.push({ line, message: 'task names must be plain words' });
      continue;
    }
    if (NOT_TASKS.includes(name)) continue;
    result.declared.add(name);
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
    const task = parseTask(name, pair.value, line, walk);
    if (task) result.tasks.set(name, task);
  }
  return result;
}

function parseTask(name: string, node: Node | null, line: number, walk: Walk): RoboTask | undefined {
  const { errors, lineOf } = walk;
  const label = `task ${name}`;
  if (!isMap(node)) {
    errors.push({
      line,
      message: `${label}: must be a map with summary, usage, examples, env and one of command, script or exec`,
    });
    return undefined;
  }
  const failed = errors.length;
  unknownKeys(node, TASK_KEYS, label, walk);
  const runnable = parseRunnable(node, label, line, walk);
  const expanded = (text: TemplatedText | undefined) => (text && expandText(text, label, walk)) ?? '';

  const examples: RoboTask['examples'] = [];
  const examplesPair = pairOf(node, 'examples');
  if (examplesPair && !isSeq(examplesPair.value))
    errors.push({ line: lineOf(examplesPair), message: `${label}: examples must be a list of {description, command}` });
  for (const item of itemsOf(examplesPair)) {
    if (!isMap(item)) {
      errors.push({ line: lineOf(item), message: `${label}: each example is a map with description and command` });
      continue;
    }
    unknownKeys(item, ['description', 'command'], label, walk, 'example key');
    const field = (key: string) => {
      const value = pairOf(item, key)?.value;
      return expanded(isScalar(value) ? scalarText(value, walk) : undefined);
    };
    examples.push({ description: field('description'), command: field('command') });
  }

  const env: string[] = [];
  const envTemplates: string[] = [];
  const envPair = pairOf(node, 'env');
  if (envPair && !isSeq(envPair.value))
    errors.push({ line: lineOf(envPair), message: `${label}: env must be a list of K=V` });
  for (const item of itemsOf(envPair)) {
    const value = isScalar(item) ? expanded({ value: String(item.value), line: lineOf(item) }) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(value))
      errors.push({ line: lineOf(item), message: `${label}: env entry ${JSON.stringify(value)} is not K=V` });
    else {
      env.push(value);
      envTemplates.push(String((item as Scalar).value));
    }
  }
  const summary = expanded(textAt(node, 'summary', label, walk));
  const usage = expanded(textAt(node, 'usage', label, walk));
  const steps = (key: 'before' | 'after') => {
    const pair = pairOf(node, key);
    return pair ? parseSteps(`${label}: ${key}`, pair, walk) : [];
  };
  const before = steps('before');
  const after = steps('after');
  if (!runnable || errors.length > failed) return undefined;
  return { name, line, ...runnable, summary, usage, examples, env, envTemplates, before, after };
}

/**
 * A before or after list (`where` names it in messages): each step a map
 * with one of command, script or exec, which win as in a task.
 */
function parseSteps(where: string, pair: Pair, walk: Walk): RoboStep[] {
  if (!isSeq(pair.value)) {
    walk.errors.push({
      line: walk.lineOf(pair),
      message: `${where} must be a list of steps, each with command, script or exec`,
    });
    return [];
  }
  const steps: RoboStep[] = [];
  itemsOf(pair).forEach((item, index) => {
    const label = `${where} step #${index + 1}`;
    const line = walk.lineOf(item ?? pair);
    if (!isMap(item)) {
      walk.errors.push({ line, message: `${label} must be a map with one of command, script or exec` });
      return;
    }
    unknownKeys(item, STEP_KEYS, label, walk);
    const runnable = parseRunnable(item, label, line, walk);
    if (runnable) steps.push({ line, ...runnable });
  });
  return steps;
}

/**
 * What a task or step runs: the first of exec, script and command given (tj/robo's precedence), expanded.
 * None given, one that is not text, or an empty or unsplittable result is a problem of `label`.
 */
function parseRunnable(map: YAMLMap, label: string, line: number, walk: Walk): Omit<RoboStep, 'line'> | undefined {
  const { errors } = walk;
  const failed = errors.length;
  const given = RUN_KINDS.map((kind) => [kind, textAt(map, kind, label, walk)] as const);
  const [kind, text] = given.find(([, text]) => text !== undefined) ?? [];
  if (!kind || !text) {
    // A key that is there but not text was said already.
    if (errors.length === failed)
      errors.push({ line, message: `${label}: nothing to run: give it a command, a script or an exec` });
    return undefined;
  }
  const run = expandText(text, label, walk);
  if (run === undefined) return undefined;
  const words = kind === 'exec' ? splitWords(run) : undefined;
  if (run.trim() === '') errors.push({ line: text.line, message: `${label}: ${kind} is empty` });
  else if (words && !words.ok) errors.push({ line: text.line, message: `${label}: exec ${words.problem}` });
  else return { kind, run, template: text.value };
  return undefined;
}

/** A templated string of robo.yml: its text, the line its value starts on, and whether it is a `|` block. */
interface TemplatedText {
  value: string;
  line: number;
  block?: boolean;
}

function scalarText(node: Scalar, walk: Walk): TemplatedText {
  return { value: String(node.value), line: walk.lineOf(node), block: node.type === Scalar.BLOCK_LITERAL };
}

/** The text under `key` of `map`, if given; given but not text is a problem of `label`. */
function textAt(map: YAMLMap, key: string, label: string, walk: Walk): TemplatedText | undefined {
  const pair = pairOf(map, key);
  if (!pair) return undefined;
  if (isScalar(pair.value) && typeof pair.value.value !== 'object') return scalarText(pair.value, walk);
  walk.errors.push({ line: walk.lineOf(pair), message: `${label}: ${key} must be text` });
  return undefined;
}

/**
 * `text` expanded over the variables; a template problem is one of `label`, said on the robo.yml line
 * of the problem: a `|` block keeps its lines (its text starts on the line after the `|`), other
 * scalars fold them, so their problems point at where they start.
 */
function expandText(text: TemplatedText, label: string, walk: Walk): string | undefined {
  const expanded = expand(text.value, walk.variables);
  if (expanded.ok) return expanded.text;
  const line = text.block && expanded.line !== undefined ? text.line + expanded.line : text.line;
  walk.errors.push({ line, message: `${label}: ${expanded.message}` });
  return undefined;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

/** The items of a pair's list (none when its value is not a list). */
function itemsOf(pair: Pair | undefined): Array<Node | null> {
  return isSeq(pair?.value) ? (pair.value.items as Array<Node | null>) : [];
}

/** Each key of `map` not in `allowed`, a problem of `label`. */
function unknownKeys(map: YAMLMap, allowed: readonly string[], label: string, walk: Walk, noun = 'key'): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!allowed.includes(key))
      walk.errors.push({
        line: walk.lineOf(pair),
        message: `${label}: unknown ${noun} ${key} (allowed: ${allowed.join(', ')})`,
      });
  }
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
  return isMap(node) && node.anchor !== undefined && !STEP_KEYS.some((key) => node.has(key));
}

/** The `templates` map of robo.yml: each known key a template that parses; problems pushed to `errors`. */
export function parseOutputTemplates(
  pair: Pair,
  lineOf: (node: Node | Pair | null | undefined) => number,
  errors: RoboFileProblem[],
): OutputTemplates {
  const templates: OutputTemplates = {};
  const value = pair.value as Node | null;
  if (value === null) return templates;
  if (!isMap(value)) {
    errors.push({ line: lineOf(pair), message: `templates: must be a map with ${OUTPUT_TEMPLATES.join(', ')}` });
    return templates;
  }
  for (const item of value.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '?';
    if (!(OUTPUT_TEMPLATES as readonly string[]).includes(key)) {
      errors.push({
        line: lineOf(item),
        // robo's docs once called templates "a place for YAML anchors": say where such a key went wrong.
        message: `templates: unknown key ${key} (allowed: ${OUTPUT_TEMPLATES.join(', ')}; templates holds Go templates for robo's output, as in tj/robo)`,
      });
      continue;
    }
    const text = item.value as Node | null;
    if (!isScalar(text) || typeof text.value !== 'string') {
      errors.push({ line: lineOf(item), message: `templates.${key} must be text` });
      continue;
    }
    const line = lineOf(text);
    const block = text.type === Scalar.BLOCK_LITERAL;
    try {
      templates[key as OutputTemplateName] = { template: parseTemplate(text.value), line, block };
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      errors.push({ line: block ? line + error.line : line, message: `templates.${key}: ${templateMessage(error)}` });
    }
  }
  return templates;
}
