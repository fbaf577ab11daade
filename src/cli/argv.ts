/**
 * The command line, read once: argv in, what robo is asked to do out, or a UsageError naming the flag as
 * typed. The words and flags come from the table help and completion read too (tasks.ts, commands/types.ts);
 * util.parseArgs splits them.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GLOBAL_OPTIONS, INFO_OPTIONS, type CommandSpec, type GlobalArgs, type OptionSpec } from '../commands/types.js';
import { UsageError } from '../errors.js';
import { findBuiltin, findReserved, type AnyTask } from './tasks.js';

export type ParsedArgs = Record<string, unknown>;

export type CommandLine =
  /** `robo --version` */
  | { kind: 'version' }
  /** `robo`, `robo help`: every task, robo.yml's included. */
  | { kind: 'list'; globals: GlobalArgs }
  /** `robo help TASK`, `robo TASK --help` (TASK may be robo.yml's); `robo --help`: robo's own usage (no task). */
  | { kind: 'help'; task: string | undefined; globals: GlobalArgs }
  | { kind: 'builtin'; task: AnyTask; args: ParsedArgs; globals: GlobalArgs }
  /** `robo variables [--eval]`: --eval runs their $(…) expressions. */
  | { kind: 'variables'; eval: boolean; globals: GlobalArgs }
  | { kind: 'completion'; shell: string | undefined; globals: GlobalArgs }
  /** A robo.yml task, which gets every argument after its name untouched. */
  | { kind: 'shared'; name: string; args: string[]; globals: GlobalArgs };

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const leading = readOptions(argv, GLOBAL_OPTIONS, undefined, { stopAtPositional: true });
  const word = leading.positionals[0];
  if (leading.info === 'version') return { kind: 'version' };
  if (word === undefined) {
    const globals = globalsOf(leading.values);
    return leading.info === 'help' ? { kind: 'help', task: undefined, globals } : { kind: 'list', globals };
  }
  const rest = argv.slice(leading.next);
  const command: CommandSpec | undefined = findBuiltin(word) ?? findReserved(word);
  if (!command) {
    if (leading.info === 'help') return { kind: 'help', task: word, globals: globalsOf(leading.values) };
    return { kind: 'shared', name: word, args: rest, globals: globalsOf(leading.values) };
  }
  const own = readOptions(rest, { ...GLOBAL_OPTIONS, ...command.options }, command, { stopAtPositional: false });
  for (const name of Object.keys(own.values)) {
    if (name in leading.values && GLOBAL_OPTIONS[name]?.type === 'string')
      throw new UsageError(`--${name} is given more than once`);
  }
  const values = { ...leading.values, ...own.values };
  const globals = globalsOf(values);
  if (own.info === 'version') return { kind: 'version' };
  if (leading.info === 'help' || own.info === 'help') return { kind: 'help', task: command.name, globals };
  const positionals = checkPositionals(command, own.positionals);
  const name: string = command.name;
  if (name === 'help') {
    const task = positionals.task;
    return task === undefined ? { kind: 'list', globals } : { kind: 'help', task, globals };
  }
  if (name === 'variables') return { kind: 'variables', eval: values.eval === true, globals };
  if (name === 'completion') return { kind: 'completion', shell: positionals.shell, globals };
  const task = command as AnyTask;
  return { kind: 'builtin', task, args: { ...defaultsOf(task), ...values, ...positionals }, globals };
}

interface ReadOptions {
  /** Option values by their declared name. */
  values: ParsedArgs;
  positionals: string[];
  /** --help or --version, if given. */
  info: 'help' | 'version' | undefined;
  /** With stopAtPositional: the index in argv of the word after the first positional. */
  next: number;
}

/**
 * The options and positionals of `args`, checked against `specs` (and
 * --help, --version). `command` names the task in messages. With
 * stopAtPositional, reading ends at the first positional: what follows is
 * the task's.
 */
