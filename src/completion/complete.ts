/**
 * Shell completion: the words of a command line in, what may come next out, from the table the parser and
 * help read, robo.yml's tasks and the source's team names as they are on disk (no git, no network). A Tab
 * answers at once, and whatever is wrong means fewer candidates, never an error.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { aliasFlags, findOption, splitArgs } from '../cli/argv.js';
import { GLOBAL_OPTIONS, type CommandSpec, type OptionSpec, type ValueKind } from '../commands/types.js';
import { TEAM_NAME } from '../definitions/model.js';
import { inspectRepoPath } from '../definitions/repo-path.js';
import { BUILTIN_TASKS, RESERVED_COMMANDS, findReserved, type AnyTask } from '../cli/tasks.js';
import { byCodePoints } from '../order.js';

export interface Candidate {
  word: string;
  description?: string;
}

export type Completion =
  | { kind: 'words'; candidates: Candidate[] }
  /** The shell completes a file or folder name itself: it knows quoting, ~ and which names are folders. */
  | { kind: 'files' }
  | { kind: 'directories' };

export interface CompletionRequest {
  /** The words after `robo`; the last is the one being completed ('' after a space). */
  words: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The built-in tasks (a test gives its own). */
  tasks?: readonly AnyTask[];
}

const NOTHING: Completion = { kind: 'words', candidates: [] };

/**
 * What may stand in the last word. Candidates are not filtered by what the
 * word already holds: zsh and fish match them by their own rules (case,
 * fuzzy matching), and bash's answer is filtered in protocol.ts.
 */
export async function complete(request: CompletionRequest): Promise<Completion> {
  const current = request.words.at(-1) ?? '';
  const line = readLine(request.words.slice(0, -1), request.tasks ?? BUILTIN_TASKS);
  const { task, command } = line;
  if (line.pending && !current.startsWith('-')) return valuesFor(line.pending, '', request, line);
  if (task !== undefined && !command) {
    // A robo.yml task gets its arguments untouched, so they are whatever it takes: files, as for any command.
    const shared = await sharedTasks(request, line);
    return shared.some((entry) => entry.name === task) ? { kind: 'files' } : NOTHING;
  }
  const specs = offeredOptions(command); // before the task, the global ones
  if (current.startsWith('-') && !line.afterDashes) {
    const inline = /^(--[^=]+)=/.exec(current);
    if (!inline) return options(specs, current, line.given);
    const option = findOption(optionsOf(command), inline[1]!);
    return option && !option.negated ? valuesFor(option, inline[0], request, line) : NOTHING;
  }
  if (task === undefined) return words(await taskNames(request, line, { reserved: true }));
  const positional = command?.positionals?.[line.positionals];
  if (positional?.choices) return words(positional.choices.map((choice) => ({ word: choice })));
  if (positional?.value === 'task') return words(await taskNames(request, line, { reserved: false }));
  if (positional) return valueKind(positional.value);
  // Nothing else to type after a task but options: offer them, as a menu of what it takes. A reserved word is done.
  return current === '' && !line.afterDashes && !findReserved(task) ? options(specs, current, line.given) : NOTHING;
}

interface Option {
  name: string;
  spec: OptionSpec;
}

/** The command line before the word being completed, as the parsers would read it. */
interface Line {
  /** The first word that is no option: a built-in, a reserved word or a robo.yml task. */
  task: string | undefined;
  /** The built-in task or reserved word it names; undefined for a robo.yml task. */
  command: CommandSpec | undefined;
  /** Options given, by name: their value, or true for a flag. */
  given: Map<string, string | true>;
  /** Words after the task that are no options. */
  positionals: number;
  /** An option whose value the next word is (`--team` then the word being completed). */
  pending: Option | undefined;
  /** After `--`, every word is a positional. */
  afterDashes: boolean;
}

/** Read as the parser reads it (argv.ts): the global options up to the task, then its own and the global ones. */
function readLine(before: readonly string[], tasks: readonly AnyTask[]): Line {
  const line: Line = {
    task: undefined,
    command: undefined,
    given: new Map(),
    positionals: 0,
    pending: undefined,
    afterDashes: false,
  };
  /** The index of the task's word when `findTask`, else -1. */
  const read = (words: readonly string[], findTask: boolean): number => {
    const specs = optionsOf(line.command);
    for (const token of splitArgs(words, specs)) {
      if (token.kind === 'option-terminator') line.afterDashes = true;
      else if (token.kind === 'positional') {
        if (findTask) return token.index;
        line.positionals += 1;
      } else {
        const option = findOption(specs, token.rawName);
        // A value left out is one the parser takes from the next word: the one being completed.
        if (option?.spec.type === 'string' && token.value === undefined) line.pending = option;
        else if (option) line.given.set(option.name, token.value ?? true);
      }
    }
    return -1;
  };
  const at = read(before, true);
  if (at === -1) return line;
  line.task = before[at];
  line.command = [...tasks, ...RESERVED_COMMANDS].find(
    (command: CommandSpec) => command.name === line.task || command.aliases.includes(line.task!),
  );
  line.afterDashes = false;
  if (line.command) read(before.slice(at + 1), false); // a robo.yml task's words are its own
  return line;
}

