/** Strict JSON reading: positions for every syntax error, duplicate keys refused. */
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../src/pipeline/json.js';

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
