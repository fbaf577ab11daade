/**
 * robo.yml as the dotfiles repo's CI checks it (teams.validate): everything the loader finds is a problem, a
 * task a built-in shadows included, and every `script:` must be an executable file inside the checkout, as
 * robo runs it directly. No $(…) runs here.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SourceError, messageOf } from '../errors.js';
import { ROBO_FILE, loadRoboFile } from './load.js';
import type { RoboFileProblem, RoboStep, Runnable } from './parse.js';
import { invocation } from './run.js';

export interface RoboFileCheck {
  /** The shared tasks that parsed (a task with a problem may be missing). */
  tasks: string[];
  /** Every problem, by line. */
  problems: RoboFileProblem[];
}

/** Check `root`/robo.yml; undefined when the checkout has none. */
export async function checkRoboFile(root: string): Promise<RoboFileCheck | undefined> {
  const file = path.join(root, ROBO_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // At run time robo would fail to read it too: a problem of the checkout, not of this run.
    if (code === 'EISDIR')
      return { tasks: [], problems: [{ line: 1, message: `${ROBO_FILE} is a folder, not a file` }] };
    throw new SourceError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  const parsed = await loadRoboFile(file, false, text);
  const problems = [...parsed.errors, ...parsed.warnings];
  const realRoot = await realpath(root);
  const scripts: Array<[RoboStep, string]> = [];
  const steps = (list: readonly RoboStep[], label: string) =>
    list.forEach((step, index) => scripts.push([step, label.replace('#', `#${index + 1}`)]));
  steps(parsed.before, 'global before step #');
  steps(parsed.after, 'global after step #');
  for (const task of parsed.tasks.values()) {
    scripts.push([task, `task ${task.name}`]);
    steps(task.before, `task ${task.name}: before step #`);
    steps(task.after, `task ${task.name}: after step #`);
  }
  for (const [step, label] of scripts) {
    const problem = step.kind === 'script' ? await scriptProblem(step, file, root, realRoot) : undefined;
    if (problem) problems.push({ line: step.line, message: `${label}: ${problem}` });
  }
  return { tasks: [...parsed.tasks.keys()], problems: problems.sort((a, b) => a.line - b.line) };
}

/** What is wrong with a task's script, resolved exactly as the runner resolves it (run.ts). */
async function scriptProblem(
  task: Runnable,
  roboFile: string,
  root: string,
  realRoot: string,
): Promise<string | undefined> {
  const script = invocation(task, [], roboFile).program;
  const shown = JSON.stringify(task.run);
  if (!inside(root, script))
    return `script ${shown} resolves to ${script}, outside the checkout: scripts are files of the dotfiles repo, relative to ${ROBO_FILE}`;
  let real: string;
  try {
    real = await realpath(script);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `script ${shown} does not exist in the checkout`;
    return `script ${shown} cannot be read: ${messageOf(error)}`;
  }
  // A committed symbolic link may point anywhere on the engineer's laptop.
  if (!inside(realRoot, real)) return `script ${shown} is a link to ${real}, outside the checkout`;
  const info = await stat(real);
  if (!info.isFile()) return `script ${shown} is not a file`;
  if ((info.mode & 0o111) === 0)
    return `script ${shown} is not executable, so robo (like tj/robo) runs it with sh and ignores its #! line: chmod +x it and commit the mode (git add --chmod=+x)`;
  return undefined;
}

/** Whether `file` is below `folder` (not the folder itself). */
function inside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
