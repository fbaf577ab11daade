/**
 * The code cache bin/robo.cjs hands to V8 (recorded by the build): V8 takes
 * it for this bundle, and a cache that belongs to other bytes is never used,
 * even where V8 itself would take it (V8 compares only the source's length).
 */
import { cpSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { wrap } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { projectRoot, runRoboBinary } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const bundle = path.join(projectRoot, 'dist', 'robo.cjs');

describe('code cache', () => {
  it.each(['aws.config', 'default'])('the build recorded a %s cache that V8 accepts for this bundle', (name) => {
    const bundled = readFileSync(bundle);
    const data = readFileSync(`${bundle}.${name}.cache`);
    // The cache starts with the bundle it was made from.
    expect(data.subarray(0, bundled.length).equals(bundled)).toBe(true);
    const script = new Script(wrap(bundled.toString('latin1')), {
      filename: bundle,
      cachedData: data.subarray(bundled.length),
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('the build id is in the banner and in the code (robo keys its caches of results on it)', () => {
    const source = readFileSync(bundle, 'latin1');
    const id = /^\/\* robo build ([0-9a-f]{16}) \*\//.exec(source)?.[1];
    expect(id).toBeDefined();
    expect(source.split(id!).length - 1).toBeGreaterThanOrEqual(2);
  });

  it('an edited bundle gets no cache, whatever its timestamps (npm pack sets them all alike)', async () => {
    const box = sandbox();
    const root = path.join(box.root, 'robo');
    for (const entry of ['bin', 'dist', 'package.json', 'organization.json', 'teams'])
      cpSync(path.join(projectRoot, entry), path.join(root, entry), { recursive: true });
    const copy = path.join(root, 'dist', 'robo.cjs');
    const source = readFileSync(copy, 'latin1');
    expect(source.split('already up to date')).toHaveLength(2);
    // The same length, other bytes: V8 alone would take the old cache and run the old code.
    writeFileSync(copy, source.replace('already up to date', 'ALREADY UP TO DATE'), 'latin1');
    const packed = new Date('1985-10-26T08:15:00Z');
    for (const name of readdirSync(path.join(root, 'dist'))) utimesSync(path.join(root, 'dist', name), packed, packed);

    const run = () =>
      runRoboBinary(['aws.config', '--team', 'platform'], { env: box.env, bin: path.join(root, 'bin', 'robo.cjs') });
    expect((await run()).code).toBe(0);
    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('ALREADY UP TO DATE');
  });
});
