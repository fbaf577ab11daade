/** YAML anchors, aliases and merge keys in robo.yml, read as yaml.v2 (tj/robo) reads them: tables. */
import { describe, expect, it } from 'vitest';
import { MAX_NODES } from '../src/robofile/aliases.js';
import { parseRoboFile } from '../src/robofile/parse.js';

const options = {
  reserved: (name: string) => ['aws.config', 'help'].includes(name),
  builtins: { robo: { file: '/d/robo.yml', path: '/d' } },
};
const parse = (text: string) => parseRoboFile(text, '/d/robo.yml', options);
const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('robo.yml anchors and merge keys', () => {
  it.each([
    [
      'an alias to a scalar',
      lines('variables:', '  host: &host stage.internal', '  again: *host', 't:', '  command: ssh {{ .again }}'),
      { t: 'ssh stage.internal' },
    ],
    [
      'an alias to a whole task',
      lines('a: &a', '  summary: A', '  command: echo a', 'b: *a'),
      { a: 'echo a', b: 'echo a' },
    ],
    [
      'an alias to a list',
      lines('a:', '  env: &env [X=1, Y=2]', '  command: echo $X', 'b:', '  env: *env', '  command: echo $Y'),
      { a: 'echo $X', b: 'echo $Y' },
    ],
    [
      'a merge key; the map’s own keys win',
      lines('base: &base', '  summary: Base', '  command: echo base', 'b:', '  <<: *base', '  command: echo b'),
      { base: 'echo base', b: 'echo b' },
    ],
    [
      'an own key before the merge key still wins',
      lines('base: &base', '  command: echo base', 'b:', '  command: echo b', '  <<: *base'),
      { base: 'echo base', b: 'echo b' },
    ],
    [
      'a list of merges: an earlier map wins over a later one',
      lines(
        'one: &one {command: echo one, summary: One}',
        'two: &two {command: echo two, usage: U}',
        'b:',
        '  <<: [*one, *two]',
      ),
      { one: 'echo one', two: 'echo two', b: 'echo one' },
    ],
    [
      'merged variables',
      lines(
        'variables:',
        '  defaults: &defaults {region: us-east-1, user: ops}',
        '  prod:',
        '    <<: *defaults',
        '    region: eu-west-1',
        't:',
        '  command: echo {{ .prod.region }} {{ .prod.user }}',
      ),
      { t: 'echo eu-west-1 ops' },
    ],
  ])('%s', (_name, text, runs) => {
    const file = parse(text);
    expect(file.errors).toEqual([]);
    expect(Object.fromEntries([...file.tasks].map(([name, task]) => [name, task.run]))).toEqual(runs);
  });

  it('merged keys keep their own summary, usage and env', () => {
    const file = parse(
      lines('base: &base', '  summary: Base', '  env: [A=1]', '  command: echo', 'b:', '  <<: *base', '  usage: "[X]"'),
    );
    expect(file.tasks.get('b')).toMatchObject({ summary: 'Base', usage: '[X]', env: ['A=1'], run: 'echo' });
  });

  it('a top-level map with an anchor and nothing to run holds keys for others: no task, no error', () => {
    const file = parse(
      lines('defaults: &defaults', '  env: [STAGE=prod]', 'deploy:', '  <<: *defaults', '  command: ./deploy'),
    );
    expect(file.errors).toEqual([]);
    expect([...file.tasks.keys()]).toEqual(['deploy']);
    expect(file.tasks.get('deploy')?.env).toEqual(['STAGE=prod']);
  });

  it('a map with nothing to run and no anchor is still refused', () => {
    expect(parse(lines('defaults:', '  env: [STAGE=prod]')).errors).toEqual([
      { line: 1, message: 'task defaults: nothing to run: give it a command, a script or an exec' },
    ]);
  });

  it('a problem in an aliased task points at the line it is written on', () => {
    const file = parse(lines('a: &a', '  command: echo', '  colour: red', 'b: *a'));
    expect(file.errors).toContainEqual({
      line: 3,
      message: expect.stringContaining('task b: unknown key colour') as unknown,
    });
  });

  it('a key that overrides a merged key is no duplicate; a key given twice still is', () => {
    expect(parse(lines('a: &a {command: x}', 'b:', '  <<: *a', '  command: y')).errors).toEqual([]);
    expect(parse(lines('a: &a {command: x}', 'b:', '  <<: *a', '  command: y', '  command: z')).errors).toEqual([
      { line: 5, message: 'YAML: Map keys must be unique ("command" is given twice)' },
    ]);
  });

  it.each([
    [
      'an alias bomb (billion laughs)',
      lines(
        'variables:',
        '  a: &a [x, x, x, x, x, x, x, x, x, x]',
        ...Array.from(
          { length: 8 },
          (_, level) =>
            `  ${'bcdefghi'[level]}: &${'bcdefghi'[level]} [${Array(10).fill(`*${'abcdefgh'[level]}`).join(', ')}]`,
        ),
        't:',
        '  command: c',
      ),
      `aliases expand it to more than ${MAX_NODES} nodes`,
    ],
    ['an alias to no anchor', lines('t:', '  command: *nowhere'), 'alias *nowhere names no anchor before it'],
    [
      'an alias inside its own anchor',
      lines('variables:', '  a: &a [1, *a]'),
      'alias *a is inside the node it names (a cycle)',
    ],
    ['a merge key cycle', lines('t: &t', '  <<: *t', '  command: c'), 'alias *t is inside the node it names (a cycle)'],
    [
      'a merge of a scalar',
      lines('s: &s text', 't:', '  <<: *s', '  command: c'),
      'YAML: a merge key (<<) takes a map or a list of maps',
    ],
    [
      'aliases nesting deeper than the limit',
      lines(
        'variables:',
        '  l0: &l0 [x]',
        ...Array.from({ length: 40 }, (_, level) => `  l${level + 1}: &l${level + 1} [*l${level}]`),
      ),
      'aliases nest it more than 32 levels deep',
    ],
  ])('%s is refused with one problem', (_name, text, message) => {
    const file = parse(text);
    expect(file.errors).toEqual([
      { line: expect.any(Number) as unknown, message: expect.stringContaining(message) as unknown },
    ]);
    expect(file.tasks.size).toBe(0);
  });

  it('a bomb is refused fast, without writing it out', () => {
    const levels = 'abcdefghijklmnopqrstuvwxyz';
    const text = lines(
      'variables:',
      '  a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 25 },
        (_, level) =>
          `  ${levels[level + 1]}: &${levels[level + 1]} [${Array(10).fill(`*${levels[level]}`).join(', ')}]`,
      ),
    );
    expect(parse(text).errors[0]?.message).toContain('aliases expand it');
  });
});
