/** Strict JSON reading: positions for every syntax error, duplicate keys refused, nesting limited; the line of a pointer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseStrictJson, pointerLines } from '../src/definitions/json.js';

describe('parseStrictJson', () => {
  it.each([
    ['{"a": }', 'invalid JSON at line 1, column 7: value expected'],
    ['{\n  "a": 1\n  "b": 2}', 'invalid JSON at line 3, column 3: comma expected'],
    ['{', 'invalid JSON at line 1, column 2: close brace expected'],
    ['', 'invalid JSON at line 1, column 1: value expected'],
    ['{"a": 1,}', 'invalid JSON at line 1, column 9: property name expected'],
    ['// note\n{}', 'invalid JSON at line 1, column 1: invalid comment token'],
  ])('%j → %s', (text, message) => {
    expect(parseStrictJson(text)).toEqual({ ok: false, problems: [{ pointer: '', message }] });
  });

  it('refuses duplicate keys at any depth, naming each', () => {
    const result = parseStrictJson('{"a":1,"a":2,"b":{"c":1,\n"c":2}}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((problem) => problem.pointer)).toEqual(['/a', '/b/c']);
    expect(!result.ok && result.problems[1]!.message).toContain('duplicate key at line 2, column 1');
  });

  it('allows equal keys in different objects and returns the value', () => {
    expect(parseStrictJson('[{"a":1},{"a":2}]')).toEqual({ ok: true, value: [{ a: 1 }, { a: 2 }] });
  });
});

describe('nesting', () => {
  const deep = (text: string) => ({
    ok: false,
    problems: [
      {
        pointer: '',
        message: expect.stringMatching(new RegExp(`^nested more than ${MAX_DEPTH} levels deep at ${text}`)) as unknown,
      },
    ],
  });

  it.each([
    ['100,000 [', '['.repeat(100_000), 'line 1, column 33'],
    ['deep and closed', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'line 1, column 33'],
    ['objects', '{"a":'.repeat(5000), 'line 1, column 161'],
    [
      'inside a valid team file',
      `{"hub_role": "x", "profiles": [],\n "description": ${'['.repeat(50)}${']'.repeat(50)}}`,
      'line 2, column 48',
    ],
    // The parser skips a closer that does not match and goes on: this nests as deep as "[[[".
    ['stray closers between', '[},'.repeat(100_000), 'line 1, column 97'],
    ['a string cut by a line break', `"\n${'['.repeat(100_000)}`, 'line 2, column 33'],
  ])('%s: refused with where, before anything recurses', (_name, text, where) => {
    expect(parseStrictJson(text)).toEqual(deep(where));
  });

  it(`takes ${MAX_DEPTH} levels`, () => {
    expect(parseStrictJson(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`).ok).toBe(true);
    expect(parseStrictJson(`${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`).ok).toBe(false);
  });

  it('never throws, whatever the text (brackets, quotes, comments, line breaks in any order)', () => {
    const opener = fc.constantFrom('[', '{', '"k":[', '[},', '{"a":');
    const other = fc.constantFrom(']', '}', '"', ',', ':', '\n', '\\', '/*', '*/', '//', 'a', '1', ' ');
    // Long runs of one piece: nesting deep enough to matter takes thousands of openers.
    const run = fc.tuple(
      fc.oneof({ arbitrary: opener, weight: 2 }, { arbitrary: other, weight: 1 }),
      fc.integer({ min: 1, max: 20_000 }),
    );
    const text = fc
      .array(run, { maxLength: 12 })
      .map((runs) => runs.map(([unit, count]) => unit.repeat(count)).join(''));
    fc.assert(
      fc.property(text, (input) => {
        parseStrictJson(input);
      }),
      { numRuns: 100, seed: 5150 },
    );
  });
});

describe('pointerLines', () => {
  const text =
    '{\n  "hub_role": "x",\n  "profiles": [\n    {"name": "a"},\n    {\n      "name": "b",\n      "a/b": 1, "~": 2\n    }\n  ]\n}\n';
  it.each([
    ['/hub_role', 2],
    ['/profiles', 3],
    ['/profiles/0', 4],
    ['/profiles/0/name', 4],
    ['/profiles/1', 5],
    ['/profiles/1/name', 6],
    ['/profiles/1/a~1b', 7],
    ['/profiles/1/~0', 7],
    ['/profiles/1/a~1b/x', undefined],
    ['', undefined],
    ['/nowhere', undefined],
    ['/profiles/2', undefined],
    ['/profiles/x', undefined],
    ['/hub_role/deeper', undefined],
  ])('%s → line %s', (pointer, line) => {
    expect(pointerLines(text)(pointer)).toBe(line);
  });

  it('finds the first and the last line, with or without a final newline', () => {
    expect(pointerLines('{"a": 1}')('/a')).toBe(1);
    expect(pointerLines('{\n"a":\n1}')('/a')).toBe(3);
    expect(pointerLines('[\n0,\n1,\n2\n]\n')('/2')).toBe(4);
  });

  it('is undefined, and does not recurse, for text nested deeper than robo reads', () => {
    expect(pointerLines('['.repeat(100_000))('/0')).toBeUndefined();
  });

  it('is undefined for text that is no JSON at all', () => {
    expect(pointerLines('')('/a')).toBeUndefined();
  });
});
