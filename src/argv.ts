/**
 * The fast path for the command lines robo sees every day: a task name and
 * its own flags in plain forms (`--team x`, `--team=x`, `--dry-run`,
 * `--no-strict`, `-q`). Loading and running yargs costs about 100 ms, more
 * than the rest of a no-change run; this reads the same option table
 * (commands/types.ts) and gives up, returning undefined, on anything else:
 * help, version, unknown or repeated flags, a value not among an option's
 * choices, `--`, extra words. yargs then
 * parses the command line and says what is wrong. A test checks both give
 * the same arguments.
 */
import { GLOBAL_OPTIONS, type OptionSpec } from './commands/types.js';
import type { AnyTask } from './tasks.js';

export type ParsedArgs = Record<string, unknown>;

export function parseTaskArgs(task: AnyTask, argv: readonly string[]): ParsedArgs | undefined {
  const specs: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...task.options };
  const byName = new Map<string, [string, OptionSpec]>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, [name, spec]);
    if (spec.alias) byName.set(spec.alias, [name, spec]);
  }
  const args: ParsedArgs = { _: [] };
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.default !== undefined) set(args, name, spec, spec.default);
  }
  const seen = new Set<string>();
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (token === '--' || token === '-') return undefined;
    if (!token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    const long = token.startsWith('--');
    const [rawName, inline] = long ? splitOnce(token.slice(2), '=') : [token.slice(1), undefined];
    if (!long && rawName.length !== 1) return undefined; // -abc bundles: let yargs decide
    let entry = byName.get(rawName);
    let negated = false;
    if (!entry && long && rawName.startsWith('no-')) {
      entry = byName.get(rawName.slice(3));
      negated = true;
      if (entry?.[1].type !== 'boolean' || inline !== undefined) return undefined;
    }
    if (!entry || (!long && entry[1].alias !== rawName)) return undefined;
    const [name, spec] = entry;
    if (seen.has(name)) return undefined; // yargs would make an array
    seen.add(name);
    if (spec.type === 'boolean') {
      if (inline === undefined) set(args, name, spec, !negated);
      else if (inline === 'true' || inline === 'false') set(args, name, spec, inline === 'true');
      else return undefined;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      value = argv[index + 1];
      if (value === undefined || value.startsWith('-')) return undefined;
      index += 1;
    }
    if (spec.choices && !spec.choices.includes(value)) return undefined; // yargs names the allowed values
    set(args, name, spec, value);
  }
  const expected = task.positionals ?? [];
  if (positionals.length > expected.length) return undefined;
  expected.forEach((positional, index) => {
    if (positionals[index] !== undefined) args[positional.name] = positionals[index];
  });
  return args;
}

/** Set an option under its name, its alias and camelCase form, as yargs does. */
function set(args: ParsedArgs, name: string, spec: OptionSpec, value: unknown): void {
  args[name] = value;
  if (spec.alias) args[spec.alias] = value;
  const camel = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  if (camel !== name) args[camel] = value;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
