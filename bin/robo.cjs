#!/usr/bin/env node
'use strict';
/*
 * robo's executable: runs the CLI that `npm run build` bundled into
 * dist/robo.cjs. Where Node has a compile cache (22.1+), V8's compiled code
 * is kept under robo's cache folder ($XDG_CACHE_HOME/robo/compile-cache, the
 * rule of src/paths.ts), so later runs skip compiling the bundle; Node checks
 * the source's hash, so a rebuilt bundle never runs stale code. Node 20 has
 * none and compiles as usual.
 */
const { existsSync } = require('node:fs');
const nodeModule = require('node:module');
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'robo.cjs');
if (!existsSync(bundle)) {
  console.error('✖ : robo is not built yet: run `npm run build` in the robo folder first.');
  process.exit(1);
}
if (nodeModule.enableCompileCache) {
  const xdg = process.env.XDG_CACHE_HOME;
  const cacheHome =
    xdg && path.isAbsolute(xdg) ? xdg : path.join(process.env.HOME || require('node:os').homedir(), '.cache');
  nodeModule.enableCompileCache(path.join(cacheHome, 'robo', 'compile-cache'));
}
require(bundle);
