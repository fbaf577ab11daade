/**
 * src/generated/validators.d.cts is written by hand and committed (tsc must
 * pass on a fresh clone, before the build generates validators.cjs): it must
 * name exactly the validators that scripts/gen-validators.mjs generates.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from './helpers/robo.js';

const folder = path.join(projectRoot, 'src', 'generated');

it('the committed declaration names exactly the generated validators, each a function', () => {
  // The global setup has built robo, which generates validators.cjs first.
  const generated = createRequire(import.meta.url)(path.join(folder, 'validators.cjs')) as Record<string, unknown>;
  const declaration = readFileSync(path.join(folder, 'validators.d.cts'), 'utf8');
  const declared = /declare const validators: \{([^}]*)\}/.exec(declaration)?.[1];
  expect(declared).toBeDefined();
  const names = [...declared!.matchAll(/(\w+): ValidateFunction/g)].map((match) => match[1]!);
  expect(names.length).toBeGreaterThan(0);
  expect(Object.keys(generated).sort()).toEqual([...names].sort());
  for (const name of names) expect(typeof generated[name]).toBe('function');
});
