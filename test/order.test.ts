/** robo's one string order: code points (Go's and UTF-8's byte order), never the user's locale. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byCodePoints } from '../src/order.js';

describe('byCodePoints', () => {
  it('orders as UTF-8 bytes do, for any strings (surrogate pairs after U+E000–U+FFFF)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a), Buffer.from(b));
        expect(Math.sign(byCodePoints(a, b))).toBe(bytes);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sorts a list as Go would', () => {
    expect(['\u{1F600}', '\uFF5E', 'b', 'B', 'a', 'ab', ''].sort(byCodePoints)).toEqual([
      '',
      'B',
      'a',
      'ab',
      'b',
      '\uFF5E',
      '\u{1F600}',
    ]);
  });
});