function readOptions(
  args: readonly string[],
  specs: Record<string, OptionSpec>,
  command: CommandSpec | undefined,
  { stopAtPositional }: { stopAtPositional: boolean },
): ReadOptions {
  const all = { ...specs, ...INFO_OPTIONS };
  const tokens = splitArgs(args, all);
  const result: ReadOptions = { values: {}, positionals: [], info: undefined, next: args.length };
  const seeAlso = command ? `; see robo help ${command.name}` : '';
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      result.positionals.push(token.value);
      if (stopAtPositional) {
        result.next = token.index + 1;
        break;
      }
      continue;
    }
    const flag = token.rawName;
    const option = findOption(all, flag);
    if (!option || (option.negated && option.name in INFO_OPTIONS))
      throw new UsageError(`unknown option ${flag}${seeAlso}`);
    const { name, spec, negated } = option;
    const inline = token.inlineValue ? token.value : undefined;
    if (name === 'help' || name === 'version') {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      result.info ??= name;
      continue;
    }
    if (spec.type === 'boolean') {
      if (inline === undefined) result.values[name] = !negated;
      else if (!negated && (inline === 'true' || inline === 'false')) result.values[name] = inline === 'true';
      else throw new UsageError(`${flag} takes no value${negated ? '' : ' (or true or false)'}, not "${inline}"`);
      continue;
    }
    // parseArgs takes the next word as the value whatever it is; an option there means the value was left out.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-'))
      throw new UsageError(`${flag} needs a value${seeAlso}`);
    if (name in result.values) throw new UsageError(`${flag} is given more than once`);
    if (spec.choices && !spec.choices.includes(token.value))
      throw new UsageError(`${flag} "${token.value}" is not one of ${spec.choices.join(', ')}`);
    result.values[name] = token.value;
  }
  return result;
}

/**
 * `args` split into options and positionals by util.parseArgs, knowing from `specs` which flags take a
 * value and the one-letter aliases; nothing checked. Completion (completion/complete.ts) reads a line with it too.
 */
export function splitArgs(args: readonly string[], specs: Record<string, OptionSpec>) {
  const forms: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const short = spec.aliases?.find((alias) => alias.length === 1);
    forms[name] = short ? { type: spec.type, short } : { type: spec.type };
    for (const alias of spec.aliases ?? []) if (alias.length > 1) forms[alias] = { type: spec.type };
  }
  return parseArgs({ args: [...args], options: forms, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/**
 * The option a flag names, as typed: `--name`, `--alias`, `-a` (a one-letter
 * alias), or `--no-name` for a boolean. Completion (completion/complete.ts)
 * reads flags with this too.
 */
export function findOption(
  specs: Record<string, OptionSpec>,
  flag: string,
): { name: string; spec: OptionSpec; negated: boolean } | undefined {
  for (const [name, spec] of Object.entries(specs)) {
    if ([`--${name}`, ...aliasFlags(spec)].includes(flag)) return { name, spec, negated: false };
    if (spec.type === 'boolean' && flag === `--no-${name}`) return { name, spec, negated: true };
  }
  return undefined;
}

/** An option's other names as typed: `-q` for a one-letter alias, `--config` for a longer one. */
export function aliasFlags(spec: OptionSpec): string[] {
  return (spec.aliases ?? []).map((alias) => (alias.length === 1 ? `-${alias}` : `--${alias}`));
}

/** Positionals by name; too many, or a value not among a positional's choices, is a usage error. */
function checkPositionals(command: CommandSpec, given: readonly string[]): Record<string, string> {
  const declared = command.positionals ?? [];
  const extra = given[declared.length];
  if (extra !== undefined)
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}; see robo help ${command.name}`);
  const named: Record<string, string> = {};
  declared.forEach((positional, index) => {
    const value = given[index];
    if (value === undefined) return;
    if (positional.choices && !positional.choices.includes(value))
      throw new UsageError(
        `robo ${command.name} ${value}: unknown ${positional.name}; use ${positional.choices.join(', ')}`,
      );
    named[positional.name] = value;
  });
  return named;
}

function defaultsOf(task: AnyTask): ParsedArgs {
  const specs = { ...GLOBAL_OPTIONS, ...task.options };
  return Object.fromEntries(
    Object.entries(specs)
      .filter(([, spec]) => spec.default !== undefined)
      .map(([name, spec]) => [name, spec.default]),
  );
}

function globalsOf(values: ParsedArgs): GlobalArgs {
  return {
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    json: values.json === true,
    tasks: typeof values.tasks === 'string' ? values.tasks : undefined,
  };
}
