/**
 * The code cache bin/robo.cjs hands to V8 (recorded by the build): V8 takes
 * it for this bundle, and a cache that belongs to other bytes is never used,
 * even where V8 itself would take it (V8 compares only the source's length).
 */
import { cpSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { wrap } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { projectRoot, runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const bundle = path.join(projectRoot, 'dist', 'robo.cjs');

describe('code cache', () => {
  it.each(['aws.config', 'default'])('the build recorded a %s cache that V8 accepts for this bundle', (name) => {
    const source = readFileSync(bundle, 'utf8');
    const id = /^\/\* robo build (\w+) \*\//.exec(source)?.[1];
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const data = readFileSync(`${bundle}.${name}.cache`);
    const header = `robo build ${id}\n`;
    expect(data.subarray(0, header.length).toString()).toBe(header);
    const script = new Script(wrap(source), { filename: bundle, cachedData: data.subarray(header.length) });
    expect(script.cachedDataRejected).toBe(false);
  });

  /** A copy of the package whose bundle says "ALREADY UP TO DATE": the same length, other bytes. */
  function editedCopy(root: string) {
    for (const entry of ['bin', 'dist', 'package.json', 'organization.json', 'teams']) {
      cpSync(path.join(projectRoot, entry), path.join(root, entry), { recursive: true, preserveTimestamps: true });
    }
    const copy = path.join(root, 'dist', 'robo.cjs');
    const source = readFileSync(copy, 'utf8');
    expect(source.split('already up to date')).toHaveLength(2);
    return { copy, source: source.replace('already up to date', 'ALREADY UP TO DATE') };
  }

  async function upToDateMessage(root: string, env: NodeJS.ProcessEnv) {
    const run = () => runRobo(['aws.config', '--team', 'platform'], { env, bin: path.join(root, 'bin', 'robo.cjs') });
    expect((await run()).code).toBe(0);
    const second = await run();
    expect(second.code).toBe(0);
    return second.stdout;
  }

  it('is not used when the bundle is newer than the cache (an edited dist/robo.cjs)', async () => {
    const box = sandbox();
    const { copy, source } = editedCopy(path.join(box.root, 'robo'));
    writeFileSync(copy, source);
    expect(await upToDateMessage(path.join(box.root, 'robo'), box.env)).toContain('ALREADY UP TO DATE');
  });

  it('is not used with a bundle of another build, even when it looks newer', async () => {
    const box = sandbox();
    const { copy, source } = editedCopy(path.join(box.root, 'robo'));
    writeFileSync(copy, source.replace(/^\/\* robo build (\w+)/, '/* robo build 0000000000000000'));
    const future = new Date(Date.now() + 60_000);
    for (const name of ['aws.config', 'default']) utimesSync(`${copy}.${name}.cache`, future, future);
    expect(await upToDateMessage(path.join(box.root, 'robo'), box.env)).toContain('ALREADY UP TO DATE');
  });
});
