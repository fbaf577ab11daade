// Build: bundle the CLI with esbuild into one CommonJS file, dist/robo.cjs,
// which bin/robo.cjs loads (with Node's compile cache where Node has one).
//
// Each task's core is a dynamic import, which esbuild turns into code that
// runs only when the task does, so aws.config never evaluates the
// validators. Node still has to read and parse all of one file, though, and
// on Node 20 (no compile cache) that is most of start-up. So the large
// libraries that only some tasks use go to files of their own,
// dist/vendor/NAME.cjs, required only when a task first imports them:
// half the bundle, and a fifth of the instructions of a no-change
// aws.config run beyond starting node (CONTRIBUTING.md, "Start-up").
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';

// --no-minify: readable function names in CPU profiles (`node --cpu-prof bin/robo.cjs ...`).
const minify = !process.argv.includes('--no-minify');

await import('./gen-validators.mjs');
await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
// A fresh name for every build: robo's caches of what it worked out are keyed on it (src/version.ts).
const buildId = randomBytes(8).toString('hex');
// The version alone goes into the bundle (src/version.ts), not package.json with its devDependencies.
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
/** Libraries that get a file of their own: only some tasks import them, and each is large. */
const VENDOR = ['yaml', 'simple-git', 'diff', 'jsonc-parser', 'proper-lockfile'];
const vendorFile = (name) => `vendor/${name}.cjs`;
/** @type {import('esbuild').BuildOptions} */
const shared = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // Prefer ES module builds: jsonc-parser's "main" is a UMD file whose require()s esbuild cannot follow.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  // Smaller source parses faster: start-up is most of a no-change run.
  minify,
  keepNames: true,
  logLevel: 'warning',
};
await build({
  ...shared,
  entryPoints: { robo: 'src/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
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
  plugins: [
    {
      // `import 'yaml'` (static or dynamic) becomes a small module of the bundle that runs
      // require('./vendor/yaml.cjs'), so the file is read where the importing code first runs.
      // (A dynamic import left to Node would load it as an ES module and lose its named exports.)
      name: 'vendor-files',
      setup(bundle) {
        const names = new RegExp(`^(${VENDOR.join('|')})$`);
        bundle.onResolve({ filter: names }, ({ path }) => ({ path, namespace: 'vendor' }));
        bundle.onLoad({ filter: /.*/, namespace: 'vendor' }, ({ path }) => ({
          contents: `module.exports = require(${JSON.stringify(`./${vendorFile(path)}`)});`,
        }));
        bundle.onResolve({ filter: /^\.\/vendor\//, namespace: 'vendor' }, ({ path }) => ({ path, external: true }));
      },
    },
  ],
});
for (const name of VENDOR) {
  await build({
    ...shared,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd() },
    outfile: `dist/${vendorFile(name)}`,
  });
}
