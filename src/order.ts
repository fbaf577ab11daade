/**
 * The one string order robo sorts by: code points, which is UTF-8's byte order and Go's (a robo.yml
 * template ranges over a map's keys in it). The same on every machine and locale (localeCompare follows
 * the user's), so output bytes are too. JS's `<` compares UTF-16 code units, which puts characters from
 * U+10000 (surrogate pairs) before U+E000–U+FFFF.
 */
export function byCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** A code unit's place in code-point order: surrogates (U+D800–U+DFFF) after U+E000–U+FFFF. */
function rank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
