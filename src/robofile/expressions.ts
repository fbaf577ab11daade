/**
 * `$(…)` command expressions in robo.yml's variables, as tj/robo evaluates
 * them: after interpolation, each `$(cmd)` runs as `$SHELL -c cmd` (`sh -c`
 * when SHELL is unset) with the user's stdin and stderr, and its stdout, one
 * trailing newline removed, replaces it. Lazily, unlike tj/robo: a variable's
 * expressions run on the first read of the variable, so only a task that
 * uses it (directly or through other variables) runs them, and listing,
 * help, completion and the built-ins run none.
 */
import { spawn, spawnSync } from 'node:child_process';
import { spawnForwardingSignals } from './run.js';
import { mirrorOf, texts } from './variables.js';
import { expand, type Variables } from './template.js';
import type { RoboFile, RoboStep, RoboTask } from './parse.js';

/** Where an expression's command gets its stdin and sends its stderr (default: robo's own). */
export interface ExpressionStdio {
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
}

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

function hasExpression(text: string): boolean {
  return expressionsIn(text).length > 0;
}

/** Whether any text of the variables (but the `fixed` ones) holds an expression: without one, nothing needs evaluating. */
export function holdsExpressions(variables: Variables, fixed: readonly string[] = []): boolean {
  return texts(variables, '', fixed).some(([, text]) => hasExpression(text));
}

/**
 * The variables with each text that holds expressions replaced, on first
 * read, by its evaluated form (each distinct command runs once per run).
 * A failing command throws ExpressionFailure from the read. `fixed` names
 * top-level variables taken as they are: the built-in ones (robo.path may
 * hold anything a folder name can).
 */
export function evaluatingVariables(
  variables: Variables,
  fixed: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: ExpressionStdio = {},
  /** Outputs already known, by command (evaluateRunForwardingSignals runs them first); filled in as commands run. */
  known: Map<string, string> = new Map(),
): Variables {
  return evaluating(variables, fixed, (path, command) => {
    let text = known.get(command);
    if (text === undefined) {
      text = runExpression(path, command, env, cwd, stdio);
      known.set(command, text);
    }
    return text;
  });
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
  return mirrorOf(variables, '', evaluate, fixed);
}

/** How one run of an expression's command ended. */
interface Ran {
  /** It could not start. */
  error?: Error;
  /** It printed more than MAX_OUTPUT and was stopped. */
  overflow: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** The most an expression may print. */
const MAX_OUTPUT = 16 * 1024 * 1024;

/** The expression's value (its output less one trailing newline), or ExpressionFailure saying why there is none. */
function outputOf(path: string, command: string, shell: string, ran: Ran): string {
  if (ran.overflow) throw new ExpressionFailure(path, command, `printed more than ${MAX_OUTPUT} bytes`);
  if (ran.error) throw new ExpressionFailure(path, command, `could not start ${shell}: ${ran.error.message}`);
  if (ran.code !== 0)
    throw new ExpressionFailure(
      path,
      command,
      ran.code === null ? `was ended by ${ran.signal ?? 'a signal'}` : `failed (exit ${ran.code})`,
    );
  return ran.stdout.replace(/\n$/, '');
}

/**
 * Run one expression's command and wait for it, passing on the signals robo
 * gets (as a task's run does), so a SIGTERM sent to robo alone ends the
 * command too rather than leaving it running after robo.
 */
function runExpressionForwardingSignals(
  path: string,
  command: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: ExpressionStdio,
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
    const settle = (ran: Omit<Ran, 'overflow' | 'stdout'>) => {
      stop();
      try {
        const stdout = Buffer.concat(chunks).toString('utf8');
        resolve(outputOf(path, command, shell, { ...ran, overflow: size > MAX_OUTPUT, stdout }));
      } catch (failure) {
        // outputOf throws ExpressionFailure only.
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      }
    };
    // 'error' may come before 'close' (a command that cannot start): the first settles, the second is a no-op.
    child.on('error', (error) => settle({ error, code: null, signal: null }));
    child.on('close', (code, signal) => settle({ code, signal }));
  });
}

/** Run one expression's command, synchronously: a getter cannot wait. */
function runExpression(
  path: string,
  command: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: ExpressionStdio,
): string {
  const shell = env.SHELL || 'sh';
  const child = spawnSync(shell, ['-c', command], {
    env,
    cwd,
    stdio: [stdio.stdin ?? 'inherit', 'pipe', stdio.stderr ?? 'inherit'],
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT,
  });
  const overflow = child.error !== undefined && 'code' in child.error && child.error.code === 'ENOBUFS';
  return outputOf(path, command, shell, {
    error: overflow ? undefined : child.error,
    overflow,
    code: child.status,
    signal: child.signal,
    stdout: child.stdout ?? '',
  });
}

/** What one run of a task runs: the task and every step around it, expressions evaluated. */
export interface EvaluatedRun {
  task: RoboTask;
  global: { before: RoboStep[]; after: RoboStep[] };
}

/**
 * The task and the steps around it expanded again, from their templates,
 * with variables whose expressions run on first read: only the expressions
 * this run uses run, all before anything of the run starts. Throws
 * ExpressionFailure.
 */
export function evaluateRun(
  roboFile: RoboFile,
  task: RoboTask,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: ExpressionStdio = {},
  known?: Map<string, string>,
): EvaluatedRun {
  if (!holdsExpressions(roboFile.variables, roboFile.builtinVariables))
    return { task, global: { before: roboFile.before, after: roboFile.after } };
  return expandRun(
    roboFile,
    task,
    evaluatingVariables(roboFile.variables, roboFile.builtinVariables, env, cwd, stdio, known),
  );
}

/**
 * evaluateRun, with the commands of the expressions this run reads run
 * first, one after the other, each passed the signals robo gets. Which ones
 * it reads comes from expanding the run once with every expression empty; a
 * `{{ if }}` on an output that then takes another branch still evaluates
 * what it reads there, synchronously.
 */
export async function evaluateRunForwardingSignals(
  roboFile: RoboFile,
  task: RoboTask,
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: ExpressionStdio = {},
): Promise<EvaluatedRun> {
  const { builtinVariables: fixed, variables } = roboFile;
  if (!holdsExpressions(variables, fixed)) return evaluateRun(roboFile, task, env, cwd, stdio);
  const wanted = new Map<string, string>(); // command → the variable first read for it, in the order read
  try {
    const record = (path: string, command: string) => {
      if (!wanted.has(command)) wanted.set(command, path);
      return '';
    };
    expandRun(roboFile, task, evaluating(variables, fixed, record));
  } catch {
    // The expansion with the real outputs below says what is wrong.
  }
  const known = new Map<string, string>();
  for (const [command, path] of wanted)
    known.set(command, await runExpressionForwardingSignals(path, command, env, cwd, stdio));
  return evaluateRun(roboFile, task, env, cwd, stdio, known);
}

/**
 * Every variable evaluated (`robo variables --eval`): each distinct command
 * run once, in the order the variables come, with the signals robo gets
 * passed on, as for a task's run.
 */
export async function evaluateAllForwardingSignals(
  variables: Variables,
  fixed: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: ExpressionStdio = {},
): Promise<Variables> {
  const known = new Map<string, string>();
  for (const [path, text] of texts(variables, '', fixed))
    for (const { command } of expressionsIn(text))
      if (!known.has(command)) known.set(command, await runExpressionForwardingSignals(path, command, env, cwd, stdio));
  return evaluatingVariables(variables, fixed, env, cwd, stdio, known);
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
