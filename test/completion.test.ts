/**
 * Shell completion in process: the words of a command line → what robo
 * offers, as tables. Team names come from a cached clone made in a sandbox
 * (its URL unreachable: completion never fetches), robo.yml's tasks from the
 * files robo would read. The shells themselves are in completion.e2e.test.ts.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsConfigTask } from '../src/commands/aws-config.js';
import { complete, type Completion } from '../src/completion/complete.js';
import { completionLines, joinWordBreaks, yargsCompletionLines } from '../src/completion/protocol.js';
import { completionScript } from '../src/completion/scripts.js';
import { cacheFolder } from '../src/source/source.js';
import { BUILTIN_TASKS, type AnyTask } from '../src/cli/tasks.js';
import { git, makeDotfilesRepo, writeTree } from './helpers/git.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** An unreachable source: only its cached clone can answer. */
const REMOTE = 'git@example.invalid:acme/dotfiles.git';

/** A sandbox whose settings name REMOTE, with a clone of it in the cache holding teams alpha, beta and a robo.yml. */
function withCachedClone() {
  const box = sandbox();
  const origin = makeDotfilesRepo(path.join(box.root, 'origin'), {
    'organization.json': '{}',
    'teams/alpha.json': '{}',
    'teams/beta.json': '{}',
    'teams/Not A Team.json': '{}', // not a name robo accepts: not offered
    'teams/notes.txt': '',
    'robo.yml':
      'deploy:\n  summary: Ship it\n  command: echo deploy\ndb:migrate:\n  summary: Migrate\n  command: echo migrate\n',
  });
  const clone = cacheFolder(box.cacheDir, REMOTE);
  mkdirSync(path.dirname(clone), { recursive: true });
  git(box.root, 'clone', '-q', origin, clone);
  writeTree(box.home, { '.config/robo/config': `[dotfiles]\nrepo = ${REMOTE}\n` });
  return box;
}

const bash = (words: string[], env: NodeJS.ProcessEnv, cwd = env.HOME!) =>
  completionLines(['bash', '--', ...words], env, cwd);
const wordsOf = (completion: Completion) =>
  completion.kind === 'words' ? completion.candidates.map((candidate) => candidate.word) : [`:${completion.kind}`];

const BUILTIN_NAMES = [
  'aws.backups',
  'aws.config',
  'aws.remove',
  'aws.render',
  'aws.restore',
  'config.aws',
  'doctor',
  'iam.terraform',
  'nightly',
  'onboard',
  'status',
  'teams.access',
  'teams.list',
  'teams.validate',
];
const EXAMPLE_TASKS = ['console', 'hello', 'okta.docs', 'whoami']; // the bundled robo.yml's
/** After a built-in task; before it (and after help or variables), --tasks and its old name --config too. */
const GLOBALS = ['--json', '--quiet', '--verbose'];
const LEADING_GLOBALS = ['--config', '--json', '--quiet', '--tasks', '--verbose'];
const AWS_CONFIG_OPTIONS = [
  '--allow-rollback',
  '--diff',
  '--dry-run',
  '--ref',
  '--replace',
  '--repo',
  '--require-signed',
  '--strict',
  '--team',
];

