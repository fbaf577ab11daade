/**
 * `$(…)` command expressions in robo.yml's variables, as tj/robo evaluates them: after interpolation, each
 * `$(cmd)` runs as `$SHELL -c cmd` (`sh -c` when SHELL is unset) with the user's stdin and stderr, and its
 * stdout, one trailing newline removed, replaces it. Unlike tj/robo, only the expressions a run reads run
 * (listing, help, completion and the built-ins run none), each distinct command once.
 */
import { spawn } from 'node:child_process';
import { spawnForwardingSignals, type TaskStdio } from './run.js';
import { expand, texts, withTexts, type Variables } from './variables.js';
import type { RoboFile, RoboStep, RoboTask } from './parse.js';

/** An expression whose command failed or could not start; the caller adds the file and line. */
export class ExpressionFailure extends Error {
  constructor(
    /** The variable holding it (a.b for nested ones). */
    readonly path: string,
    readonly command: string,
    readonly reason: string,
  ) {
    super(`variable ${path}: $(${command}) ${reason}`);
  }
}

/**
 * The `$(…)` expressions of `text`, each with its parentheses balanced:
 * `$(a) $(b)` is two (tj/robo's greedy regular expression runs `a) $(b`).
 * Quotes are read as sh reads them, so `$(echo ")")` is one command: a
 * parenthesis inside '…' or "…", or after a backslash, does not count. An
 * unclosed `$(` is text.
 */
export function expressionsIn(text: string): Array<{ start: number; end: number; command: string }> {
  const found: Array<{ start: number; end: number; command: string }> = [];
  let at = text.indexOf('$(');
  while (at !== -1) {
    const end = closingParenthesis(text, at + 2);
    if (end === -1) break; // unclosed: no later `$(` can close either
    found.push({ start: at, end, command: text.slice(at + 2, end - 1) });
    at = text.indexOf('$(', end);
  }
  return found;
}

/** Just past the `)` that closes a `(` opened before `from`, or -1. */
function closingParenthesis(text: string, from: number): number {
  let depth = 1;
  let quote: string | undefined;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (quote === "'") {
      if (char === "'") quote = undefined;
    } else if (char === '\\') index += 1;
    else if (quote === '"') {
      if (char === '"') quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth += 1;
    else if (char === ')' && --depth === 0) return index + 1;
  }
  return -1;
}

/** The variables with each text that holds expressions replaced on first read, each expression by `output`. */
function evaluating(
  variables: Variables,
  fixed: readonly string[],
  output: (path: string, command: string) => string,
): Variables {
  const evaluated = new Map<string, string>();
  const evaluate = (path: string, text: string) => {
    const known = evaluated.get(path);
    if (known !== undefined) return known;
    let result = '';
    let from = 0;
    for (const expression of expressionsIn(text)) {
      result += text.slice(from, expression.start) + output(path, expression.command);
      from = expression.end;
    }
    result += text.slice(from);
    evaluated.set(path, result);
    return result;
  };
  return withTexts(variables, evaluate, { fixed, lazy: true });
}

/** The most an expression may print. */
const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Run one expression's command and wait for it, passing on the signals robo gets (as a task's run
 * does), so a SIGTERM sent to robo alone ends the command too. Its output, less one trailing newline,
 * or ExpressionFailure saying why there is none.
 */
