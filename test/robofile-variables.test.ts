/**
 * robo.yml's variables interpolated with themselves, cycles refused, `$(…)`
 * expressions found with balanced parentheses and evaluated only when a run reads them,
 * and before/after steps parsed: in process, as tables.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateAll, evaluateRun, expressionsIn, ExpressionFailure } from '../src/robofile/expressions.js';
import { parseRoboFile } from '../src/robofile/parse.js';
import { MAX_CHAIN } from '../src/robofile/variables.js';

const options = {
  reserved: (name: string) => ['aws.config', 'help'].includes(name),
  builtins: { robo: { file: '/d/robo.yml', path: '/d' }, user: { username: 'me' } },
};
const parse = (text: string) => parseRoboFile(text, '/d/robo.yml', options);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'robo-vars-'));
  dirs.push(dir);
  return dir;
};

describe('variables that use variables', () => {
  it.each([
    ['a chain, resolved fully', 'a: "{{ .b }}"\n  b: "{{ .c }}"\n  c: x', 'a', 'x'],
    ['later ones used by earlier ones', 'a: "<{{ .b }}>"\n  b: why', 'a', '<why>'],
    ['a nested one using a later top-level one', 'm:\n    n: "{{ .top }}!"\n  top: "{{ .k }}"\n  k: K', 'm.n', 'K!'],
    ['inside a nested map', 'host: h\n  urls:\n    api: "https://{{ .host }}/api"', 'urls.api', 'https://h/api'],
    ['built-in variables', 'home: "{{ .robo.path }}/x-{{ .user.username }}"', 'home', '/d/x-me'],
    ['numbers and booleans as they are', 'n: 3\n  s: "{{ .n }}"', 's', '3'],
    ['an expression stays text', 'b: main\n  h: $(git rev-parse {{ .b }})', 'h', '$(git rev-parse main)'],
  ])('%s', (_, variables, name, expected) => {
    const file = parse(`variables:\n  ${variables}\nt:\n  command: echo {{ .${name} }}\n`);
    expect(file.errors).toEqual([]);
    expect(file.tasks.get('t')?.run).toBe(`echo ${expected}`);
  });

  it.each([
    ['two variables', 'a: "{{ .b }}"\n  b: "{{ .a }}"\n', 2, 'variables: a → b → a is a cycle: each uses the next'],
    ['a variable and itself', 'x: 1\n  a: "a{{ .a }}"\n', 3, 'variables: a → a is a cycle: each uses the next'],
    [
      'through a nested map',
      'a: "{{ .m.n }}"\n  m:\n    n: "{{ .b }}"\n  b: "{{ .a }}"\n',
      2,
      'variables: a → m.n → b → a is a cycle: each uses the next',
    ],
    [
      'three, reached from outside the cycle',
      'z: "{{ .a }}"\n  a: "{{ .b }}"\n  b: "{{ .c }}"\n  c: "{{ .a }}"\n',
      3,
      'variables: a → b → c → a is a cycle: each uses the next',
    ],
  ])('a cycle of %s is refused once, naming its variables and line', (_, variables, line, message) => {
    const file = parse(`variables:\n  ${variables}t:\n  command: echo\n`);
    expect(file.errors).toEqual([{ line, message }]);
  });

  it('a variable naming an undefined one is refused with its line', () => {
    const file = parse('variables:\n  a: "{{ .b }}"\n  b: "{{ .nope }}"\n');
    expect(file.errors).toEqual([
      { line: 3, message: expect.stringContaining('variables: b: template {{ .nope }} names an undefined variable') },
    ]);
  });

  it(`chains at most ${MAX_CHAIN} variables, said once`, () => {
    const chain = (length: number) =>
      Array.from({ length }, (_, index) => `  a${index}: "{{ .a${index + 1} }}"\n`).join('') + `  a${length}: end\n`;
    expect(parse(`variables:\n${chain(MAX_CHAIN - 1)}t:\n  command: echo {{ .a0 }}\n`).tasks.get('t')?.run).toBe(
      'echo end',
    );
    // 2,500 (2,000 did) would overflow the stack without the bound.
    expect(parse(`variables:\n${chain(2500)}`).errors).toEqual([
      {
        line: 2,
        message: `variables: a0 goes through more than ${MAX_CHAIN} variables (a0 → a1 → a2 → …): robo.yml may chain at most ${MAX_CHAIN}`,
      },
    ]);
  });

  it('records the line of each variable, nested ones too', () => {
    const file = parse('variables:\n  a: 1\n  m:\n    n: 2\n');
    expect([...file.variableLines]).toEqual([
      ['a', 2],
      ['m', 3],
      ['m.n', 4],
    ]);
  });
});

describe('$(…) expressions', () => {
  it.each([
    ['$(a)', ['a']],
    ['$(a) $(b)', ['a', 'b']],
    // Quotes as sh reads them: a parenthesis quoted or escaped does not close the expression.
    ['$(echo ")") x', ['echo ")"']],
    ["$(echo ')(' ) $(b)", ["echo ')(' ", 'b']],
    ['$(echo \\)) $(b)', ['echo \\)', 'b']],
    ['$(echo "a\\"(b") z', ['echo "a\\"(b"']],
    ['x $(echo $(date)) y', ['echo $(date)']],
    ['$(echo (a) b)-$(c)', ['echo (a) b', 'c']],
    ['$(unclosed', []],
    ['no expression, (parens)', []],
    ['$$(a)', ['a']],
  ])('%s holds %j', (text, commands) => {
    expect(expressionsIn(text).map((expression) => expression.command)).toEqual(commands);
  });

  it('run once per command, one trailing newline removed', async () => {
    const dir = tempDir();
    const count = path.join(dir, 'count');
    const variables = await evaluateAll(
      { a: `$(echo run >> ${count}; printf 'x\\n\\n')`, b: 'plain', c: `<$(echo run >> ${count}; printf 'x\\n\\n')>` },
      [],
      { PATH: process.env.PATH },
      dir,
    );
    expect(variables.b).toBe('plain');
    expect(variables.a).toBe('x\n');
    expect(variables.a).toBe('x\n');
    expect(variables.c).toBe('<x\n>');
    expect(readFileSync(count, 'utf8')).toBe('run\n');
  });

  it('run with $SHELL, or sh when SHELL is unset', async () => {
    const dir = tempDir();
    const shell = { PATH: process.env.PATH, SHELL: '/bin/sh' };
    expect((await evaluateAll({ s: '$(echo "$0")' }, [], shell, dir)).s).toBe('/bin/sh');
    expect((await evaluateAll({ s: '$(echo "$0")' }, [], { PATH: process.env.PATH }, dir)).s).toBe('sh');
  });

  it('never in built-in variables: a folder may be named $(…)', async () => {
    const dir = tempDir();
    const made = path.join(dir, 'made');
    const builtins = { robo: { path: `/x/$(touch ${made})` } };
    const variables = await evaluateAll(builtins, ['robo'], { PATH: process.env.PATH }, dir);
    expect((variables.robo as { path: string }).path).toBe(`/x/$(touch ${made})`);
    expect(() => readFileSync(made)).toThrow();
    const file = parseRoboFile('t:\n  command: cd {{ .robo.path }}\n', '/d/robo.yml', { ...options, builtins });
    expect((await evaluateRun(file, file.tasks.get('t')!, { PATH: process.env.PATH }, dir)).task.run).toBe(
      `cd /x/$(touch ${made})`,
    );
    expect(() => readFileSync(made)).toThrow();
  });

  it('a failing command rejects, naming the variable', async () => {
    const evaluated = evaluateAll({ m: { bad: '$(exit 5)' } }, [], { PATH: process.env.PATH }, tempDir(), {
      stderr: undefined,
    });
    await expect(evaluated).rejects.toThrow(ExpressionFailure);
    await expect(evaluated).rejects.toThrow('variable m.bad: $(exit 5) failed (exit 5)');
  });

  it('an {{ if }} on an output takes the branch of the real output, and evaluates what it reads there', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'log');
    const file = parse(
      [
        'variables:',
        '  mode: $(echo fast)',
        `  quick: $(echo quick >> ${log}; echo Q)`,
        `  slow: $(echo slow >> ${log}; echo S)`,
        't:',
        '  command: echo {{ if eq .mode "fast" }}{{ .quick }}{{ else }}{{ .slow }}{{ end }}',
      ].join('\n'),
    );
    const run = await evaluateRun(file, file.tasks.get('t')!, { PATH: process.env.PATH }, dir);
    expect(run.task.run).toBe('echo Q');
    expect(readFileSync(log, 'utf8')).toContain('quick\n');
  });

  it('a run evaluates only what its task and steps use, in the order they run', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'log');
    const file = parse(
      [
        'variables:',
        `  used: $(echo used >> ${log}; echo U)`,
        `  step: $(echo step >> ${log}; echo S)`,
        `  other: $(echo other >> ${log}; echo O)`,
        '  through: "[{{ .used }}]"',
        'before:',
        '  - command: echo {{ .step }}',
        't:',
        '  command: echo {{ .through }}',
        '  env: ["V={{ .used }}"]',
        'u:',
        '  command: echo {{ .other }}',
      ].join('\n'),
    );
    expect(file.errors).toEqual([]);
    expect(file.tasks.get('t')?.run).toBe(`echo [$(echo used >> ${log}; echo U)]`);
    const run = await evaluateRun(file, file.tasks.get('t')!, { PATH: process.env.PATH }, dir);
    expect(run.task.run).toBe('echo [U]');
    expect(run.task.env).toEqual(['V=U']);
    expect(run.global.before.map((step) => step.run)).toEqual(['echo S']);
    expect(readFileSync(log, 'utf8')).toBe('step\nused\n');
  });
});

describe('before and after steps', () => {
  it('are parsed globally and per task, with exec over script over command, templated', () => {
    const file = parse(
      [
        'variables:',
        '  v: V',
        'before:',
        '  - command: echo {{ .v }}',
        'after:',
        '  - script: s.sh',
        '    command: loses',
        't:',
        '  command: run',
        '  before:',
        '    - exec: e {{ .v }}',
        '      script: loses.sh',
        '  after:',
        '    - command: done',
      ].join('\n'),
    );
    expect(file.errors).toEqual([]);
    expect([...file.tasks.keys()]).toEqual(['t']);
    const shape = (steps: Array<{ kind: string; run: string; line: number }>) =>
      steps.map(({ kind, run, line }) => [kind, run, line]);
    expect(shape(file.before)).toEqual([['command', 'echo V', 4]]);
    expect(shape(file.after)).toEqual([['script', 's.sh', 6]]);
    expect(shape(file.tasks.get('t')!.before)).toEqual([['exec', 'e V', 11]]);
    expect(shape(file.tasks.get('t')!.after)).toEqual([['command', 'done', 14]]);
  });

  it.each([
    ['before: x', 1, 'before must be a list of steps, each with command, script or exec'],
    ['after:\n  - just text', 2, 'after step #1 must be a map with one of command, script or exec'],
    [
      'before:\n  - command: a\n    colour: red',
      3,
      'before step #1: unknown key colour (allowed: command, script, exec)',
    ],
    ['before:\n  - {}', 2, 'before step #1: nothing to run: give it a command, a script or an exec'],
    ['before:\n  - command: [a]', 2, 'before step #1: command must be text'],
    ['before:\n  - command: "{{ .nope }}"', 2, 'before step #1: template {{ .nope }} names an undefined variable nope'],
    ['t:\n  command: c\n  after: {command: x}', 3, 'task t: after must be a list of steps'],
    ['t:\n  command: c\n  before:\n    - command: ok\n    - script: ""', 5, 'task t: before step #2: script is empty'],
  ])('%j is refused with its line', (text, line, message) => {
    const file = parse(`${text}\n`);
    expect(file.errors).toEqual([{ line, message: expect.stringContaining(message) }]);
  });

  // Tasks and steps are read by one function: what it says of one, it says of the other.
  it.each([
    ['a step', 'before:\n  - colour: red', 'before step #1', 2],
    ['a task', 't:\n  colour: red', 'task t', 1],
  ])('%s with an unknown key and nothing to run is told both', (_, text, label, line) => {
    expect(parse(`${text}\n`).errors).toEqual([
      {
        line: 2,
        message: `${label}: unknown key colour (allowed: ${label === 'task t' ? 'summary, usage, examples, env, command, script, exec, before, after' : 'command, script, exec'})`,
      },
      { line, message: `${label}: nothing to run: give it a command, a script or an exec` },
    ]);
  });

  it.each([
    ['a step', 'before:\n  - command: [a]', 'before step #1: command must be text'],
    ['a task', 't:\n  command: [a]', 'task t: command must be text'],
  ])('%s whose command is not text is told that alone', (_, text, message) => {
    expect(parse(`${text}\n`).errors).toEqual([{ line: 2, message }]);
  });

  it('a template problem in a | block of a step points at its line inside the block, as in a task', () => {
    const file = parse('before:\n  - command: |\n      echo 1\n      echo {{ .nope }}\nt:\n  command: x\n');
    expect(file.errors).toEqual([{ line: 4, message: expect.stringContaining('before step #1: template') }]);
  });
});
