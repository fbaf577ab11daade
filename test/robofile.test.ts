/** robo.yml parsing and templating, as tables. */
import { describe, expect, it } from 'vitest';
import { parseRoboFile } from '../src/robofile/parse.js';
import { invocation } from '../src/robofile/run.js';
import { expand, flatten } from '../src/robofile/template.js';

const options = { reserved: (name: string) => ['aws.config', 'help'].includes(name), builtins: { robo: { file: '/d/robo.yml', path: '/d' } } };
const parse = (text: string) => parseRoboFile(text, '/d/robo.yml', options);

describe('templates', () => {
  it.each([
    ['{{ .a }}', 'A'],
    ['{{.a}}-{{ .b.c }}', 'A-C'],
    ['no templates', 'no templates'],
    ['{{ .n }}', '3'],
  ])('%s → %s', (text, expected) => {
    expect(expand(text, { a: 'A', b: { c: 'C' }, n: 3 })).toEqual({ ok: true, text: expected });
  });

  it.each([
    ['{{ .missing }}', 'undefined variable missing'],
    ['{{ .b }}', 'which is a map'],
    ['{{ range .x }}', 'unsupported template'],
    ['{{ .a | upper }}', 'unsupported template'],
  ])('%s is refused', (text, message) => {
    const result = expand(text, { a: 'A', b: { c: 'C' } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('flattens nested variables, sorted', () => {
    expect(flatten({ b: { y: 1, x: 'z' }, a: true })).toEqual([['a', 'true'], ['b.x', 'z'], ['b.y', '1']]);
  });
});

describe('parseRoboFile', () => {
  it('takes exec over script over command, and variables and templates are not tasks', () => {
    const file = parse('variables:\n  v: 1\ntemplates:\n  x: &x\n    summary: s\nall:\n  command: c\n  script: s.sh\n  exec: e {{ .v }}\ntwo:\n  command: c\n  script: s.sh\none:\n  command: c {{ .robo.path }}\n');
    expect(file.errors).toEqual([]);
    expect([...file.tasks.values()].map((task) => [task.name, task.kind, task.run])).toEqual([
      ['all', 'exec', 'e 1'],
      ['two', 'script', 's.sh'],
      ['one', 'command', 'c /d'],
    ]);
  });

  it('gives every problem with its line', () => {
    const file = parse('a:\n  command: x\n  colour: red\nb:\n  summary: nothing\nc: just text\nd:\n  command: "{{ .nope }}"\n  env:\n    - NOT A PAIR\n');
    expect(file.errors.map((problem) => problem.line)).toEqual([3, 4, 6, 8, 10]);
  });

  it('refuses to let a task shadow a built-in, as a warning', () => {
    const file = parse('aws.config:\n  command: x\nok:\n  command: y\n');
    expect(file.errors).toEqual([]);
    expect(file.warnings).toEqual([{ line: 1, message: 'task aws.config is refused: robo has a built-in task of that name, which runs instead' }]);
    expect([...file.tasks.keys()]).toEqual(['ok']);
  });

  it('refuses setting a built-in variable', () => {
    expect(parse('variables:\n  robo: x\n').errors[0]).toMatchObject({ line: 2 });
  });
});

describe('invocation', () => {
  const task = (kind: 'command' | 'script' | 'exec', run: string) => ({ name: 't', line: 1, summary: '', usage: '', examples: [], env: [], kind, run });
  it.each([
    ['command', 'echo "$1"', { program: 'sh', args: ['-c', 'echo "$1"', 'sh', 'a', '--b'] }],
    ['script', 'bin/x.sh', { program: '/d/bin/x.sh', args: ['a', '--b'] }],
    ['exec', 'aws-okta exec hub --', { program: 'aws-okta', args: ['exec', 'hub', '--', 'a', '--b'] }],
  ] as const)('%s', (kind, run, expected) => {
    expect(invocation(task(kind, run), ['a', '--b'], '/d/robo.yml')).toEqual(expected);
  });
});