describe('what completes where (bash answers: filtered by what is typed)', () => {
  it.each<[string, string[], string[]]>([
    [
      'every task, the reserved words and robo.yml tasks first',
      [''],
      [...BUILTIN_NAMES, 'completion', ...EXAMPLE_TASKS, 'help', 'variables'].sort(),
    ],
    ['task names by prefix', ['aws.c'], ['aws.config']],
    ['aliases and robo.yml tasks by prefix', ['con'], ['config.aws', 'console']],
    ['an option of the task', ['aws.config', '--t'], ['--team']],
    ['every option of the task and the global ones', ['aws.config', '--'], [...AWS_CONFIG_OPTIONS, ...GLOBALS].sort()],
    ['after the task, the options as a menu', ['aws.config', ''], [...AWS_CONFIG_OPTIONS, ...GLOBALS].sort()],
    ['one-letter aliases once the word is -x', ['aws.config', '-'], [...AWS_CONFIG_OPTIONS, ...GLOBALS, '-q'].sort()],
    ['a task with no options of its own: the global ones', ['aws.backups', '--'], GLOBALS],
    ['options already given are not offered again', ['aws.config', '--team', 'x', '--dry-run', '--t'], []],
    ['an alias counts as its option', ['aws.config', '--diff', '--dr'], []],
    ['a boolean flag takes no value: options follow', ['aws.config', '--dry-run', '--s'], ['--strict']],
    ['a boolean flag has no values', ['aws.config', '--dry-run='], []],
    ['a free-text value has no candidates', ['aws.config', '--ref', ''], []],
    ['before the task: only the global options', ['--'], LEADING_GLOBALS],
    // As argv.ts reads it: a `--` before the task ends the options before it, not the task's own.
    ['-- before the task, then its options', ['--', 'aws.config', '--t'], ['--team']],
    ['the tasks file, before the task', ['--t'], ['--tasks']],
    [
      'the tasks file and its own --eval, after a reserved word',
      ['variables', '--'],
      ['--eval', ...LEADING_GLOBALS].sort(),
    ],
    ['help takes a task, not a reserved word', ['help', ''], [...BUILTIN_NAMES, ...EXAMPLE_TASKS].sort()],
    ['help takes one task', ['help', 'aws.config', ''], []],
    ['completion takes a shell', ['completion', ''], ['bash', 'fish', 'zsh']],
    ['a positional with fixed values: robo nightly ACTION', ['nightly', ''], ['install', 'run', 'status', 'uninstall']],
    ['its values by prefix', ['nightly', 'in'], ['install']],
    ['after the action, the options', ['nightly', 'install', '--s'], ['--scheduler']],
    ['an unknown task has nothing', ['nosuch', ''], []],
    ['variables takes nothing', ['variables', 'x'], []],
  ])('%s: %j', async (_what, words, expected) => {
    const box = sandbox();
    expect(await bash(words, box.env)).toEqual(expected);
  });

  it.each<[string, string[], string]>([
    ['--tasks before the task', ['--tasks', ''], ':files'],
    ['--tasks after it', ['aws.config', '--tasks', 'x', '--repo', ''], ':directories'],
    ['--tasks=FILE', ['aws.config', '--tasks', '=', ''], ':files'],
    ['--config, the old name of --tasks', ['--config', ''], ':files'],
    ['--config=FILE', ['aws.config', '--config', '=', ''], ':files'],
    ['-c, the short form of --tasks', ['-c', ''], ':files'],
    ['--repo', ['teams.list', '--repo', ''], ':directories'],
    ['iam.terraform --out', ['iam.terraform', '--out', ''], ':directories'],
    ['aws.restore BACKUP', ['aws.restore', ''], ':files'],
    ['teams.validate PATH', ['teams.validate', 's'], ':directories'],
    ['a robo.yml task: whatever it takes, files as for any command', ['hello', ''], ':files'],
  ])('the shell completes names: %s', async (_what, words, directive) => {
    const box = sandbox();
    expect(await bash(words, box.env)).toEqual([directive]);
  });
});

describe('team names, from the source aws.config would use, without git', () => {
  it('reads the cached clone of a git source named in the settings', async () => {
    const box = withCachedClone();
    // No git on PATH: the clone is read as it is.
    const env = { ...box.env, PATH: '/nonexistent' };
    expect(await bash(['aws.config', '--team', ''], env)).toEqual(['alpha', 'beta']);
    expect(await bash(['aws.render', '--team', 'a'], env)).toEqual(['alpha']);
    // bash splits --team=b at the =: the answer is what follows it.
    expect(await bash(['aws.config', '--team', '=', 'b'], env)).toEqual(['beta']);
    expect(await bash(['aws.config', '--team', '='], env)).toEqual(['alpha', 'beta']);
    expect(await completionLines(['zsh', '--', 'aws.config', '--team=b'], env, box.home)).toEqual([
      '--team=alpha',
      '--team=beta',
    ]);
    expect(await completionLines(['fish', '--', 'aws.config', '--team', ''], env, box.home)).toEqual(['alpha', 'beta']);
  });

  it('and robo.yml from the same clone, a task with a colon included', async () => {
    const box = withCachedClone();
    expect(await bash(['d'], box.env)).toEqual(['db:migrate', 'deploy', 'doctor']);
    // bash splits db:m at the colon and keeps db: on the line.
    expect(await bash(['db', ':', 'm'], box.env)).toEqual(['migrate']);
    expect(await completionLines(['zsh', '--', 'd'], box.env, box.home)).toEqual(
      expect.arrayContaining(['db\\:migrate:Migrate', 'deploy:Ship it']),
    );
  });

  it('--repo and --ref on the line choose the source, as they do for the task', async () => {
    const box = withCachedClone();
    const folder = path.join(box.root, 'local');
    writeTree(folder, { 'teams/gamma.json': '{}', 'teams/delta.json': '{}' });
    expect(await bash(['aws.config', '--repo', folder, '--team', ''], box.env)).toEqual(['delta', 'gamma']);
    // With --ref a folder is a git source: its clone is in the cache, and there is none yet.
    expect(await bash(['aws.config', '--repo', folder, '--ref', 'main', '--team', ''], box.env)).toEqual([]);
  });

  it('the bundled example when no source is set; nothing before a git source is cloned', async () => {
    const box = sandbox();
    expect(await bash(['aws.config', '--team', ''], box.env)).toEqual([
      'data',
      'foundation',
      'fpa',
      'growth',
      'platform',
      'security',
    ]);
    const unknown = sandbox({ ROBO_DOTFILES_REPO: 'git@example.invalid:other/dotfiles.git' });
    expect(await bash(['aws.config', '--team', ''], unknown.env)).toEqual([]);
  });

  it('a linked teams/ offers nothing, as robo reads none of it', async () => {
    const box = sandbox();
    const elsewhere = path.join(box.root, 'elsewhere');
    writeTree(elsewhere, { 'secret.json': '{}' });
    mkdirSync(path.join(box.root, 'repo'));
    symlinkSync(elsewhere, path.join(box.root, 'repo', 'teams'));
    expect(await bash(['aws.config', '--repo', path.join(box.root, 'repo'), '--team', ''], box.env)).toEqual([]);
  });
});