/** What the parser takes at this point of the line: the task's options and the global ones. */
function optionsOf(command: CommandSpec | undefined): Record<string, OptionSpec> {
  return { ...GLOBAL_OPTIONS, ...command?.options };
}

/** What is worth offering there: not a global option that means something only before a task (--tasks). */
function offeredOptions(command: CommandSpec | undefined): Record<string, OptionSpec> {
  const afterTask = command !== undefined && !findReserved(command.name);
  return Object.fromEntries(Object.entries(optionsOf(command)).filter(([, spec]) => !(afterTask && spec.leading)));
}

/** Every option not given yet (repeating one is an error); one-letter aliases only once the word is `-x`. */
function options(specs: Record<string, OptionSpec>, current: string, given: Map<string, unknown>): Completion {
  const short = current.startsWith('-') && !current.startsWith('--');
  const candidates: Candidate[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (given.has(name)) continue;
    candidates.push({ word: `--${name}`, description: spec.describe });
    for (const flag of aliasFlags(spec))
      if (flag.startsWith('--') || short) candidates.push({ word: flag, description: spec.describe });
  }
  return words(candidates);
}

/** The values of an option; `prefix` is `--name=` when the value is in the same word. */
async function valuesFor(option: Option, prefix: string, request: CompletionRequest, line: Line): Promise<Completion> {
  const { spec } = option;
  if (spec.type === 'boolean') return NOTHING;
  if (spec.choices) return words(spec.choices.map((choice) => ({ word: prefix + choice })));
  if (spec.value === 'team') return words((await teamNames(request, line)).map((team) => ({ word: prefix + team })));
  return valueKind(spec.value);
}

function valueKind(kind: ValueKind | undefined): Completion {
  if (kind === 'file') return { kind: 'files' };
  if (kind === 'directory') return { kind: 'directories' };
  return NOTHING;
}

function words(candidates: Candidate[]): Completion {
  return { kind: 'words', candidates: candidates.sort((a, b) => byCodePoints(a.word, b.word)) };
}

/** Built-in tasks, their aliases and robo.yml's tasks; with `reserved`, help, variables and completion too. */
async function taskNames(
  request: CompletionRequest,
  line: Line,
  { reserved }: { reserved: boolean },
): Promise<Candidate[]> {
  const builtins = (request.tasks ?? BUILTIN_TASKS).flatMap((task) => [
    { word: task.name, description: task.summary },
    ...task.aliases.map((alias) => ({ word: alias, description: `Same as ${task.name}` })),
  ]);
  const words = reserved
    ? RESERVED_COMMANDS.map((command) => ({ word: command.name, description: command.summary }))
    : [];
  const shared = (await sharedTasks(request, line)).map((task) => ({
    word: task.name,
    description: task.summary || undefined,
  }));
  return [...builtins, ...words, ...shared];
}

/** robo.yml's tasks, found as robo finds them, from the cache as it is; a file with errors offers none, as the list shows none. */
async function sharedTasks(request: CompletionRequest, line: Line): Promise<Array<{ name: string; summary: string }>> {
  // Loaded only here: most Tabs (options, values) need neither the source nor the YAML parser.
  const [{ loadTaskFiles }, { usableTasks }] = await Promise.all([
    import('../robofile/load.js'),
    import('../commands/robofile.js'),
  ]);
  const tasks = line.given.get('tasks');
  const { env, cwd } = request;
  return usableTasks(await loadTaskFiles({ tasks: typeof tasks === 'string' ? tasks : undefined, env, cwd }, true));
}

/**
 * The teams of the dotfiles source aws.config would use (--repo and --ref
 * on the line being completed count): the names of its teams/*.json, read
 * from the folder or the cached clone. Only names robo accepts.
 */
async function teamNames(request: CompletionRequest, line: Line): Promise<string[]> {
  const given = (name: string) => {
    const value = line.given.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  try {
    const root = await sourceFolder(request, given('repo'), given('ref'));
    // A linked teams/ is refused, as loadDefinitions refuses it: its names would come from elsewhere.
    if ((await inspectRepoPath(root, 'teams')).kind !== 'directory') return [];
    const entries = await readdir(path.join(root, 'teams'));
    return entries
      .filter((entry) => entry.endsWith('.json'))
      .map((entry) => entry.slice(0, -'.json'.length))
      .filter((name) => TEAM_NAME.test(name));
  } catch {
    return []; // settings or flags robo would refuse, an unreadable folder: the task will say what is wrong
  }
}

/** Where the source's files are on disk: a local folder, the bundled example, or a git source's cache folder (which may not exist yet). */
async function sourceFolder(request: CompletionRequest, repo?: string, ref?: string): Promise<string> {
  const [{ resolveSource }, { cacheFolder }] = await Promise.all([
    import('../source/open-source.js'),
    import('../source/source.js'),
  ]);
  const { spec, paths } = await resolveSource({ repo, ref, env: request.env, cwd: request.cwd });
  return spec.kind === 'git' ? cacheFolder(paths.cacheDir, spec.url) : spec.dir;
}
