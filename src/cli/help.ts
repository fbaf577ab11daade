/**
 * Help text, made from the same table the parser and completion read
 * (tasks.ts, commands/types.ts): `robo help TASK`, `robo TASK --help` and
 * `robo --help`. Pure: the table in, text out.
 */
import { GLOBAL_OPTIONS, INFO_OPTIONS, type CommandSpec, type OptionSpec } from '../commands/types.js';
import { aliasFlags } from './argv.js';
import { BUILTIN_TASKS, RESERVED_COMMANDS } from './tasks.js';

const WIDTH = 100;

/** `robo help TASK`: the usage, the arguments and options, the examples. */
export function commandHelp(command: CommandSpec): string {
  const [synopsis = `robo ${command.name}`, ...description] = command.usage.split('\n\n');
  const lines = [synopsis, ''];
  if (description.length > 0) lines.push(...description.flatMap((paragraph) => [...wrap(paragraph, WIDTH), '']));
  if (command.aliases.length > 0)
    lines.push(`Alias: ${command.aliases.map((alias) => `robo ${alias}`).join(', ')}`, '');
  const positionals = (command.positionals ?? []).map(
    (positional) => [positional.choices?.join('|') ?? positional.name.toUpperCase(), positional.describe] as const,
  );
  if (positionals.length > 0) lines.push('Arguments:', ...rows(positionals), '');
  const own = Object.entries(command.options ?? {});
  if (own.length > 0) lines.push('Options:', ...rows(own.map(optionRow)), '');
  lines.push('Global options:', ...rows(Object.entries({ ...GLOBAL_OPTIONS, ...INFO_OPTIONS }).map(optionRow)), '');
  if (command.examples && command.examples.length > 0) {
    lines.push('Examples:');
    for (const [example, what] of command.examples) lines.push(`  ${example}`, `      ${what}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** `robo --help`: every built-in task and reserved word with its synopsis, and the global options. */
export function roboHelp(): string {
  const commands = [...BUILTIN_TASKS, ...RESERVED_COMMANDS].map(
    (command: CommandSpec) =>
      [
        [`robo ${command.name}`, ...(command.positionals ?? []).map((positional) => `[${positional.name}]`)].join(' '),
        command.summary,
      ] as const,
  );
  return [
    'robo TASK [options]',
    '',
    "Shared commands for engineers. Run `robo` to list every task, robo.yml's included, and `robo help TASK` for one.",
    '',
    'Tasks:',
    ...rows(commands),
    '',
    'Global options:',
    ...rows(Object.entries({ ...GLOBAL_OPTIONS, ...INFO_OPTIONS }).map(optionRow)),
    '',
  ].join('\n');
}

/** `--team TEAM`, `--dry-run, --diff`, `--quiet, -q`, `--tasks FILE, --config FILE, -c FILE`, `--scheduler systemd|launchd|cron`. */
export function optionForms(name: string, spec: OptionSpec): string {
  const value = spec.type === 'string' ? ` ${placeholder(name, spec)}` : '';
  const alias = aliasFlags(spec).map((flag) => flag + value);
  const negated = spec.type === 'boolean' && spec.default === true ? [`--no-${name}`] : [];
  return [`--${name}${value}`, ...alias, ...negated].join(', ');
}

function placeholder(name: string, spec: OptionSpec): string {
  if (spec.choices) return spec.choices.join('|');
  if (spec.value === 'file') return 'FILE';
  return name.toUpperCase();
}

function optionRow([name, spec]: [string, OptionSpec]): readonly [string, string] {
  return [optionForms(name, spec), spec.describe];
}

/** Two columns, the second wrapped; a first column too wide for the line gets a line of its own. */
function rows(entries: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.min(32, Math.max(...entries.map(([left]) => left.length)));
  const indent = 2 + width + 2;
  return entries.flatMap(([left, right]) => {
    const text = wrap(right, WIDTH - indent);
    if (left.length > width) return [`  ${left}`, ...text.map((line) => ' '.repeat(indent) + line)];
    return [`  ${left.padEnd(width)}  ${text[0] ?? ''}`, ...text.slice(1).map((line) => ' '.repeat(indent) + line)];
  });
}

/** Words on lines of at most `width` characters (a longer word keeps a line of its own); line breaks kept. */
function wrap(text: string, width: number): string[] {
  return text.split('\n').flatMap((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
    return lines;
  });
}