describe('option values from the declarations', () => {
  /** aws.config with one more option, as robo nightly will declare --scheduler. */
  const tasks: AnyTask[] = [
    {
      ...awsConfigTask,
      options: {
        ...awsConfigTask.options,
        scheduler: { type: 'string', choices: ['systemd', 'launchd', 'cron'], describe: 'How' },
      },
    },
  ];

  it('a declared option with choices completes to them, in both forms', async () => {
    const box = sandbox();
    const at = (words: string[]) => complete({ words, env: box.env, cwd: box.home, tasks });
    expect(wordsOf(await at(['aws.config', '--scheduler', '']))).toEqual(['cron', 'launchd', 'systemd']);
    expect(wordsOf(await at(['aws.config', '--scheduler=']))).toEqual([
      '--scheduler=cron',
      '--scheduler=launchd',
      '--scheduler=systemd',
    ]);
    expect(wordsOf(await at(['aws.config', '--sch']))).toContain('--scheduler');
  });

  it('every choices list a built-in declares completes (robo nightly --scheduler, once it exists)', async () => {
    const box = sandbox();
    const declared = BUILTIN_TASKS.flatMap((task) =>
      Object.entries(task.options ?? {})
        .filter(([, spec]) => spec.choices)
        .map(([name, spec]) => [task.name, name, spec.choices!] as const),
    );
    for (const [task, name, choices] of declared) {
      expect(wordsOf(await complete({ words: [task, `--${name}`, ''], env: box.env, cwd: box.home }))).toEqual(
        [...choices].sort(),
      );
    }
  });
});

describe('the tasks file named on the line', () => {
  it.each([
    ['-c FILE', (file: string) => ['-c', file]],
    ['-cFILE', (file: string) => [`-c${file}`]],
    ['-qcFILE, a group as the parser reads it', (file: string) => [`-qc${file}`]],
    ['--tasks=FILE', (file: string) => [`--tasks=${file}`]],
  ])('%s: its tasks complete', async (_form, words) => {
    const box = sandbox();
    const file = path.join(box.root, 'compose.yml');
    writeFileSync(file, 'all:\n  command: echo all\n');
    expect(await bash([...words(file), 'al'], box.env)).toEqual(['all']);
  });
});

describe('what goes wrong gives fewer candidates, never an error', () => {
  it('a broken robo.yml: the built-ins still complete, its tasks do not', async () => {
    const box = sandbox();
    const broken = path.join(box.root, 'robo.yml');
    writeFileSync(broken, 'deploy: [\n');
    for (const env of [{ ROBO_TASKS: broken }, { ROBO_CONFIG: broken }])
      expect(await bash([''], { ...box.env, ...env })).toEqual(
        [...BUILTIN_NAMES, 'completion', 'help', 'variables'].sort(),
      );
    expect(await bash(['--tasks', broken, 'aws.config', '--t'], box.env)).toEqual(['--team']);
    expect(await bash(['--config', broken, 'aws.config', '--t'], box.env)).toEqual(['--team']);
    expect(await bash(['--config', path.join(box.root, 'missing.yml'), 'aws.c'], box.env)).toEqual(['aws.config']);
  });

  it('a broken settings file: options complete, teams do not', async () => {
    const box = sandbox();
    writeTree(box.home, { '.config/robo/config': '[nonsense]\nx = 1\n' });
    expect(await bash(['aws.config', '--t'], box.env)).toEqual(['--team']);
    expect(await bash(['aws.config', '--team', ''], box.env)).toEqual([]);
    expect(await bash(['a'], box.env)).toEqual([
      'aws.backups',
      'aws.config',
      'aws.remove',
      'aws.render',
      'aws.restore',
    ]);
  });

  it('an unknown shell, or no words at all', async () => {
    const box = sandbox();
    expect(await completionLines(['tcsh', '--', ''], box.env, box.home)).toEqual([]);
    expect(await completionLines([], box.env, box.home)).toEqual([]);
    expect(await completionLines(['bash', '--'], box.env, box.home)).toContain('aws.config');
  });
});

