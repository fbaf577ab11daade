/**
 * bin/robo.cjs and Node's compile cache: where Node has one (22.1+), V8's
 * compiled code goes under robo's cache folder and nowhere else; Node 20
 * runs without; an edited bundle never runs the code cached for the old one.
 * The suite runs on Node 20 and 24 (.ci/run), so each branch is exercised.
 */
import { cpSync, existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runRoboBinary } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const boxes = sandboxes();
/** A sandbox with Node's compile cache on: every other test turns it off (helpers/sandbox.ts). */
const sandbox = () => {
  const box = boxes();
  delete box.env.NODE_DISABLE_COMPILE_CACHE;
  return box;
};
const bundle = path.join(projectRoot, 'dist', 'robo.cjs');
// Not in @types/node 20: Node 22.1 added it.
const hasCompileCache = 'enableCompileCache' in nodeModule;

/** Every file under dir, relative to it; [] when dir is missing. */
const filesUnder = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    : [];

describe('compile cache', () => {
  it(`${hasCompileCache ? 'is kept under $XDG_CACHE_HOME/robo/compile-cache' : 'is not used on this Node'} (${process.version})`, async () => {
    const box = sandbox();
    const result = await runRoboBinary(['--version'], { env: box.env });
    expect(result.code).toBe(0);
    const cache = path.join(box.env.XDG_CACHE_HOME!, 'robo', 'compile-cache');
    expect(filesUnder(cache).length > 0).toBe(hasCompileCache);
    // Nothing anywhere else in the sandbox: not in HOME's default cache, not beside the bundle.
    expect(filesUnder(box.root).filter((file) => !path.join(box.root, file).startsWith(cache))).toEqual([]);
    expect(readdirSync(path.dirname(bundle)).sort()).toEqual(['robo.cjs', 'robo.cjs.map', 'vendor']);
  });

  it.runIf(hasCompileCache)(
    'a relative XDG_CACHE_HOME is ignored, as src/paths.ts ignores it: ~/.cache/robo',
    async () => {
      const box = sandbox();
      const result = await runRoboBinary(['--version'], { env: { ...box.env, XDG_CACHE_HOME: 'relative/cache' } });
      expect(result.code).toBe(0);
      expect(filesUnder(path.join(box.env.HOME!, '.cache', 'robo', 'compile-cache')).length).toBeGreaterThan(0);
      expect(existsSync(path.join(box.env.HOME!, 'relative'))).toBe(false);
    },
  );

  it('the build id is in the banner and in the code (robo keys its caches of results on it)', () => {
    const source = readFileSync(bundle, 'utf8');
    const id = /^\/\* robo build ([0-9a-f]{16}) \*\//.exec(source)?.[1];
    expect(id).toBeDefined();
    expect(source.split(id!).length - 1).toBeGreaterThanOrEqual(2);
  });

  it('an edited bundle runs the edited code, whatever its timestamps (npm pack sets them all alike)', async () => {
    const box = sandbox();
    const root = path.join(box.root, 'robo');
    for (const entry of ['bin', 'dist', 'package.json', 'organization.json', 'teams'])
      cpSync(path.join(projectRoot, entry), path.join(root, entry), { recursive: true });
    const copy = path.join(root, 'dist', 'robo.cjs');
    const run = () =>
      runRoboBinary(['aws.config', '--team', 'platform'], { env: box.env, bin: path.join(root, 'bin', 'robo.cjs') });
    // Two runs: the first compiles and caches, the second runs from the cache.
    expect((await run()).code).toBe(0);
    expect((await run()).stdout).toContain('already up to date');

    const source = readFileSync(copy, 'utf8');
    expect(source.split('already up to date')).toHaveLength(2);
    // The same length, other bytes.
    writeFileSync(copy, source.replace('already up to date', 'ALREADY UP TO DATE'));
    const packed = new Date('1985-10-26T08:15:00Z');
    for (const name of readdirSync(path.join(root, 'dist'))) utimesSync(path.join(root, 'dist', name), packed, packed);
    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('ALREADY UP TO DATE');
  });
});
