/**
 * Fault injection: robo killed with SIGKILL at random moments, again and
 * again, on one config with user content, alternating teams and a git source.
 * After every kill the config holds exactly one complete state (old or new),
 * every backup is complete, and a final undisturbed run succeeds (no lock or
 * half-made clone left blocking it).
 *
 * `npm test` runs a short loop; `npm run test:faults` runs hundreds
 * (ROBO_FAULT_ITERATIONS, ROBO_FAULT_SEED to replay a failure).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithBotocore } from './helpers/botocore.js';
import { fileUrl, makeDotfilesRepo } from './helpers/git.js';
import { projectRoot, roboBin, runRobo } from './helpers/robo.js';
import { makeSandbox } from './helpers/sandbox.js';
import { seededRandom } from '../src/nightly/time.js';

const ITERATIONS = Number(process.env.ROBO_FAULT_ITERATIONS ?? 12);
const SEED = Number(process.env.ROBO_FAULT_SEED ?? 20261121);

const USER_FILE =
  '# mine\n[default]\nregion = eu-north-1\n\n[profile mine]\nrole_arn = arn:aws:iam::123456789012:role/me\nsource_profile = default\n';
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');

function runAndKill(args: string[], env: NodeJS.ProcessEnv, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [roboBin, ...args], { env, cwd: env.HOME, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('SIGKILL at random moments', () => {
  const box = makeSandbox();
  afterAll(() => box.cleanup());

  it(
    `${ITERATIONS} killed runs leave only complete configs and complete backups (seed ${SEED})`,
    async () => {
      const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
      const env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
      mkdirSync(path.dirname(box.awsConfig), { recursive: true });
      writeFileSync(box.awsConfig, USER_FILE);
      const valid = new Set([USER_FILE, snapshot('platform') + USER_FILE, snapshot('foundation') + USER_FILE]);
      const next = seededRandom(SEED);
      for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
        const team = iteration % 2 === 0 ? 'platform' : 'foundation';
        // A warm run takes about 100 ms (the first, which clones, a few hundred):
        // most of it is start-up and git; the write is a few ms near the end.
        const delay = Math.floor(next() * 250);
        await runAndKill(['aws.config', '--team', team, '--quiet'], env, delay);
        const content = readFileSync(box.awsConfig, 'utf8');
        expect(
          valid.has(content),
          `iteration ${iteration} (kill after ${delay} ms, seed ${SEED}): config is not a complete state`,
        ).toBe(true);
        const backups = existsSync(box.backupDir)
          ? readdirSync(box.backupDir).filter((name) => /^awsconfig-[0-9a-f]{32}$/.test(name))
          : [];
        for (const backup of backups) {
          expect(
            valid.has(readFileSync(path.join(box.backupDir, backup), 'utf8')),
            `iteration ${iteration}: backup ${backup} is incomplete`,
          ).toBe(true);
        }
      }
      // Nothing a killed run left behind (a stale lock, git lock files, a half clone) blocks the next run.
      // Two teams in turn: at least one of the two runs writes.
      expect((await runRobo(['aws.config', '--team', 'foundation'], { env, timeoutMs: 60_000 })).code).toBe(0);
      const final = await runRobo(['aws.config', '--team', 'platform'], { env, timeoutMs: 60_000 });
      expect(final.stderr).toBe('');
      expect(final.code).toBe(0);
      expect(readFileSync(box.awsConfig, 'utf8')).toBe(snapshot('platform') + USER_FILE);
      // Killed writes leave only robo's own temp names beside the config (a later write removes them once a minute old).
      for (const name of readdirSync(path.dirname(box.awsConfig)).filter((entry) => entry !== 'config'))
        expect(name).toMatch(/^\.config\.robo-[0-9a-f]{16}\.tmp$/);
      expect(loadWithBotocore(box.awsConfig).profiles.mine?.role_arn).toBe('arn:aws:iam::123456789012:role/me');
    },
    Math.max(60_000, ITERATIONS * 4_000),
  );
});
