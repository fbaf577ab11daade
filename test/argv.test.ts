/**
 * The one command-line parser (argv.ts), as a table: argv → what robo runs,
 * or the usage error naming the flag. And the table it reads drives help and
 * completion too: every option and positional choice a task declares is in
 * its help and completes.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine, type CommandLine } from '../src/cli/argv.js';
import { GLOBAL_OPTIONS, INFO_OPTIONS, type CommandSpec } from '../src/commands/types.js';
import { complete, type Completion } from '../src/completion/complete.js';
import { commandHelp, optionForms, roboHelp } from '../src/cli/help.js';
import { BUILTIN_TASKS, RESERVED_COMMANDS } from '../src/cli/tasks.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** What a built-in task would be called with: its name and the arguments it reads. */
function taskCall(line: CommandLine): [string, Record<string, unknown>] | CommandLine {
  return line.kind === 'builtin' ? [line.task.name, line.args] : line;
}

const GLOBALS = { quiet: false, verbose: false, json: false };
const AWS_CONFIG_DEFAULTS = {
  ...GLOBALS,
  'dry-run': false,
  replace: false,
  strict: false,
  'require-signed': false,
  'allow-rollback': false,
};

describe('parseCommandLine: a built-in task and its arguments', () => {
  it.each<[string[], string, Record<string, unknown>]>([
    [['aws.config'], 'aws.config', AWS_CONFIG_DEFAULTS],
    [['aws.config', '--team', 'platform'], 'aws.config', { ...AWS_CONFIG_DEFAULTS, team: 'platform' }],
    [
      ['aws.config', '--team=platform', '--repo', '/srv/dotfiles', '--ref=v2'],
      'aws.config',
      { ...AWS_CONFIG_DEFAULTS, team: 'platform', repo: '/srv/dotfiles', ref: 'v2' },
    ],
    [['config.aws', '--dry-run'], 'aws.config', { ...AWS_CONFIG_DEFAULTS, 'dry-run': true }],
    [['aws.config', '--diff', '-q'], 'aws.config', { ...AWS_CONFIG_DEFAULTS, 'dry-run': true, quiet: true }],
    [
      ['aws.config', '--no-strict', '--replace', '--json', '--verbose'],
      'aws.config',
      { ...AWS_CONFIG_DEFAULTS, replace: true, json: true, verbose: true },
    ],
    [
      ['aws.config', '--require-signed', '--team', ''],
      'aws.config',
      { ...AWS_CONFIG_DEFAULTS, 'require-signed': true, team: '' },
    ],
    [['aws.config', '--dry-run=false', '--quiet=true'], 'aws.config', { ...AWS_CONFIG_DEFAULTS, quiet: true }],
    [['-q', 'aws.config', '--team', 'x'], 'aws.config', { ...AWS_CONFIG_DEFAULTS, quiet: true, team: 'x' }],
    [['aws.restore', '/tmp/awsconfig-0123'], 'aws.restore', { ...GLOBALS, backup: '/tmp/awsconfig-0123' }],
    [['aws.restore', '--', '-odd-name'], 'aws.restore', { ...GLOBALS, backup: '-odd-name' }],
    [
      ['nightly', 'install', '--scheduler', 'cron', '--dry-run'],
      'nightly',
      { ...GLOBALS, action: 'install', scheduler: 'cron', 'dry-run': true },
    ],
    [['nightly', '--json'], 'nightly', { ...GLOBALS, json: true, 'dry-run': false }],
    [
      ['onboard', '--no-nightly', '--team', 'data', '--repo=/srv/dotfiles'],
      'onboard',
      { ...GLOBALS, nightly: false, team: 'data', repo: '/srv/dotfiles' },
    ],
    [['onboard'], 'onboard', { ...GLOBALS, nightly: true }],
  ])('%j runs %s with %j', (argv, task, args) => {
    expect(taskCall(parseCommandLine(argv))).toEqual([task, args]);
  });
});

