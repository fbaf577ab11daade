/**
 * moto's server (the Python AWS mock: IAM, STS) on a free loopback port, for
 * the tests that read robo's output with a real AWS API. moto_server.py
 * loads only the AWS managed policies it is told to (it says why).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { python } from './botocore.js';
import { freePort } from './git.js';

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/moto-api/`, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

/** `policies`: the names of the AWS managed policies moto must know (arn:aws:iam::aws:policy/NAME). */
export async function startMoto(env: NodeJS.ProcessEnv, policies: readonly string[] = []): Promise<Moto> {
  const port = await freePort();
  const moto = spawn(
    python(),
    [path.join(import.meta.dirname, 'moto_server.py'), '-H', '127.0.0.1', '-p', String(port)],
    {
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        ROBO_MOTO_POLICIES: policies.join(','),
      },
      stdio: 'ignore',
    },
  );
  const stop = async () => {
    if (moto.exitCode !== null || moto.signalCode !== null) return;
    const exited = new Promise((resolve) => moto.once('exit', resolve));
    moto.kill('SIGTERM');
    await exited;
  };
  // Bounded wait for the port (at most ~20 s: moto imports a lot on a busy machine).
  for (let attempt = 0; attempt < 80; attempt += 1) {
    if (await listening(port)) return { endpoint: `http://127.0.0.1:${port}`, stop };
    if (moto.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error('moto server did not start');
}
