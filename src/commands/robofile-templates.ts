/**
 * robo.yml's `templates` at the command line: the data each output template
 * sees, as tj/robo gives it. Imported only when robo.yml has the template,
 * so a plain `robo` never loads the template engine.
 */
import { BUILTIN_TASKS } from '../cli/tasks.js';
import {
  builtinTaskData,
  flattenedVariables,
  renderOutput,
  sharedTaskData,
  type OutputResult,
  type TaskData,
} from '../robofile/output-templates.js';
import type { RoboFile, RoboTask } from '../robofile/parse.js';
import { styled } from '../ui.js';

/**
 * templates.list of `roboFile`: `.Tasks` (name → task: the built-ins, with
 * .Builtin true, and `tasks`, every robo.yml task of the run), `.Variables`, `.File`.
 */
export function customTaskList(roboFile: RoboFile, tasks: readonly RoboTask[]): OutputResult | undefined {
  const entry = roboFile.templates?.list;
  if (!entry) return undefined;
  const data: Record<string, TaskData> = {};
  for (const task of BUILTIN_TASKS) data[task.name] = builtinTaskData(task);
  for (const task of tasks) data[task.name] = sharedTaskData(task);
  return renderOutput('list', entry, { Tasks: data, Variables: roboFile.variables, File: roboFile.file }, styled);
}

/** templates.help for a robo.yml task: the task. */
export function customTaskHelp(roboFile: RoboFile, task: RoboTask): OutputResult | undefined {
  const entry = roboFile.templates?.help;
  return entry && renderOutput('help', entry, sharedTaskData(task), styled);
}

/** templates.variables: tj/robo's flattened map, `.user.home` → value. */
export function customVariables(roboFile: RoboFile): OutputResult | undefined {
  const entry = roboFile.templates?.variables;
  return entry && renderOutput('variables', entry, flattenedVariables(roboFile.variables), styled);
}
