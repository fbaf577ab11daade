/**
 * The robo.yml side of the command line: the task list, help, output templates and running a task with its
 * arguments untouched, over the shared robo.yml and the working folder's, whose tasks win (TaskFiles).
 */
import path from 'node:path';
import { DefinitionsError, ExitCode, ExitSignal, UsageError } from '../errors.js';
import { suggestName } from '../validate/regions.js';
import {
  builtinTaskData,
  renderOutput,
  sharedTaskData,
  type OutputResult,
  type TaskData,
} from '../robofile/output-templates.js';
import type { RoboFile, RoboFileProblem, RoboStep, RoboTask } from '../robofile/parse.js';
import type { TaskStdio } from '../robofile/run.js';
import { BUILTIN_TASKS } from '../cli/tasks.js';
import { styled, type Reporter } from '../ui.js';
import { byCodePoints } from '../order.js';

/** The robo.yml files of a run: the shared one and the working folder's (locateLocalRoboFile), either may be absent. */
export interface TaskFiles {
  shared: RoboFile | undefined;
  local: RoboFile | undefined;
}

export interface ListedTask {
  name: string;
  summary: string;
  aliases: readonly string[];
  builtin: boolean;
  /** From ./robo.yml of the working folder. */
  local: boolean;
  /** A local task that takes the name of a shared one. */
  overrides: boolean;
}

/** The tasks of a file robo can run: none while it has errors. */
function usable(file: RoboFile | undefined): RoboTask[] {
  return file && file.errors.length === 0 ? [...file.tasks.values()] : [];
}

/** The robo.yml tasks robo can run, the working folder's first: a local task hides the shared one it overrides. */
export function usableTasks(files: TaskFiles): RoboTask[] {
  const local = usable(files.local);
  const localNames = new Set(local.map((task) => task.name));
  return [...local, ...usable(files.shared).filter((task) => !localNames.has(task.name))];
}

/** Built-ins, shared tasks and the working folder's, sorted by name; a local task hides the shared one it overrides. */
export function taskEntries(files: TaskFiles): ListedTask[] {
  const local = new Set(usable(files.local));
  const shared = new Set(usable(files.shared).map((task) => task.name));
  return [
    ...BUILTIN_TASKS.map((task) => ({
      name: task.name,
      summary: task.summary,
      aliases: task.aliases,
      builtin: true,
      local: false,
      overrides: false,
    })),
    ...usableTasks(files).map((task) => ({
      name: task.name,
      summary: task.summary,
      aliases: [],
      builtin: false,
      local: local.has(task),
      overrides: local.has(task) && shared.has(task.name),
    })),
  ].sort((a, b) => byCodePoints(a.name, b.name));
}

/** `robo -q`: every task name, one a line, sorted (tj/robo's list of names, for scripts). */
export function taskNames(files: TaskFiles): string {
  return taskEntries(files)
    .map((task) => task.name)
    .join('\n');
}

/**
 * `robo`: built-ins and shared tasks together, sorted by name, built-ins
 * marked; the working folder's tasks under a heading of their own.
 */
