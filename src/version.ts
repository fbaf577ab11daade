/**
 * Which robo is running: its version and this build's id. The build defines
 * both (scripts/build.mjs), so the bundle carries no package.json. The render
 * cache is keyed on the build, as `git pull && npm run build` keeps the version.
 * Run from the sources (the unit tests), the version is package.json's.
 */
import { readFileSync } from 'node:fs';

declare const __ROBO_VERSION__: string | undefined;
declare const __ROBO_BUILD__: string | undefined;

export const VERSION: string =
  typeof __ROBO_VERSION__ === 'string'
    ? __ROBO_VERSION__
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const BUILD_ID: string =
  typeof __ROBO_BUILD__ === 'string' ? `${VERSION}+${__ROBO_BUILD__}` : `${VERSION}+source`;
