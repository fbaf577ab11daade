/**
 * A throwaway home for one test: HOME, XDG dirs, the backup dir and (by
 * default) AWS_CONFIG_FILE all inside a temp folder, so no test can touch the
 * machine's real ~/.aws or ~/.cache.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import os from 'node:os';
import path from 'node:path';

export interface Sandbox {
  root: string;
  home: string;
  cacheDir: string;
  stateDir: string;
  backupDir: string;
  /** ~/.aws/config inside the sandbox's home. */
  awsConfig: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Variables from the outer environment that tests keep (the rest is dropped). */
const KEEP = ['PATH', 'GIT_SSL_CAINFO', 'NODE_EXTRA_CA_CERTS', 'SYSTEMROOT', 'TMPDIR'];

export function makeSandbox(extra: NodeJS.ProcessEnv = {}): Sandbox {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'robo-test-')));
  const home = path.join(root, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {};
  for (const key of KEEP) if (process.env[key] !== undefined) env[key] = process.env[key];
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    ROBO_BACKUP_DIR: path.join(root, 'backups'),
    GIT_CONFIG_NOSYSTEM: '1',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    // Node 22.1+ would keep robo's compiled code under XDG_CACHE_HOME (bin/robo.cjs), which the
    // tests that check a run wrote nothing would see; compile-cache.test.ts turns it back on.
    NODE_DISABLE_COMPILE_CACHE: '1',
    ...extra,
  });
  return {
    root,
    home,
    cacheDir: path.join(home, '.cache', 'robo'),
    stateDir: path.join(home, '.local', 'state', 'robo'),
    backupDir: path.join(root, 'backups'),
    awsConfig: path.join(home, '.aws', 'config'),
    env,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * For a test file: `const sandbox = sandboxes();` then `sandbox({...})` in a
 * test gives a fresh sandbox, removed after that test.
 */
export function sandboxes(): (extra?: NodeJS.ProcessEnv) => Sandbox {
  const made: Sandbox[] = [];
  afterEach(() => {
    for (const box of made.splice(0)) box.cleanup();
  });
  return (extra = {}) => {
    const box = makeSandbox(extra);
    made.push(box);
    return box;
  };
}