describe('what each shell gets', () => {
  it('zsh: word:description, a colon in the word escaped; fish: word<TAB>description', async () => {
    const box = sandbox();
    expect(await completionLines(['zsh', '--', 'aws.config', '--t'], box.env, box.home)).toContain('--team:Your team');
    expect(await completionLines(['fish', '--', 'aws.config', '--t'], box.env, box.home)).toContain(
      '--team\tYour team',
    );
    // zsh and fish match the candidates themselves (fish finds aws.config from "conf"): all are given.
    expect(await completionLines(['fish', '--', 'aws.config', '--t'], box.env, box.home)).toHaveLength(
      AWS_CONFIG_OPTIONS.length + GLOBALS.length,
    );
  });

  it("a robo.yml summary's terminal escapes are shown, not sent to the terminal; long ones are cut", async () => {
    const box = sandbox();
    const file = path.join(box.root, 'robo.yml');
    writeFileSync(file, `evil:\n  summary: "\\e]0;owned\\a ${'x'.repeat(200)}"\n  command: "true"\n`);
    const [line] = (await completionLines(['fish', '--', 'ev'], { ...box.env, ROBO_TASKS: file }, box.home)).filter(
      (entry) => entry.startsWith('evil'),
    );
    expect(line).toMatch(/^evil\t\\x1b\]0;owned\\x07 x+…$/);
    expect(line!.length).toBeLessThan(100);
  });

  it("the scripts older robos installed (yargs' --get-yargs-completions, robo's name first) get bare words and no directives", async () => {
    const box = sandbox();
    expect(await yargsCompletionLines(['robo', 'aws.config', '--t'], box.env, box.home)).toEqual(['--team']);
    expect(await yargsCompletionLines(['robo', 'aws.restore', ''], box.env, box.home)).toEqual([]);
  });

  it.each<[string[], string[], string]>([
    [['aws.config', '--team', '=', 'pla'], ['aws.config', '--team=pla'], '--team='],
    [['aws.config', '--team', '='], ['aws.config', '--team='], '--team='],
    [['db', ':', 'mig'], ['db:mig'], 'db:'],
    [['a', ':', 'b', ':', ''], ['a:b:'], 'a:b:'],
    [['aws.config', '--team', ''], ['aws.config', '--team', ''], ''],
    [[], [''], ''],
  ])('bash word breaks %j are joined to %j, keeping %j', (raw, words, kept) => {
    expect(joinWordBreaks(raw)).toEqual({ words, kept });
  });
});

describe('robo completion SHELL', () => {
  it.each([
    ['bash', undefined, 'complete -o filenames -F _robo_complete robo'],
    ['zsh', undefined, 'compdef _robo robo'],
    ['fish', undefined, "complete -c robo -f -a '(__robo_complete)'"],
    [undefined, '/usr/local/bin/fish', "complete -c robo -f -a '(__robo_complete)'"],
    [undefined, '/bin/zsh', 'compdef _robo robo'],
  ])('%s with $SHELL=%s', (shell, SHELL, line) => {
    expect(completionScript(shell, { SHELL })).toContain(line);
  });

  it.each([
    ['tcsh', undefined, 'robo completion tcsh: the shells are bash, zsh, fish'],
    [
      undefined,
      '/bin/tcsh',
      'robo completion: $SHELL is /bin/tcsh, not bash, zsh or fish; name the shell: robo completion bash|zsh|fish',
    ],
    [undefined, undefined, 'robo completion: $SHELL is not set; name the shell: robo completion bash|zsh|fish'],
  ])('%s with $SHELL=%s is refused', (shell, SHELL, message) => {
    expect(() => completionScript(shell, { SHELL })).toThrow(message);
  });
});
