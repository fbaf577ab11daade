/**
 * moto's server (the Python AWS mock: IAM, STS) on a free loopback port, for
 * the tests that read robo's output with a real AWS API. One server for the
 * whole run, started by the first file that asks (importing moto is ~1.7 s of
 * CPU) and stopped by global-setup.ts; moto_server.py says what it changes
 * so that files can share it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { python } from './botocore.js';
import { freePort } from './git.js';

async function listening(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The shared moto's endpoint (http://127.0.0.1:PORT), started here if no file of this run has yet. */
export async function sharedMoto(): Promise<string> {
  const dir = inject('motoDir');
  const endpointFile = path.join(dir, 'endpoint');
  try {
    mkdirSync(path.join(dir, 'started')); // atomic: one file of the run wins
    const port = await freePort();
    const moto = spawn(
      python(),
      [path.join(import.meta.dirname, 'moto_server.py'), '-H', '127.0.0.1', '-p', String(port)],
      {
        env: { ...process.env, HOME: dir, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
        stdio: 'ignore',
      },
    );
    moto.unref(); // this worker may end first: global-setup.ts stops it by its pid
    writeFileSync(path.join(dir, 'pid'), String(moto.pid));
    writeFileSync(endpointFile, `http://127.0.0.1:${port}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Bounded wait for the port (at most ~20 s: moto imports a lot on a busy machine).
  for (let attempt = 0; attempt < 80; attempt += 1) {
    const endpoint = readOr(endpointFile);
    if (endpoint !== undefined && (await listening(endpoint))) return endpoint;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('moto server did not start');
}
