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
 * compiles as usual. Of the source V8 checks only the length, so a cache
 * file starts with the very bundle it was made from, and is used only if
 * that is byte for byte today's dist/robo.cjs (an edited or rebuilt bundle,
 * whatever its timestamps, gets none), and with no cache file at all (the
 * npm package ships none) robo compiles as usual. Comparing half a megabyte costs far
 * less than hashing it would (node:crypto or node:zlib take 3 to 6 ms to
 * load). ROBO_CODE_CACHE_OUT is for the build only (scripts/code-cache.mjs):
 * write this run's cache there at exit.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const path = require('node:path');
const { Script } = require('node:vm');

const bundle = path.join(__dirname, '..', 'dist', 'robo.cjs');
let bundled;
try {
  bundled = readFileSync(bundle);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
  console.error('✖ : robo is not built yet: run `npm run build` in the robo folder first.');
  process.exit(1);
}
// The build keeps the bundle ASCII: latin1 spares UTF-8 decoding of half a megabyte.
const source = bundled.toString('latin1');

const task = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const cacheFile = `${bundle}.${task === 'aws.config' ? 'aws.config' : 'default'}.cache`;
let cachedData;
try {
  const data = readFileSync(cacheFile);
  if (data.length > bundled.length && data.subarray(0, bundled.length).equals(bundled))
    cachedData = data.subarray(bundled.length);
} catch {
  // No cache: compile as usual.
}

const script = new Script(wrap(source), { filename: bundle, cachedData });
const out = process.env.ROBO_CODE_CACHE_OUT;
if (out) {
  delete process.env.ROBO_CODE_CACHE_OUT; // not for robo.yml's tasks
  process.once('exit', () => writeFileSync(out, Buffer.concat([bundled, script.createCachedData()])));
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, path.dirname(bundle));
