/**
 * robo against tj/robo: one row per example of tj/robo's `_examples` and
 * Readme, each a fixture under test/fixtures/tj-robo/ run by runRobo (in
 * process; chained and composed tasks start the binary from PATH, and
 * ROBO_TEST_BINARY=1 runs every row through it) and compared with what tj/robo
 * prints for it (read from tj/robo's Go source:
 * cli/cli.go's templates, config/config.go, interpolation/interpolation.go,
 * task/task.go, main.go). Task runs compare stdout exactly; listings, help and
 * variables compare the parts tj/robo prints (robo's own layout differs by
 * design). A row robo deliberately answers otherwise says so in `difference`
 * and asserts robo's answer; a row for a feature not built yet is `pending`
 * (skipped, with the feature named). docs/tasks.md's "Compatibility with
 * tj/robo" table is made from these rows and checked here
 * (ROBO_WRITE_COMPAT_TABLE=1 rewrites it).
 */
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { projectRoot, roboBin, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

interface Row {
  /** The row's name; also the fixture folder under test/fixtures/tj-robo/ unless `fixture` names another. */
  example: string;
  fixture?: string;
  /** Where in tj/robo the example comes from. */
  source: string;
  /** robo's arguments; run in the fixture's copy (or `cwd`). `<dir>` is that copy. */
  argv: string[];
  cwd?: 'home';
  /** A task run: stdout exactly. */
  stdout?: string;
  /** A listing: each task's name and summary, as tj/robo's `  NAME – SUMMARY` line has them. */
  tasks?: [name: string, summary: string][];
  /** `robo variables`: each variable and its value, as tj/robo's `.NAME: VALUE` line has them. */
  variables?: [name: string, value: string][];
  /** Whole lines stdout holds (a template's lines, `-q`'s names). */
  lines?: string[];
  /** Text stdout holds (help's parts, a template's block). */
  contains?: string[];
  /** Text stdout must not hold. */
  absent?: string[];
  /** Text stderr holds. */
  stderr?: string;
  code: number;
  /** How and why robo deliberately answers otherwise; the row asserts robo's answer. */
  difference?: string;
  /** The feature (being built on another branch) the row waits for; the row is skipped until then. */
  pending?: string;
  /** The fixture's copy is made a git repo on branch master (for `$(git rev-parse …)`); `<hash>` is its commit. */
  gitRepo?: boolean;
}

const ROWS: Row[] = [
  // cli.List's default template: `  {{cyan .Name}} – {{.Summary}}` per task, sorted by name (range over a map).
  {
    example: 'hello: list',
    fixture: 'hello',
    source: '_examples/hello/hello.yml',
    argv: ['--config', 'hello.yml'],
    tasks: [
      ['aws', 'exec example'],
      ['hello', 'some task'],
    ],
    code: 0,
  },
  // task.RunCommand: sh -c "echo world" sh.
  {
    example: 'hello: run',
    fixture: 'hello',
    source: '_examples/hello/hello.yml',
    argv: ['--config', 'hello.yml', 'hello'],
    stdout: 'world\n',
    code: 0,
  },
  // task.RunExec: the exec line's words, then the task's arguments (aws is the test's stand-in printing its argv).
  {
    example: 'hello: exec with arguments',
    fixture: 'hello',
    source: '_examples/hello/hello.yml; Readme "Running tasks"',
    argv: ['--config', 'hello.yml', 'aws', 'ec2', 'describe-instances'],
    stdout: 'aws profile= args=ec2 describe-instances\n',
    code: 0,
  },
  // cli.Help's template: `{{.Name}} {{.Usage}}` under Usage, `{{.Summary}}` under Description.
  {
    example: 'hello: help',
    fixture: 'hello',
    source: '_examples/hello/hello.yml; Readme "Task help"',
    argv: ['--config', 'hello.yml', 'help', 'hello'],
    contains: ['hello', 'some task'],
    code: 0,
  },
  // main.go: -q → cli.ListNames, `{{ .Name }}\n` per task.
  {
    example: 'hello: -q',
    fixture: 'hello',
    source: '_examples/hello/hello.yml; main.go usage (-q, --quiet)',
    argv: ['-q', '--config', 'hello.yml'],
    lines: ['aws', 'hello'],
    code: 0,
    difference: 'built-in tasks are listed too',
  },
  // config.New adds robo.{file,path} and user.{home,name,username}; cli.ListVariables prints `.KEY: VALUE` per flattened key.
  {
    example: 'hello: variables',
    fixture: 'hello',
    source: '_examples/hello/hello.yml; Readme "Variables" (robo variables)',
    argv: ['--config', 'hello.yml', 'variables'],
    variables: [
      ['robo.file', '<dir>/hello.yml'],
      ['robo.path', '<dir>'],
      ['user.home', '<home>'],
      ['user.name', '<name>'],
      ['user.username', '<username>'],
    ],
    code: 0,
  },
  // root.yml's dev execs `robo --config <dir>/dev.yml env` with E=dev; dev.yml's env runs `echo $E`.
  {
    example: 'chain',
    source: '_examples/chain/*.yml; Readme "Robo chaining" (robo.path)',
    argv: ['--config', 'root.yml', 'dev', 'env'],
    stdout: 'dev\n',
    code: 0,
  },
  // all runs `robo -c <dir>/compose.yml one`, then `… two` through sh -c.
  {
    example: 'compose',
    source: '_examples/compose/compose.yml; Readme "Composition"',
    argv: ['-c', 'compose.yml', 'all'],
    stdout: 'one\ntwo\n',
    code: 0,
  },
  // interpolation.Tasks templates env entries; RunCommand appends them to the environment.
  {
    example: 'env',
    source: '_examples/env/env.yml',
    argv: ['--config', 'env.yml', 'env'],
    stdout: 'name=robo aws-profile=eng-dev\n',
    code: 0,
  },
  // RunScript: an executable script runs itself (its #! line), from the config file's folder.
  {
    example: 'scripts: ruby',
    fixture: 'scripts',
    source:
      '_examples/scripts/scripts.yml, yo.rb (adapted: no ruby here, so yo.rb is a #!/bin/sh script with the same output)',
    argv: ['--config', 'scripts.yml', 'ruby'],
    stdout: 'yo!\n',
    code: 0,
  },
  // RunScript: yo.js is executable, so its #!/usr/bin/env node line runs it.
  {
    example: 'scripts: js',
    fixture: 'scripts',
    source: '_examples/scripts/scripts.yml, yo.js',
    argv: ['--config', 'scripts.yml', 'js'],
    stdout: 'yo!\n',
    code: 0,
  },
  // Go's text/template prints a map[string]string as map[k:v …], keys sorted.
  {
    example: 'user',
    source: '_examples/user/user.yml',
    argv: ['--config', 'user.yml', 'user'],
    stdout: 'user=map[home:<home> name:<name> username:<username>]\n',
    code: 0,
  },
  // echo.zsh's #! line picks zsh, which sets $ZSH_NAME.
  {
    example: 'zsh',
    source: '_examples/zsh/zsh.yml, echo.zsh',
    argv: ['--config', 'zsh.yml', 'echo'],
    stdout: 'hello from zsh\n',
    code: 0,
  },
  // main.go: --config defaults to robo.yml (in the working folder).
  {
    example: 'robo.yml in the working folder',
    fixture: 'readme-commands',
    source: 'Readme "Global tasks" (by default ./robo.yml is loaded); main.go',
    argv: ['hello'],
    stdout: 'world\n',
    code: 0,
  },
  // RunCommand: sh -c "echo world" sh.
  {
    example: 'commands',
    fixture: 'readme-commands',
    source: 'Readme "Commands"',
    argv: ['--config', 'robo.yml', 'hello'],
    stdout: 'world\n',
    code: 0,
  },
  // YAML's | keeps the newline between the lines; RunCommand hands the whole text to sh -c.
  {
    example: 'multi-line commands',
    fixture: 'readme-multiline',
    source: 'Readme "Commands" (YAML |)',
    argv: ['--config', 'robo.yml', 'hello'],
    stdout: 'hello\nworld\n',
    code: 0,
  },
  // RunCommand: sh -c CMD sh ARGS…, so $1 is the first argument.
  {
    example: 'positional, no argument',
    fixture: 'readme-positional',
    source: 'Readme "Commands" (${1:-there})',
    argv: ['--config', 'robo.yml', 'hello'],
    stdout: 'Hello there\n',
    code: 0,
  },
  // The Readme shows "Hello there Tobi"; `sh -c 'echo "Hello ${1:-there}"' sh Tobi` prints "Hello Tobi", as tj/robo does.
  {
    example: 'positional, one argument',
    fixture: 'readme-positional',
    source: 'Readme "Commands" (${1:-there}; it shows `Hello there Tobi`, which sh does not print)',
    argv: ['--config', 'robo.yml', 'hello', 'Tobi'],
    stdout: 'Hello Tobi\n',
    code: 0,
  },
  // RunExec: shellwords.Parse("echo hello") + the arguments.
  {
    example: 'exec',
    fixture: 'readme-exec',
    source: 'Readme "Exec"',
    argv: ['--config', 'robo.yml', 'hello', 'a', 'b'],
    stdout: 'hello a b\n',
    code: 0,
  },
  // RunScript joins a relative path to the config file's folder; the script runs in the caller's working folder.
  {
    example: 'script relative to the config file',
    fixture: 'readme-script',
    source: 'Readme "Scripts" (path/to/script.sh)',
    argv: ['--config', '<dir>/robo.yml', 'hello', 'x'],
    cwd: 'home',
    stdout: 'script.sh in home with 1 argument(s): x\n',
    code: 0,
  },
  // RunScript: the file has its executable bit, so it is run itself, through its #! line.
  {
    example: 'script with #!',
    fixture: 'readme-shebang',
    source: 'Readme "Scripts" (yo.rb, adapted: no ruby here, so a #!/bin/sh script with the same output)',
    argv: ['--config', 'robo.yml', 'yo'],
    stdout: 'yo\n',
    code: 0,
  },
  // RunScript: without the owner's executable bit (mode&0100 == 0) the script runs as `sh SCRIPT ARGS...`.
  {
    example: 'script without its executable bit',
    fixture: 'script-not-executable',
    source: 'task/task.go (RunScript)',
    argv: ['--config', 'robo.yml', 'plain', 'a', 'b'],
    stdout: 'plain.sh by sh with 2 argument(s): a b\n',
    code: 0,
  },
  // RunExec: go-shellwords.Parse with its defaults: quotes and backslashes read, nothing expanded.
  // 'it''s' is two quoted parts of one word: its.
  {
    example: 'exec with quoted words',
    fixture: 'exec-quotes',
    source: 'task/task.go (RunExec, go-shellwords)',
    argv: ['--config', 'robo.yml', 'words'],
    stdout: 'x y|its|a b|$HOME|',
    code: 0,
  },
  // cli.Help's template: Usage `events [project-id] [rate]`, Description the summary.
  {
    example: 'usage: help',
    fixture: 'readme-usage',
    source: 'Readme "Usage"',
    argv: ['--config', 'robo.yml', 'help', 'events'],
    contains: ['events [project-id] [rate]', 'send data to the "events" topic'],
    code: 0,
  },
  // RunExec: `docker run -it events` + the arguments (docker is the test's stand-in printing its argv).
  {
    example: 'usage: run',
    fixture: 'readme-usage',
    source: 'Readme "Usage", "Running tasks"',
    argv: ['--config', 'robo.yml', 'events', 'gy2d', '25'],
    stdout: 'docker run -it events gy2d 25\n',
    code: 0,
  },
  // cli.Help's template: each example's `{{.Description}}` and `$ {{.Command}}`.
  {
    example: 'examples: help',
    fixture: 'readme-examples',
    source: 'Readme "Examples", "Task help"',
    argv: ['--config', 'robo.yml', 'help', 'events'],
    contains: [
      'events [project-id] [rate]',
      'send data to the "events" topic',
      'Send 25 events a second to gy2d',
      'robo events gy2d 25',
    ],
    code: 0,
  },
  // cli.List's default template; the summaries have no template in them.
  {
    example: 'variables: list',
    fixture: 'readme-variables',
    source: 'Readme "Variables" (hosts)',
    argv: ['--config', 'robo.yml'],
    tasks: [
      ['prod', 'Run commands against prod.'],
      ['stage', 'Run commands against stage.'],
    ],
    code: 0,
  },
  // `ssh {{.hosts.stage}} -t robo` with hosts.stage = bastion-stage (ssh is the test's stand-in printing its argv).
  {
    example: 'variables: run',
    fixture: 'readme-variables',
    source: 'Readme "Variables" (hosts)',
    argv: ['--config', 'robo.yml', 'stage', 'uptime'],
    stdout: 'ssh bastion-stage -t robo uptime\n',
    code: 0,
  },
  // cli.ListVariables flattens nested maps into dotted keys.
  {
    example: 'variables: robo variables',
    fixture: 'readme-variables',
    source: 'Readme "Variables" (hosts)',
    argv: ['--config', 'robo.yml', 'variables'],
    variables: [
      ['hosts.prod', 'bastion-prod'],
      ['hosts.stage', 'bastion-stage'],
      ['robo.file', '<dir>/robo.yml'],
      ['robo.path', '<dir>'],
    ],
    code: 0,
  },
  // interpolation.Vars: `{{ .branch }}` first, then `$(git rev-parse --short master)` through $SHELL -c (sh here).
  {
    example: 'variables using variables and $(…): run',
    fixture: 'readme-hash',
    source: 'Readme "Variables" (hash)',
    argv: ['--config', 'robo.yml', 'hash'],
    gitRepo: true,
    stdout: 'master <hash>\n',
    code: 0,
    difference: 'the $(…) runs when the task runs (tj/robo: whenever the file is loaded)',
  },
  // The summary's {{ .branch }} is a plain variable; tj/robo would also run git here, robo runs nothing to list.
  {
    example: 'variables using variables and $(…): list',
    fixture: 'readme-hash',
    source: 'Readme "Variables" (hash)',
    argv: ['--config', 'robo.yml'],
    gitRepo: true,
    tasks: [['hash', "echos the git master branch's git hash"]],
    code: 0,
    difference: 'listing runs no $(…) (tj/robo runs it on every load)',
  },
  // cli.ListVariables after interpolation.Vars: tj/robo shows `.githash: <hash>`, the command's output.
  {
    example: 'variables using variables and $(…): robo variables',
    fixture: 'readme-hash',
    source: 'Readme "Variables" (hash)',
    argv: ['--config', 'robo.yml', 'variables'],
    gitRepo: true,
    variables: [['branch', 'master']],
    contains: ['githash'],
    absent: ['<hash>'],
    code: 0,
    difference: 'shows the $(…) unevaluated, running nothing (tj/robo shows its output, `<hash>`)',
  },
  // RunExec with the task's env merged over robo's (aws is the test's stand-in printing AWS_PROFILE and its argv).
  {
    example: 'env: aws.yml',
    fixture: 'readme-env-aws',
    source: 'Readme "Environment" (aws.yml)',
    argv: ['--config', 'aws.yml', 'dev', 's3', 'ls'],
    stdout: 'aws profile=eng-dev args=s3 ls\n',
    code: 0,
  },
  // The Readme says `// => /tmp`, but RunExec has no shell: shellwords.Parse (ParseEnv off by default) keeps
  // "$HOME" as a word, so tj/robo's echo prints $HOME literally; robo's exec has no shell either.
  {
    example: 'env: HOME override',
    fixture: 'readme-env-home',
    source: 'Readme "Environment" (HOME=/tmp; its `// => /tmp` is not what an exec without a shell prints)',
    argv: ['--config', 'robo.yml', 'home'],
    stdout: '$HOME\n',
    code: 0,
  },
  // interpolation.Tasks templates each env entry: AWS_PROFILE=eng-stage (aws is the test's stand-in).
  {
    example: 'env: variables in env',
    fixture: 'readme-env-variables',
    source: 'Readme "Environment" (AWS_PROFILE={{.aws.profile}})',
    argv: ['--config', 'robo.yml', 'aws-stage', 'sts'],
    stdout: 'aws profile=eng-stage args=sts\n',
    code: 0,
  },
  // cli.Run: global before, the task's before, the task, its after, global after; steps templated like tasks.
  {
    example: 'before/after',
    fixture: 'readme-before-after',
    source: 'Readme "Setup / Cleanup" (adapted: the after script beside robo.yml, echo for the git steps)',
    argv: ['--config', 'robo.yml', 'foo'],
    stdout:
      'global before bar\nlocal before bar\ngit pull -r\ngit status\nlocal after\ngit reset --hard HEAD\nglobal after\n',
    code: 0,
    difference:
      "an exec step runs as a child, so the steps after it run (tj/robo's exec replaces its process: the first exec step is the last thing that runs)",
  },
  // task.RunOptionals stops a list at its first failing step; Task.Run still runs the task and the after steps.
  {
    example: 'before/after: a failing before step',
    fixture: 'readme-before-after-failure',
    source: 'Readme "Setup / Cleanup"; task/task.go',
    argv: ['--config', 'robo.yml', 'task'],
    stdout: 'task\nafter\n',
    code: 4,
    difference: "exit code is the first failing step's, 4 (tj/robo: 1)",
  },
  // The Readme's list template, run over the tasks sorted by name; cyan prints plain text when stdout is not a terminal.
  {
    example: 'templates: list with usage',
    fixture: 'readme-templates-list',
    source: 'Readme "Templates" (first example)',
    argv: ['--config', 'robo.yml'],
    lines: ['  events – [project-id] [rate]', '  hello – '],
    code: 0,
    difference: 'built-in tasks are in .Tasks too',
  },
  // The Readme's verbose template: a blank line, then name, summary and usage lines per task (cyan plain off a terminal).
  {
    example: 'templates: verbose list',
    fixture: 'readme-templates-verbose',
    source: 'Readme "Templates" (second example)',
    argv: ['--config', 'robo.yml'],
    contains: ['\n  name: events\n  summary: send data to the "events" topic\n  usage: [project-id] [rate]\n'],
    code: 0,
    difference: 'built-in tasks are in .Tasks too',
  },
  // prod execs `robo --config production.yml` (relative to the working folder) with the task's arguments.
  {
    example: 'robo chaining',
    fixture: 'readme-chaining',
    source: 'Readme "Robo chaining"',
    argv: ['--config', 'robo.yml', 'prod', 'where', 'x'],
    stdout: 'production, 1 argument(s): x\n',
    code: 0,
  },
  // Go's text/template prints <no value> for a key missing from map[string]interface{}.
  {
    example: 'an undefined variable',
    source: 'interpolation/interpolation.go (text/template)',
    fixture: 'undefined-variable',
    argv: ['--config', 'robo.yml', 'greet'],
    stdout: '',
    stderr: 'names an undefined variable nobody',
    code: 3,
    difference: 'refused with file and line, exit 3 (tj/robo runs `echo "hello <no value>"`)',
  },
  // tj/robo has no built-in tasks: every name is the file's.
  {
    example: 'a task named like a built-in',
    source: 'config/config.go (every top-level key is a task)',
    fixture: 'builtin-shadowing',
    argv: ['--config', 'robo.yml'],
    tasks: [['teams.list', 'List the teams']],
    stderr: 'task teams.list is refused: robo has a built-in task of that name',
    code: 0,
    difference: 'refused with a warning; the built-in keeps its name (tj/robo lists `teams.list – my own team list`)',
  },
  // cli.Run: any failure ends in cli.Fatalf, exit 1.
  {
    example: 'a failing task',
    source: 'cli/cli.go (Fatalf)',
    fixture: 'failed-task',
    argv: ['--config', 'robo.yml', 'fail'],
    stdout: '',
    code: 3,
    difference: "exit code is the task's own, 3 (tj/robo: 1, with `error(s)` on stderr)",
  },
];

let box: Sandbox;
let env: NodeJS.ProcessEnv;
/** Values of the placeholders every row may use. */
let common: Record<string, string>;

beforeAll(() => {
  box = makeSandbox();
  // robo for the chained and composed tasks, and stand-ins for the programs the examples call (they print their argv).
  const bin = path.join(box.root, 'bin');
  mkdirSync(bin);
  const tools: Record<string, string> = {
    robo: `exec '${process.execPath}' '${roboBin}' "$@"`,
    aws: 'echo "aws profile=$AWS_PROFILE args=$*"',
    ssh: 'echo "ssh $*"',
    docker: 'echo "docker $*"',
  };
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  env = { ...box.env, PATH: `${bin}${path.delimiter}${box.env.PATH ?? ''}` };
  const username = os.userInfo().username;
  common = { '<home>': os.userInfo().homedir, '<username>': username, '<name>': fullName(username) };
});
afterAll(() => box.cleanup());

/** robo's user.name, from the passwd entry (Go's os/user reads the same field; robo falls back to the login name). */
function fullName(username: string): string {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${username}:`));
  return entry?.split(':')[4]?.split(',')[0]?.trim() || username;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/<(dir|home|username|name|hash)>/g, (placeholder) => values[placeholder] ?? placeholder);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A fresh copy of the row's fixture, so robo.file is a known path and nothing is written into the repo. */
function prepare(row: Row, index: number): Record<string, string> {
  const dir = path.join(box.root, 'rows', String(index));
  cpSync(path.join(projectRoot, 'test', 'fixtures', 'tj-robo', row.fixture ?? row.example), dir, { recursive: true });
  const values: Record<string, string> = { ...common, '<dir>': dir };
  if (row.gitRepo) {
    git(dir, 'init', '-q', '-b', 'master');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'fixture');
    values['<hash>'] = git(dir, 'rev-parse', '--short', 'master');
  }
  return values;
}

describe('tj/robo examples run through robo', () => {
  ROWS.forEach((row, index) => {
    const title = `${row.example}: robo ${row.argv.join(' ')}${row.pending ? ` (pending: ${row.pending})` : ''}`;
    (row.pending ? it.skip : it)(title, async () => {
      const values = prepare(row, index);
      const result = await runRobo(
        row.argv.map((arg) => fill(arg, values)),
        { env, cwd: row.cwd === 'home' ? box.home : values['<dir>'] },
      );
      const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.code, context).toBe(row.code);
      if (row.stdout !== undefined) expect(result.stdout).toBe(fill(row.stdout, values));
      for (const [name, summary] of row.tasks ?? [])
        expect(result.stdout).toMatch(new RegExp(`^ *${escape(name)} +– ${escape(fill(summary, values))}`, 'm'));
      // tj/robo prints `.hosts.prod: bastion-prod`; robo `  hosts.prod = bastion-prod`.
      for (const [name, value] of row.variables ?? [])
        expect(result.stdout).toMatch(new RegExp(`^ *\\.?${escape(name)} *[:=] *${escape(fill(value, values))}$`, 'm'));
      for (const line of row.lines ?? []) expect(result.stdout.split('\n')).toContain(fill(line, values));
      for (const text of row.contains ?? []) expect(result.stdout).toContain(fill(text, values));
      for (const text of row.absent ?? []) expect(result.stdout).not.toContain(fill(text, values));
      if (row.stderr !== undefined) expect(result.stderr).toContain(fill(row.stderr, values));
    });
  });
});

/** The Output cell: what tj/robo prints (robo's answer where the row differs). */
function expected(row: Row): string {
  const code = (text: string) => `\`${text.replace(/\n/g, '⏎').replace(/\|/g, '\\|')}\``;
  if (row.stdout !== undefined) return row.stdout === '' ? '(nothing)' : code(row.stdout);
  const parts = [
    ...(row.tasks ?? []).map(([name, summary]) => `${name} – ${summary}`),
    ...(row.variables ?? []).map(([name, value]) => `.${name}: ${value}`),
    ...(row.lines ?? []),
    ...(row.contains ?? []),
  ];
  return parts.map(code).join('<br>');
}

/** The markdown table of the rows, for docs/tasks.md. */
function compatTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '| Example | tj/robo source | Command | Output | Exit | robo |',
    '| --- | --- | --- | --- | --- | --- |',
    ...ROWS.map((row) =>
      [
        row.example,
        row.source,
        `\`robo ${row.argv.join(' ')}\``,
        expected(row),
        String(row.code),
        [row.pending && `pending: ${row.pending}`, row.difference && `differs: ${row.difference}`]
          .filter(Boolean)
          .join('; ') || 'same',
      ]
        .map((text, column) => (column === 3 || column === 2 ? text : cell(text)))
        .join(' | '),
    ).map((line) => `| ${line} |`),
  ];
  return `${lines.join('\n')}\n`;
}

describe("docs/tasks.md's compatibility table", () => {
  it('is the table of these rows', () => {
    const docs = path.join(projectRoot, 'docs', 'tasks.md');
    const text = readFileSync(docs, 'utf8');
    const start = '<!-- tj-robo-compat:start (made by test/tj-robo-compat.e2e.test.ts) -->\n';
    const end = '<!-- tj-robo-compat:end -->';
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    expect(from, `docs/tasks.md has no ${start.trim()} … ${end}`).toBeGreaterThanOrEqual(0);
    const table = compatTable();
    if (process.env.ROBO_WRITE_COMPAT_TABLE === '1')
      writeFileSync(docs, `${text.slice(0, from + start.length)}${table}${text.slice(to)}`);
    else expect(text.slice(from + start.length, to)).toBe(table);
  });
});
