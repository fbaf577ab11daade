/**
 * Which build of robo is running. What robo keeps in its cache about a
 * commit (validation records, rendered blocks, up-to-date stamps) holds only
 * for the code that worked it out, and a checkout is updated by `git pull`
 * and `npm run build` without a new version number: so those caches are keyed on the
 * build, which `npm run build` names afresh each time (esbuild defines
 * __ROBO_BUILD__). Run from the sources (the unit tests), it is the version.
 */
import { VERSION } from './version.js';

declare const __ROBO_BUILD__: string | undefined;

export const BUILD_ID: string =
  typeof __ROBO_BUILD__ === 'string' ? `${VERSION}+${__ROBO_BUILD__}` : `${VERSION}+source`;
