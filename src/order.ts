/**
 * Code-unit order of strings: the same on every machine and locale (localeCompare follows the user's), so
 * output bytes are too. For the BMP it is also Go's byte order of UTF-8 (a robo.yml template's sorted keys).
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
