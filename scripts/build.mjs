// Build: bundle the CLI with esbuild into one CommonJS file, dist/robo.cjs,
// then record V8's code cache for it (scripts/code-cache.mjs), which
// bin/robo.cjs hands to V8 so start-up skips compiling.
//
// One file, not ES module chunks: Node 20 can use a code cache only for a
// script it compiles through vm.Script, not for ES modules. Each task's core
// is still a dynamic import, which esbuild turns into code that runs only
// when the task does, so aws.config never evaluates yargs or the validators.
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

// bin/robo.cjs reads the bundle as latin1; esbuild escapes non-ASCII in strings but not in regex literals.
const bundle = await readFile(new URL('../dist/robo.cjs', import.meta.url));
const wide = bundle.findIndex((byte) => byte > 0x7f);
if (wide !== -1) {
  console.error(
    `build: dist/robo.cjs has a non-ASCII byte at offset ${wide}: ${JSON.stringify(bundle.subarray(Math.max(0, wide - 40), wide + 10).toString())}; write it as an escape in the source`,
  );
  process.exit(1);
}

const { recordCodeCache } = await import('./code-cache.mjs');
await recordCodeCache();
