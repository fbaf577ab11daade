// The end-to-end tests run the built artefact (dist/), not the sources: make
// sure it exists and is not older than the sources it was built from. Also the
// run's folder for the moto server its files share (moto.ts), stopped here, and
// the run's temp folder on tmpfs where there is one (see tmpRoot).
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * Every test's temp folders (os.tmpdir(), which git and robo's children read
 * from $TMPDIR too) go under one folder of this run, on /dev/shm where that is
 * a tmpfs the tests can use: writable, at least 1 GiB free, and not mounted
 * noexec (the tests run scripts from their folders; Docker's default /dev/shm
 * is noexec and 64 MB). The tests make and remove thousands of small files
 * (git repositories, clones, configs); on the ext4 /tmp of the 2-core machines
 * that was a fifth of the suite's system time (vitest time 93 s -> 83 s). The
 * workers are forked after this runs and inherit $TMPDIR.
 */
function tmpRoot(): string {
  let run: string | undefined;
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize >= 2 ** 30) {
      run = mkdtempSync('/dev/shm/robo-tests-');
      const probe = path.join(run, 'probe.sh');
      writeFileSync(probe, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      execFileSync(probe, { stdio: 'ignore' });
      rmSync(probe);
      return run;
    }
  } catch {
    // no usable tmpfs here: the system's temp folder
    if (run) rmSync(run, { recursive: true, force: true });
  }
  return mkdtempSync(path.join(os.tmpdir(), 'robo-tests-'));
}

export default function setup(project: TestProject): () => void {
  const bundle = path.join(root, 'dist', 'robo.cjs');
  const stale =
    !existsSync(bundle) ||
    statSync(bundle).mtimeMs < Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'schemas')));
  if (stale) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const tmp = tmpRoot();
  process.env.TMPDIR = tmp;
  const motoDir = mkdtempSync(path.join(tmp, 'robo-moto-'));
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
    rmSync(tmp, { recursive: true, force: true });
  };
}
