/**
 * Which build of robo is running. The block robo keeps in its cache for a
 * commit (render/render-cache.ts) holds only for the code that rendered
 * it, and a checkout is updated by `git pull` and `npm run build` without a
 * new version number: so the cache is keyed on the build, which `npm run build` names afresh each time (esbuild defines
 * __ROBO_BUILD__). Run from the sources (the unit tests), it is the version.
 */
import { VERSION } from './version.js';

declare const __ROBO_BUILD__: string | undefined;

export const BUILD_ID: string =
  typeof __ROBO_BUILD__ === 'string' ? `${VERSION}+${__ROBO_BUILD__}` : `${VERSION}+source`;
