// Build: bundle the CLI with esbuild into one CommonJS file, dist/robo.cjs,
// which bin/robo.cjs loads (with Node's compile cache where Node has one).
//
// One file: a single read and compile at start-up, and the compile cache
// keeps one entry. Each task's core is still a dynamic import, which esbuild
// turns into code that runs only when the task does, so aws.config never
// evaluates the validators.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';

// --no-minify: readable function names in CPU profiles (`node --cpu-prof bin/robo.cjs ...`).
const minify = !process.argv.includes('--no-minify');

await import('./gen-validators.mjs');
await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
// A fresh name for every build: robo's caches of what it worked out are keyed on it (src/build-id.ts).
const buildId = randomBytes(8).toString('hex');
// The version alone goes into the bundle (src/version.ts), not package.json with its devDependencies.
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: { robo: 'src/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // Prefer ES module builds: jsonc-parser's "main" is a UMD file whose require()s esbuild cannot follow.
  mainFields: ['module', 'main'],
  // paths.ts finds the package root from import.meta.url, which CommonJS has not: give it the bundle's own URL.
  define: {
    'import.meta.url': '__roboBundleUrl',
    __ROBO_BUILD__: JSON.stringify(buildId),
    __ROBO_VERSION__: JSON.stringify(version),
  },
  // "use strict" before the banner's statement, or the whole bundle would run in sloppy mode.
  banner: {
    js: `/* robo build ${buildId} */ 'use strict'; const __roboBundleUrl = require('node:url').pathToFileURL(__filename).href;`,
  },
  sourcemap: 'linked',
  legalComments: 'none',
  // Smaller source parses faster: start-up is most of a no-change run.
  minify,
  keepNames: true,
  logLevel: 'warning',
});