function runExpression(
  path: string,
  command: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: TaskStdio,
): Promise<string> {
  const shell = env.SHELL || 'sh';
  return new Promise((resolve, reject) => {
    const { child, stop } = spawnForwardingSignals(() =>
      spawn(shell, ['-c', command], { env, cwd, stdio: [stdio.stdin ?? 'inherit', 'pipe', stdio.stderr ?? 'inherit'] }),
    );
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) chunks.push(chunk);
      else child.kill();
    });
    // 'error' may come before 'close' (a command that cannot start): the first settles, the second is a no-op.
    const settle = (error: Error | undefined, code: number | null, signal: NodeJS.Signals | null) => {
      stop();
      const fail = (reason: string) => reject(new ExpressionFailure(path, command, reason));
      if (size > MAX_OUTPUT) fail(`printed more than ${MAX_OUTPUT} bytes`);
      else if (error) fail(`could not start ${shell}: ${error.message}`);
      else if (code === null) fail(`was ended by ${signal ?? 'a signal'}`);
      else if (code !== 0) fail(`failed (exit ${code})`);
      else resolve(Buffer.concat(chunks).toString('utf8').replace(/\n$/, ''));
    };
    child.on('error', (error) => settle(error, null, null));
    child.on('close', (code, signal) => settle(undefined, code, signal));
  });
}

/** What one run of a task runs: the task and every step around it, expressions evaluated. */
export interface EvaluatedRun {
  task: RoboTask;
  global: { before: RoboStep[]; after: RoboStep[] };
}

/**
 * The task and the steps around it expanded again, from their templates, with the commands of the
 * expressions they read run first, one after the other, in the order read. Which ones they read comes
 * from expanding with every output not yet known empty, again until a pass reads none it does not know
 * (a `{{ if }}` on an output may read others once the output is known). Rejects with ExpressionFailure.
 */
export async function evaluateRun(
  roboFile: RoboFile,
  task: RoboTask,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: TaskStdio = {},
): Promise<EvaluatedRun> {
  const { builtinVariables: fixed, variables } = roboFile;
  if (!texts(variables, fixed).some(([, text]) => expressionsIn(text).length > 0))
    return { task, global: { before: roboFile.before, after: roboFile.after } };
  const known = new Map<string, string>(); // command → its output
  // Bounded: each pass but the last runs a command not run before, and the variables hold finitely many.
  for (;;) {
    const wanted = new Map<string, string>(); // command → the variable first read for it, in the order read
    const output = (path: string, command: string) => {
      if (!known.has(command) && !wanted.has(command)) wanted.set(command, path);
      return known.get(command) ?? '';
    };
    try {
      const run = expandRun(roboFile, task, evaluating(variables, fixed, output));
      if (wanted.size === 0) return run;
    } catch (error) {
      if (wanted.size === 0) throw error; // every output it read was real: the problem is too
    }
    for (const [command, path] of wanted) known.set(command, await runExpression(path, command, env, cwd, stdio));
  }
}

/** Every variable evaluated (`robo variables --eval`): each distinct command run once, in the order the variables come. */
export async function evaluateAll(
  variables: Variables,
  fixed: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: TaskStdio = {},
): Promise<Variables> {
  const known = new Map<string, string>();
  for (const [path, text] of texts(variables, fixed))
    for (const { command } of expressionsIn(text))
      if (!known.has(command)) known.set(command, await runExpression(path, command, env, cwd, stdio));
  return evaluating(variables, fixed, (_, command) => known.get(command)!);
}

/** The task and the steps around it expanded again, from their templates, with `variables`. */
function expandRun(roboFile: RoboFile, task: RoboTask, variables: Variables): EvaluatedRun {
  const again = (template: string): string => {
    const expanded = expand(template, variables);
    // The same text expanded without a problem at load; only a value read through a getter differs.
    if (!expanded.ok) throw new Error(`${roboFile.file}: ${expanded.message}`);
    return expanded.text;
  };
  const steps = (list: readonly RoboStep[]) => list.map((step) => ({ ...step, run: again(step.template) }));
  // In the order they run, so their expressions run in that order too.
  const globalBefore = steps(roboFile.before);
  const envEntries = task.envTemplates.map(again);
  const before = steps(task.before);
  const run = again(task.template);
  const after = steps(task.after);
  return {
    global: { before: globalBefore, after: steps(roboFile.after) },
    task: { ...task, env: envEntries, before, run, after },
  };
}
