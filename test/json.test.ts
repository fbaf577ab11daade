/** Strict JSON reading: positions for every syntax error, duplicate keys refused; the line of a pointer. */
import { describe, expect, it } from 'vitest';
import { parseStrictJson, pointerLines } from '../src/pipeline/json.js';

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

describe('pointerLines', () => {
  const text = '{\n  "hub_role": "x",\n  "profiles": [\n    {"name": "a"},\n    {\n      "name": "b",\n      "a/b": 1, "~": 2\n    }\n  ]\n}\n';
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

  it('is undefined for text that is no JSON at all', () => {
    expect(pointerLines('')('/a')).toBeUndefined();
  });
});
