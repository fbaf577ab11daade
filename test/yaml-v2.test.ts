/**
 * Variables' plain scalars as Go's yaml.v2 (tj/robo) resolves them: its
 * resolve.go tables, and strconv.ParseInt(s, 0, 64) / ParseFloat for numbers.
 */
import { describe, expect, it } from 'vitest';
import { parseRoboFile } from '../src/robofile/parse.js';
import { plainScalar } from '../src/robofile/yaml-v2.js';

describe('plain scalars as yaml.v2 reads them', () => {
  it.each([
    ['no', false],
    ['off', false],
    ['N', false],
    ['yes', true],
    ['on', true],
    ['Y', true],
    ['True', true],
    ['~', null],
    ['', null],
    ['010', 8], // a leading 0 is octal to ParseInt(s, 0, 64)
    ['0o17', 15],
    ['0x1F', 31],
    ['0b101', 5],
    ['-0b101', -5],
    ['1_000', 1000],
    ['+12', 12],
    ['08', 8], // not octal, so ParseFloat: 8
    ['1.5', 1.5],
    ['1e3', 1000],
    ['.inf', Infinity],
    ['-.Inf', -Infinity],
    ['+.INF', Infinity],
    ['.NaN', NaN],
    ['.NAN', NaN],
    ['.INf', '.INf'], // one of yaml.v2's three spellings, or text
    ['-.nan', '-.nan'],
    ['9223372036854775808', 9223372036854775808], // past int64: a float
    ['main', 'main'],
    ['1.2.3', '1.2.3'],
    ['0x', '0x'],
    ['noon', 'noon'],
  ])('%j is %j', (text, value) => {
    expect(plainScalar(text)).toBe(value);
  });

  it('applies to variables only, plain scalars only', () => {
    const file = parseRoboFile(
      'variables:\n  debug: no\n  quoted: "no"\n  n: 010\n  list: [on, "on", 1_0]\n  nested: {v: off}\nt:\n  summary: no\n  command: echo {{ if .debug }}debug{{ else }}quiet{{ end }} {{ .n }} {{ .quoted }}\n',
      '/d/robo.yml',
      { reserved: () => false, builtins: {} },
    );
    expect(file.errors).toEqual([]);
    expect(file.variables).toMatchObject({
      debug: false,
      quoted: 'no',
      n: 8,
      list: [true, 'on', 10],
      nested: { v: false },
    });
    const task = file.tasks.get('t')!;
    expect(task.summary).toBe('no');
    expect(task.run).toBe('echo quiet 8 no');
  });
});
