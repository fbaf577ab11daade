// The end-to-end tests run the built artefact (dist/), not the sources: make
// sure it exists and is not older than the sources it was built from. Also the
// run's folder for the moto server its files share (moto.ts), stopped here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder for this run; the shared moto's pid and endpoint are written in it (moto.ts). */
    motoDir: string;
  }
}

const root = path.resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

export default function setup(project: TestProject): () => void {
  const bundle = path.join(root, 'dist', 'robo.cjs');
  const stale =
    !existsSync(bundle) ||
    statSync(bundle).mtimeMs < Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'schemas')));
  if (stale) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const motoDir = mkdtempSync(path.join(os.tmpdir(), 'robo-moto-'));
  project.provide('motoDir', motoDir);
  return () => {
    const pid = existsSync(path.join(motoDir, 'pid')) ? Number(readFileSync(path.join(motoDir, 'pid'), 'utf8')) : 0;
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(motoDir, { recursive: true, force: true });
  };
}
