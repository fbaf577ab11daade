// Build: bundle the CLI with esbuild into dist/ as ES modules. Each task's
// core is a dynamic import, so code splitting gives it its own chunk and
// start-up loads only what the task that runs needs.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await import('./gen-validators.mjs');
await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { robo: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Prefer ES module builds: jsonc-parser's "main" is a UMD file whose require()s esbuild cannot follow.
  mainFields: ['module', 'main'],
  // Chunks sit beside robo.mjs: paths.ts finds the package root as '..' of its own file.
  chunkNames: '[name]-[hash]',
  // CommonJS dependencies call require() and read __filename (write-file-atomic); give
  // them both. Not __dirname: the bundled yargs declares its own.
  banner: {
    js: [
      "import { createRequire as __roboCreateRequire } from 'node:module';",
      "import { fileURLToPath as __roboFileURLToPath } from 'node:url';",
      'const require = __roboCreateRequire(import.meta.url);',
      'const __filename = __roboFileURLToPath(import.meta.url);',
    ].join(' '),
  },
  sourcemap: 'linked',
  legalComments: 'none',
  // Smaller source parses faster: start-up is most of a no-change run.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
