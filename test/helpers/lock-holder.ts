/**
 * Another process that holds one of robo's locks, through robo's own lock
 * code (src/system/lock.ts bundled with esbuild): a live holder, or, once
 * killed, a dead one that left its lock behind.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { projectRoot } from './robo.js';

export interface LockHolder {
  pid: number;
  /** SIGKILL, resolved once the process is gone: its lock stays behind. */
  kill(): Promise<void>;
}

const ENTRY = `
import { acquireLock } from './src/system/lock.ts';
acquireLock(process.argv[2], 'the test').then(() => {
  process.stdout.write('held\\n');
  setInterval(() => {}, 1000);
});
`;

/** Start a process that takes the lock `file` (as acquireLock names it) and keeps it; resolves once it holds it. */
export function holdLockInChild(file: string, workDir: string): Promise<LockHolder> {
  const script = path.join(workDir, 'hold-lock.cjs');
  buildSync({
    stdin: { contents: ENTRY, resolveDir: projectRoot, loader: 'ts', sourcefile: 'hold-lock.ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: script,
    logLevel: 'silent',
  });
  const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the lock holder did not take the lock within 10 s'));
    }, 10_000);
    child.on('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('held')) return;
      clearTimeout(timer);
      resolve({
        pid: child.pid!,
        kill: () => {
          child.kill('SIGKILL');
          return exited;
        },
      });
    });
  });
}