describe('parseCommandLine: what else a command line can ask', () => {
  it.each<[string[], CommandLine]>([
    [[], { kind: 'list', globals: GLOBALS }],
    [['--json'], { kind: 'list', globals: { ...GLOBALS, json: true } }],
    [['help'], { kind: 'list', globals: GLOBALS }],
    [['help', '--json'], { kind: 'list', globals: { ...GLOBALS, json: true } }],
    [['--version'], { kind: 'version' }],
    [['-v'], { kind: 'version' }],
    [['--quiet', '--version'], { kind: 'version' }],
    [['aws.config', '--version'], { kind: 'version' }],
    [['--help'], { kind: 'help', task: undefined, globals: GLOBALS }],
    [['help', 'aws.config'], { kind: 'help', task: 'aws.config', globals: GLOBALS }],
    [['help', 'config.aws'], { kind: 'help', task: 'config.aws', globals: GLOBALS }],
    [['aws.config', '--help'], { kind: 'help', task: 'aws.config', globals: GLOBALS }],
    [['aws.config', '-h'], { kind: 'help', task: 'aws.config', globals: GLOBALS }],
    [['help', 'deploy'], { kind: 'help', task: 'deploy', globals: GLOBALS }],
    [['--help', 'deploy'], { kind: 'help', task: 'deploy', globals: GLOBALS }],
    [['variables'], { kind: 'variables', eval: false, globals: GLOBALS }],
    [['variables', '--eval'], { kind: 'variables', eval: true, globals: GLOBALS }],
    [['variables', '--tasks', 'x.yml'], { kind: 'variables', eval: false, globals: { ...GLOBALS, tasks: 'x.yml' } }],
    [['completion'], { kind: 'completion', shell: undefined, globals: GLOBALS }],
    [['completion', 'zsh'], { kind: 'completion', shell: 'zsh', globals: GLOBALS }],
    // A robo.yml task gets everything after its name untouched, robo's own flags and --help included.
    [
      ['deploy', '--team', 'x', '--help', '--', 'y'],
      { kind: 'shared', name: 'deploy', args: ['--team', 'x', '--help', '--', 'y'], globals: GLOBALS },
    ],
    [
      ['--tasks', '/srv/robo.yml', '-q', 'deploy', 'now'],
      { kind: 'shared', name: 'deploy', args: ['now'], globals: { ...GLOBALS, quiet: true, tasks: '/srv/robo.yml' } },
    ],
    // The old name of --tasks, kept working.
    [
      ['--config=/srv/robo.yml', 'deploy'],
      { kind: 'shared', name: 'deploy', args: [], globals: { ...GLOBALS, tasks: '/srv/robo.yml' } },
    ],
    // -c, tj/robo's short form of --config: a separate value or one glued on (util.parseArgs' short option rules).
    [
      ['-c', 'compose.yml', 'all'],
      { kind: 'shared', name: 'all', args: [], globals: { ...GLOBALS, tasks: 'compose.yml' } },
    ],
    [
      ['-ccompose.yml', 'all'],
      { kind: 'shared', name: 'all', args: [], globals: { ...GLOBALS, tasks: 'compose.yml' } },
    ],
    [
      ['-qc', 'compose.yml', 'all'],
      { kind: 'shared', name: 'all', args: [], globals: { ...GLOBALS, quiet: true, tasks: 'compose.yml' } },
    ],
    [['variables', '-c', 'x.yml'], { kind: 'variables', eval: false, globals: { ...GLOBALS, tasks: 'x.yml' } }],
    [['-c', 'x.yml'], { kind: 'list', globals: { ...GLOBALS, tasks: 'x.yml' } }],
  ])('%j', (argv, expected) => {
    expect(parseCommandLine(argv)).toEqual(expected);
  });
});