export function taskList(files: TaskFiles, cwd: string): string {
  const rows = taskEntries(files);
  const width = Math.max(...rows.map((row) => row.name.length));
  const line = (row: ListedTask) => {
    const notes = [
      row.builtin ? 'built-in' : '',
      row.aliases.length > 0 ? `alias: ${row.aliases.join(', ')}` : '',
      row.overrides ? 'overrides the shared task' : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `  ${row.name.padEnd(width)} – ${row.summary || '(no summary)'}${notes ? ` (${notes})` : ''}`;
  };
  const from = files.shared ? [`Shared tasks from ${files.shared.file}.`] : [];
  const local = rows.filter((row) => row.local);
  const here =
    files.local && local.length > 0
      ? [`Tasks from ./${path.relative(cwd, files.local.file)} (${files.local.file}):`, ...local.map(line), '']
      : [];
  return [
    '',
    ...rows.filter((row) => !row.local).map(line),
    '',
    ...from,
    ...(from.length > 0 && here.length > 0 ? [''] : []),
    ...here,
    "Run `robo help TASK` for a task's usage and examples; `robo variables` for robo.yml's variables.",
    '',
  ].join('\n');
}

/**
 * templates.list of `roboFile`: `.Tasks` (name → task: the built-ins, with .Builtin true, and `tasks`,
 * every robo.yml task of the run), `.Variables`, `.File`; undefined without one.
 */
export function customTaskList(roboFile: RoboFile, tasks: readonly RoboTask[]): OutputResult | undefined {
  const data = () => {
    const byName: Record<string, TaskData> = {};
    for (const task of BUILTIN_TASKS) byName[task.name] = builtinTaskData(task);
    for (const task of tasks) byName[task.name] = sharedTaskData(task);
    return { Tasks: byName, Variables: roboFile.variables, File: roboFile.file };
  };
  return renderOutput(roboFile, 'list', data, styled);
}

/** At most this many problems are listed: a merge key repeats one problem in every map that merges it. */
export const MAX_PROBLEM_LINES = 50;

/** `FILE:LINE: message` for each problem, by line, each once, at most MAX_PROBLEM_LINES of them. */
export function problemLines(roboFile: RoboFile, problems: readonly RoboFileProblem[]): string[] {
  const lines = [
    ...new Set(
      [...problems]
        .sort((a, b) => a.line - b.line)
        .map((problem) => `${roboFile.file}:${problem.line}: ${problem.message}`),
    ),
  ];
  if (lines.length <= MAX_PROBLEM_LINES) return lines;
  return [...lines.slice(0, MAX_PROBLEM_LINES), `and ${lines.length - MAX_PROBLEM_LINES} more problem(s), not listed`];
}

/** Say what is wrong with the robo.yml files without stopping (listing, built-ins). */
export function warnAbout(files: TaskFiles, reporter: Reporter): void {
  for (const file of [files.shared, files.local]) {
    if (file && file.errors.length > 0)
      reporter.warn(`${file.file} is invalid, so its tasks are not available:`, problemLines(file, file.errors));
    if (file && file.warnings.length > 0)
      reporter.warn(`${file.file}: some tasks were refused:`, problemLines(file, file.warnings));
  }
}

/** A broken robo.yml stops its own tasks, with every problem listed (exit 3). */
export function requireValid(roboFile: RoboFile): void {
  if (roboFile.errors.length > 0)
    throw new DefinitionsError(`${roboFile.file} is invalid; nothing was run`, problemLines(roboFile, roboFile.errors));
}

/**
 * The task `name` names and its file: the working folder's robo.yml first,
 * then the shared one. A broken file that may hold the task (it declares the
 * name, or its YAML could not be read to its names) stops the run with its
 * problems (exit 3): a broken local file never lets the shared task of a
 * name it may hold run in its place, and a broken shared file does not stop
 * the local tasks.
 */
export function findTask(files: TaskFiles, name: string): { file: RoboFile; task: RoboTask } | undefined {
  let broken: RoboFile | undefined;
  for (const file of [files.local, files.shared]) {
    if (!file) continue;
    if (file.errors.length > 0) {
      if (file.declared === undefined || file.declared.has(name)) requireValid(file);
      broken ??= file;
      continue;
    }
    const task = file.tasks.get(name);
    if (task) return { file, task };
  }
  if (broken) requireValid(broken);
  return undefined;
}

/**
 * The error for a task no file has, with a guess; and where robo.yml came from when it is the cached clone
 * of a git source: a task added upstream is unknown here until aws.config fetches the clone again.
 */
export async function unknownTask(name: string, files: TaskFiles, env: NodeJS.ProcessEnv): Promise<UsageError> {
  const names = [
    ...new Set([
      ...BUILTIN_TASKS.map((task) => task.name),
      ...(files.shared?.tasks.keys() ?? []),
      ...(files.local?.tasks.keys() ?? []),
    ]),
  ].sort();
  const guess = suggestName(name, names);
  const message = `unknown task "${name}"${guess ? `; did you mean ${guess}?` : ''}`;
  const details = [`tasks: ${names.join(', ')}`, 'run `robo` to list them with a summary'];
  const roboFile = files.shared;
  if (!roboFile) return new UsageError(message, details);
  const [{ resolvePaths }, { cachedClone }] = await Promise.all([import('../paths.js'), import('../status.js')]);
  const dir = path.dirname(roboFile.file);
  const clone =
    path.dirname(dir) === path.join(resolvePaths(env).cacheDir, 'sources') ? await cachedClone(dir, env) : undefined;
  if (clone)
    details.push(
      `robo.yml comes from the cached clone at commit ${clone.commit.slice(0, 12)} (${clone.commitDate.toISOString()}); run robo aws.config to update it`,
    );
  return new UsageError(message, details);
}

/** `robo help TASK` for a shared task: usage, summary, what runs (steps around it included), examples. */
export function sharedTaskHelp(
  task: RoboTask,
  global: { before: readonly RoboStep[]; after: readonly RoboStep[] } = { before: [], after: [] },
): string {
  const lines = [`robo ${task.name}${task.usage ? ` ${task.usage}` : ''}`, ''];
  if (task.summary) lines.push(task.summary, '');
  const step = (when: string, marked: string) => (item: RoboStep) => `${when} (${item.kind}${marked}): ${item.run}`;
  lines.push(
    ...global.before.map(step('Before', ', global')),
    ...task.before.map(step('Before', '')),
    `Runs (${task.kind}): ${task.run}`,
    ...task.after.map(step('After', '')),
    ...global.after.map(step('After', ', global')),
  );
  if (task.env.length > 0) lines.push(`Environment: ${task.env.join(' ')}`);
  if (task.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of task.examples) lines.push(`  ${example.command}`, `      ${example.description}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Run a shared task with the steps around it. robo's exit code is the
 * task's own if it failed, else the first failing step's; each failing step
 * is reported as it fails. A failing $(…) expression runs nothing (exit 3).
 */
export async function runSharedTask(
  roboFile: RoboFile,
  task: RoboTask,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  reporter: Reporter,
  stdio: TaskStdio = {},
): Promise<void> {
  const [{ runWithSteps }, { evaluateRun }] = await Promise.all([
    import('../robofile/run.js'),
    import('../robofile/expressions.js'),
  ]);
  const planned = await withExpressions(roboFile, () => evaluateRun(roboFile, task, env, cwd, stdio));
  const result = await runWithSteps(planned.task, planned.global, args, roboFile.file, env, cwd, stdio, (failure) =>
    reporter.error(
      `${roboFile.file}:${failure.line}: ${failure.label} ${failure.error ? `could not start: ${failure.error.message}` : `failed (exit ${failure.code})`}`,
    ),
  );
  if (result.task instanceof Error)
    throw new DefinitionsError(
      `${roboFile.file}:${task.line}: task ${task.name} could not start: ${result.task.message}`,
      [],
    );
  if (result.task !== 0) throw new ExitSignal(result.task);
  const first = result.failures[0];
  if (first) throw new ExitSignal(first.code ?? ExitCode.invalidDefinitions);
}

/** `evaluate()`, with a failing $(…) expression turned into a robo.yml problem naming the variable and its line. */
export async function withExpressions<T>(roboFile: RoboFile, evaluate: () => T | Promise<T>): Promise<T> {
  const { ExpressionFailure } = await import('../robofile/expressions.js');
  try {
    return await evaluate();
  } catch (error) {
    if (!(error instanceof ExpressionFailure)) throw error;
    // An item of a list has no line of its own: the list's.
    let path = error.path;
    while (!roboFile.variableLines.has(path) && path.includes('.')) path = path.slice(0, path.lastIndexOf('.'));
    const line = roboFile.variableLines.get(path) ?? 1;
    throw new DefinitionsError(`${roboFile.file}:${line}: ${error.message}; nothing was run`, []);
  }
}
