/**
 * robo's version. The build puts it in as a constant (scripts/build.mjs
 * defines __ROBO_VERSION__), so the bundle does not carry package.json;
 * run from the sources (the unit tests), it is read from package.json.
 */
import { readFileSync } from 'node:fs';

declare const __ROBO_VERSION__: string | undefined;

export const VERSION: string =
  typeof __ROBO_VERSION__ === 'string'
    ? __ROBO_VERSION__
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
