#!/usr/bin/env node
'use strict';
/*
 * robo's executable: runs the CLI that `npm run build` bundled into
 * dist/robo.cjs, through V8's code cache.
 *
 * Start-up is most of a run that changes nothing, and parsing and compiling
 * the bundle was about a third of it. The build runs robo's common tasks
 * once and saves the code V8 compiled for them; here V8 takes that instead
 * of compiling again. aws.config, the run that matters most (by hand and
 * nightly), has a cache of its own: V8 loads a whole cache up front, and
 * one for every task is four times the size. Node 22 can do this by itself
 * (module.enableCompileCache); Node 20 has only vm.Script's cachedData, and
 * v8-compile-cache saves the cache before anything ran, which holds little.
 *
 * V8 refuses a cache made by another Node or V8 version, and robo then
 * compiles as usual. Of the source V8 checks only the length, so robo checks
 * the rest: a cache starts with the id of the build that made it (the
 * bundle's first comment), and a cache older than the bundle (an edited
 * dist/robo.cjs) is not used either. ROBO_CODE_CACHE_OUT is for the build
 * only (scripts/code-cache.mjs): write this run's cache there at exit.
 */
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const path = require('node:path');
const { Script } = require('node:vm');

const bundle = path.join(__dirname, '..', 'dist', 'robo.cjs');
let source;
try {
  source = readFileSync(bundle, 'latin1'); // the build keeps it ASCII: no UTF-8 decoding of half a megabyte
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
  console.error('✖ : robo is not built yet: run `npm ci` (or `npm run build`) in the robo folder first.');
  process.exit(1);
}

const build = /^\/\* robo build (\w+) \*\//.exec(source)?.[1] ?? 'unknown';
const header = Buffer.from(`robo build ${build}\n`);
const task = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const cacheFile = `${bundle}.${task === 'aws.config' ? 'aws.config' : 'default'}.cache`;
let cachedData;
try {
  if (statSync(cacheFile).mtimeMs >= statSync(bundle).mtimeMs) {
    const data = readFileSync(cacheFile);
    if (data.subarray(0, header.length).equals(header)) cachedData = data.subarray(header.length);
  }
} catch {
  // No cache: compile as usual.
}

const script = new Script(wrap(source), { filename: bundle, cachedData });
const out = process.env.ROBO_CODE_CACHE_OUT;
if (out) {
  delete process.env.ROBO_CODE_CACHE_OUT; // not for robo.yml's tasks
  process.once('exit', () => writeFileSync(out, Buffer.concat([header, script.createCachedData()])));
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, path.dirname(bundle));