describe('parseCommandLine: usage errors name the flag or word', () => {
  it.each<[string[], string]>([
    [['aws.config', '--tema', 'x'], 'unknown option --tema; see robo help aws.config'],
    [['--tema', 'aws.config'], 'unknown option --tema'],
    [['aws.config', '--team'], '--team needs a value; see robo help aws.config'],
    [['aws.config', '--team', '--repo', 'x'], '--team needs a value'],
    [['aws.config', '--team', 'a', '--team', 'b'], '--team is given more than once'],
    [['--tasks', 'a.yml', 'variables', '--config', 'b.yml'], '--tasks is given more than once'],
    [['-c', 'a.yml', '--tasks', 'b.yml', 'deploy'], '--tasks is given more than once'],
    [['-c', 'a.yml', '-c', 'b.yml', 'deploy'], '-c is given more than once'],
    [['-c'], '-c needs a value'],
    [['-c', '--json'], '-c needs a value'],
    [['aws.config', 'extra'], 'unexpected argument "extra"; see robo help aws.config'],
    [['aws.config', '--', 'x'], 'unexpected argument "x"'],
    [['aws.config', '-qx'], 'unknown option -x; see robo help aws.config'],
    [['aws.config', '--no-team'], 'unknown option --no-team'],
    [['aws.config', '--dry-run=maybe'], '--dry-run takes no value (or true or false), not "maybe"'],
    [['aws.config', '--no-dry-run=true'], '--no-dry-run takes no value, not "true"'],
    [['--no-help'], 'unknown option --no-help'],
    [['nightly', '--scheduler=at'], '--scheduler "at" is not one of systemd, launchd, cron'],
    [['nightly', 'start'], 'robo nightly start: unknown action; use install, uninstall, status, run'],
    [['completion', 'tcsh'], 'robo completion tcsh: unknown shell; use bash, zsh, fish'],
    [['completion', 'bash', 'zsh'], 'unexpected argument "zsh"; see robo help completion'],
    [['help', 'a', 'b'], 'unexpected argument "b"; see robo help help'],
    [['variables', 'x'], 'unexpected argument "x"; see robo help variables'],
  ])('%j: %s', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

const COMMANDS: readonly CommandSpec[] = [...BUILTIN_TASKS, ...RESERVED_COMMANDS];
const wordsOf = (completion: Completion) =>
  completion.kind === 'words' ? completion.candidates.map((candidate) => candidate.word) : [`:${completion.kind}`];

describe('the table drives help and completion', () => {
  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    'robo help %s shows every option it takes, with its forms',
    (_name, command) => {
      const help = commandHelp(command);
      for (const [name, spec] of Object.entries({ ...command.options, ...GLOBAL_OPTIONS, ...INFO_OPTIONS }))
        expect(help).toContain(`  ${optionForms(name, spec)}`);
      for (const positional of command.positionals ?? []) {
        expect(help).toContain(positional.describe.split(' (')[0]!);
        if (positional.choices) expect(help).toContain(positional.choices.join('|'));
      }
      for (const [example] of command.examples ?? []) expect(help).toContain(`  ${example}\n`);
    },
  );

  it('help shows every form of an option from its one declaration: --tasks FILE, --config FILE, -c FILE', () => {
    expect(optionForms('tasks', GLOBAL_OPTIONS.tasks!)).toBe('--tasks FILE, --config FILE, -c FILE');
    expect(optionForms('quiet', GLOBAL_OPTIONS.quiet!)).toBe('--quiet, -q');
    expect(roboHelp()).toContain('--tasks FILE, --config FILE, -c FILE');
  });

  it('robo --help lists every built-in task and reserved word with its positionals', () => {
    const help = roboHelp();
    for (const command of COMMANDS) {
      const synopsis = [`robo ${command.name}`, ...(command.positionals ?? []).map((p) => `[${p.name}]`)].join(' ');
      const line = help.split('\n').find((text) => text.startsWith(`  ${synopsis}  `));
      expect(line, synopsis).toContain(command.summary.split(' ').slice(0, 3).join(' '));
    }
  });

  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    'every option of %s completes, and so does every choice',
    async (name, command) => {
      const box = sandbox();
      const at = async (words: string[]) => wordsOf(await complete({ words, env: box.env, cwd: box.home }));
      const offered = await at([name, '--']);
      const leading = wordsOf(await complete({ words: ['--'], env: box.env, cwd: box.home }));
      for (const [option, spec] of Object.entries({ ...command.options, ...GLOBAL_OPTIONS })) {
        expect(spec.leading ? leading : offered).toContain(`--${option}`);
        if (spec.choices) expect(await at([name, `--${option}`, ''])).toEqual([...spec.choices].sort());
      }
      for (const [index, positional] of (command.positionals ?? []).entries()) {
        if (!positional.choices) continue;
        const before = Array.from({ length: index }, () => positional.choices![0]!);
        expect(await at([name, ...before, ''])).toEqual([...positional.choices].sort());
      }
    },
  );

  it('a value the parser takes is one completion offers, and one it refuses is not offered', async () => {
    const box = sandbox();
    const offered = wordsOf(await complete({ words: ['nightly', ''], env: box.env, cwd: box.home }));
    expect(offered).toEqual(['install', 'run', 'status', 'uninstall']);
    for (const action of offered) expect(parseCommandLine(['nightly', action]).kind).toBe('builtin');
  });
});
