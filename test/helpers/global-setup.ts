// The end-to-end tests run the built artefact (dist/), not the sources: make
// sure it exists and is not older than the sources it was built from.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

export default function setup(): void {
  const bundle = path.join(root, 'dist', 'robo.cjs');
  const stale =
    !existsSync(bundle) ||
    statSync(bundle).mtimeMs < Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'schemas')));
  if (stale) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
