/** robo.yml parsing and templating, as tables. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BYTES, MAX_DEPTH } from '../src/robofile/limits.js';
import { parseRoboFile } from '../src/robofile/parse.js';
import { invocation } from '../src/robofile/run.js';
import { splitWords } from '../src/robofile/shell-words.js';
import { expand, flatten } from '../src/robofile/variables.js';

const options = {
  reserved: (name: string) => ['aws.config', 'help'].includes(name),
  builtins: { robo: { file: '/d/robo.yml', path: '/d' } },
};
const parse = (text: string) => parseRoboFile(text, '/d/robo.yml', options);

describe('templates', () => {
  it.each([
    ['{{ .a }}', 'A'],
    ['{{.a}}-{{ .b.c }}', 'A-C'],
    ['no templates', 'no templates'],
    ['{{ .n }}', '3'],
    // A map prints as Go's text/template prints it (tj/robo's _examples/user prints {{ .user }}).
    ['{{ .b }}', 'map[c:C]'],
  ])('%s → %s', (text, expected) => {
    expect(expand(text, { a: 'A', b: { c: 'C' }, n: 3 })).toEqual({ ok: true, text: expected });
  });

  it.each([
    ['{{ .missing }}', 'undefined variable missing'],
    ['{{ range .x }}', 'has no {{end}}'],
    ['{{ .a | upper }}', 'function "upper" not defined'],
  ])('%s is refused', (text, message) => {
    const result = expand(text, { a: 'A', b: { c: 'C' } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('flattens nested variables, sorted', () => {
    expect(flatten({ b: { y: 1, x: 'z' }, a: true })).toEqual([
      ['a', 'true'],
      ['b.x', 'z'],
      ['b.y', '1'],
    ]);
  });
});

describe('parseRoboFile', () => {
  it('takes exec over script over command, and variables and templates are not tasks', () => {
    const file = parse(
      'variables:\n  v: 1\ntemplates:\n  list: "{{ range .Tasks }}{{ .Name }}{{ end }}"\nall:\n  command: c\n  script: s.sh\n  exec: e {{ .v }}\ntwo:\n  command: c\n  script: s.sh\none:\n  command: c {{ .robo.path }}\n',
    );
    expect(file.errors).toEqual([]);
    expect([...file.tasks.values()].map((task) => [task.name, task.kind, task.run])).toEqual([
      ['all', 'exec', 'e 1'],
      ['two', 'script', 's.sh'],
      ['one', 'command', 'c /d'],
    ]);
  });

  it('gives every problem with its line', () => {
    const file = parse(
      'a:\n  command: x\n  colour: red\nb:\n  summary: nothing\nc: just text\nd:\n  command: "{{ .nope }}"\n  env:\n    - NOT A PAIR\n',
    );
    expect(file.errors.map((problem) => problem.line)).toEqual([3, 4, 6, 8, 10]);
  });

  it('refuses to let a task shadow a built-in, as a warning', () => {
    const file = parse('aws.config:\n  command: x\nok:\n  command: y\n');
    expect(file.errors).toEqual([]);
    expect(file.warnings).toEqual([
      { line: 1, message: 'task aws.config is refused: robo has a built-in task of that name, which runs instead' },
    ]);
    expect([...file.tasks.keys()]).toEqual(['ok']);
  });

  it('points a template problem in a | block at its line inside the block', () => {
    const file = parse('a:\n  command: |\n    echo 1\n    echo {{ .nope }}\n');
    expect(file.errors).toEqual([{ line: 4, message: expect.stringContaining('undefined variable nope') as string }]);
  });

  it("prints a map variable as Go's text/template does", () => {
    expect(parse('a:\n  command: echo {{ .robo }}\n').tasks.get('a')?.run).toBe('echo map[file:/d/robo.yml path:/d]');
  });

  it('refuses setting a built-in variable', () => {
    expect(parse('variables:\n  robo: x\n').errors[0]).toMatchObject({ line: 2 });
  });
});

describe('robo.yml nesting', () => {
  const block = (depth: number, indent = 2) =>
    `variables:\n${Array.from({ length: depth }, (_, level) => `${' '.repeat(indent * (level + 1))}k:`).join('\n')} x\nt:\n  command: c\n`;
  it.each([
    // The YAML parser recurses per open collection: these overflowed the stack (or aborted the process) before.
    [
      '60,000 [ in flow style',
      `variables: ${'['.repeat(60_000)}\nt:\n  command: c\n`,
      1,
      'nested more than 32 levels deep: robo.yml may nest at most 32',
    ],
    [
      '200 levels of block maps',
      block(200),
      34,
      'content starts at column 67: robo.yml may nest at most 32 levels, indented at most 64 columns',
    ],
    ['5,000 sequences on one line', `${'- '.repeat(5000)}x\n`, 1, 'content starts at column 66'],
    [
      '40 levels of block maps, one space each',
      block(40, 1),
      33,
      'nested more than 32 levels deep: robo.yml may nest at most 32',
    ],
    // yaml.v2 (tj/robo) reads the first document only; robo says so in its own words, not the library's advice.
    [
      'two documents',
      't:\n  command: c\n---\nu:\n  command: d\n',
      3,
      'YAML: a second document starts here (---): robo.yml is one document',
    ],
    [
      '40 levels of flow sequences, closed',
      `variables: {v: ${'['.repeat(40)}${']'.repeat(40)}}\nt:\n  command: c\n`,
      1,
      'nested more than 32 levels deep',
    ],
  ])('%s: one error, with its line', (_name, text, line, message) => {
    const file = parse(text);
    expect(file.errors).toEqual([{ line, message: expect.stringContaining(message) as unknown }]);
  });

  it(`is at most ${MAX_BYTES} bytes`, () => {
    const text = `t:\n  command: c\n#${'x'.repeat(MAX_BYTES)}\n`;
    expect(parse(text).errors).toEqual([
      { line: 1, message: `is ${text.length} bytes; robo.yml may be at most 65536 bytes (64 KiB)` },
    ]);
  });

  it('a key given twice is refused, with its line', () => {
    expect(parse('a:\n  command: x\nb:\n  command: y\na:\n  command: z\n').errors).toEqual([
      { line: 5, message: 'YAML: Map keys must be unique ("a" is given twice)' },
    ]);
  });

  it('a deeply indented script in a block scalar is fine', () => {
    const file = parse(`t:\n  command: |\n    if x; then\n${' '.repeat(200)}echo deep\n    fi\n`);
    expect(file.errors).toEqual([]);
  });

  it(`takes ${MAX_DEPTH} levels`, () => {
    expect(parse(block(MAX_DEPTH - 1)).errors).toEqual([]);
    expect(parse(block(MAX_DEPTH - 1, 1)).errors).toEqual([]);
  });

  // The parser puts an error it meets at the end of the text (something left open) just past the last
  // character: after a final line break, that is a line the file does not have.
  it.each([
    ['an unclosed flow sequence', 't:\n  command: c\nbroken: [1,\n', 3],
    ['an unclosed flow sequence, no final line break', 't:\n  command: c\nbroken: [1,', 3],
    ['an unclosed flow map', 't:\n  command: {a: b\n', 2],
    ['an unclosed double quote', 't:\n  command: "abc\n', 2],
    ['an unclosed single quote, no final line break', "t:\n  command: 'abc", 2],
    ['an unclosed quote, then blank lines: the last (blank) line', 't:\n  command: "abc\n\n', 3],
    ['a one-line file', '[\n', 1],
    ['CRLF line ends', 't:\r\n  command: [a\r\n', 2],
  ])('a YAML error at the end of the file (%s) names its last line', (_name, text, line) => {
    const errors = parse(text).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((error) => error.line)).toEqual(errors.map(() => line));
    expect(errors[0]!.message).toMatch(/^YAML: /);
  });

  it('lists at most 20 YAML errors, then how many more', () => {
    const file = parse(Array.from({ length: 100 }, (_, index) => `k${index}: [`).join('\n'));
    expect(file.errors.length).toBeLessThanOrEqual(21);
    expect(file.errors.at(-1)!.message).toMatch(/^and \d+ more YAML error\(s\), not listed$/);
  });

  it.each([
    // Hostile templates: each bounded by the engine (go-template*.ts), refused with its line, nothing run.
    [
      'a range bomb',
      `variables:\n  l: [${'1,'.repeat(200)}1]\nt:\n  command: |\n    {{ range .l }}{{ range $.l }}{{ range $.l }}{{ end }}{{ end }}{{ end }}\n`,
      5,
      'steps',
    ],
    [
      'output past the cap',
      `variables:\n  l: [${'1,'.repeat(1100)}1]\nt:\n  command: "{{ range .l }}{{ range $.l }}{{ $.l }}{{ end }}{{ end }}"\n`,
      4,
      'characters',
    ],
    ['nesting past the bound', `t:\n  command: "${'{{ if 1 }}'.repeat(60)}"\n`, 2, 'nested more than'],
  ])('%s in a template is refused with its line', (_, text, line, message) => {
    const file = parse(text);
    expect(file.errors).toEqual([{ line, message: expect.stringContaining(message) as string }]);
  });

  it('never throws, whatever the text', () => {
    const piece = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      '- ',
      ': ',
      '\n',
      '  ',
      'a',
      '&x ',
      '*x',
      '<<: ',
      '"',
      "'",
      '|\n',
      '#',
      '? ',
      ',',
      'command: ',
      'variables:\n',
    );
    // Runs long enough to pass the limits (32 levels, 64 columns), short enough to parse fast.
    const text = fc
      .array(fc.tuple(piece, fc.integer({ min: 1, max: 300 })), { maxLength: 10 })
      .map((runs) => runs.map(([unit, count]) => unit.repeat(count)).join(''));
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 300 })), (input) => {
        const file = parse(input);
        expect(file.errors.length).toBeLessThanOrEqual(21);
      }),
      { numRuns: 200, seed: 6060 },
    );
  });
});

describe('invocation', () => {
  const task = (kind: 'command' | 'script' | 'exec', run: string) => ({
    name: 't',
    line: 1,
    summary: '',
    usage: '',
    examples: [],
    env: [],
    kind,
    run,
  });
  it.each([
    ['command', 'echo "$1"', { program: 'sh', args: ['-c', 'echo "$1"', 'sh', 'a', '--b'] }],
    ['script', 'bin/x.sh', { program: '/d/bin/x.sh', args: ['a', '--b'] }],
    ['exec', 'aws-okta exec hub --', { program: 'aws-okta', args: ['exec', 'hub', '--', 'a', '--b'] }],
  ] as const)('%s', (kind, run, expected) => {
    expect(invocation(task(kind, run), ['a', '--b'], '/d/robo.yml')).toEqual(expected);
  });
});

// go-shellwords' Parse with its defaults (tj/robo's exec), except that robo refuses what it would cut short.
describe('exec lines split into words', () => {
  it.each([
    ['aws-okta exec hub --', ['aws-okta', 'exec', 'hub', '--']],
    ['  a \t b\n', ['a', 'b']],
    ['printf "%s|" "x y" z', ['printf', '%s|', 'x y', 'z']],
    ["echo 'it''s' \"a\\\"b\"", ['echo', 'its', 'a"b']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo \'\' ""', ['echo', '', '']],
    ['echo $HOME ${A:-b} * ~', ['echo', '$HOME', '${A:-b}', '*', '~']],
    ["echo '\\n'", ['echo', '\\n']],
    ['echo \\t', ['echo', '\t']],
  ])('%j', (line, words) => {
    expect(splitWords(line)).toEqual({ ok: true, words });
  });

  it.each([
    ['echo a | grep a', 'unquoted |'],
    ['echo a > f', 'unquoted >'],
    ['a; b', 'unquoted ;'],
    ['echo "a', 'unclosed "'],
    ["echo 'a", "unclosed '"],
    ['echo a\\', 'lone backslash'],
    ['  ', 'names no program'],
  ])('%j is refused', (line, problem) => {
    const result = splitWords(line);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(problem);
  });

  it('a task or step whose exec a shell would have to read is a robo.yml problem with its line', () => {
    const file = parse('t:\n  exec: echo a | grep a\ns:\n  command: x\n  after:\n    - exec: "echo \'a"\n');
    expect(file.errors).toEqual([
      { line: 2, message: expect.stringContaining('task t: exec has an unquoted |') as string },
      { line: 6, message: expect.stringContaining("exec has an unclosed '") as string },
    ]);
  });
});

describe('problem lines', () => {
  it('each once, by line, at most 50 of them with a count of the rest', async () => {
    const { problemLines, MAX_PROBLEM_LINES } = await import('../src/commands/robofile.js');
    const file = parse('t:\n  command: c\n');
    const problems = Array.from({ length: 120 }, (_, index) => ({
      line: 120 - index,
      message: `p${(120 - index) % 60}`,
    }));
    const lines = problemLines(file, [...problems, ...problems]);
    expect(lines).toHaveLength(MAX_PROBLEM_LINES + 1);
    expect(lines[0]).toBe('/d/robo.yml:1: p1');
    expect(lines[1]).toBe('/d/robo.yml:2: p2');
    expect(lines.at(-1)).toBe('and 70 more problem(s), not listed');
  });
});
