#!/usr/bin/env node
// robo's executable: loads the bundled CLI built by `npm run build` (npm ci runs it).
try {
  await import('../dist/robo.mjs');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/robo.mjs')) {
    console.error('✖ : robo is not built yet: run `npm ci` (or `npm run build`) in the robo folder first.');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
