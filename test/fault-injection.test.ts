/**
 * Fault injection: robo killed with SIGKILL again and again, on one config
 * with user content, alternating teams and a git source. Half of the kills
 * come at random moments (start-up, git, the lock, the plan), half as soon as
 * robo reports its backup complete, to land between backup and rename. robo
 * says where it was through a test-only log ($ROBO_TEST_LOG, written by
 * src/apply/apply.ts): "backed up", then "renamed". The test requires at
 * least one kill between the two, and after every kill the config holds the
 * old bytes or the new ones exactly, a kill after the backup left a complete
 * backup of the old bytes, and a final undisturbed run succeeds (no lock or
 * half-made clone left blocking it).
 *
 * `npm test` runs a short loop (4 runs, more until a kill lands between
 * backup and rename); `npm run test:faults` runs hundreds
 * (ROBO_FAULT_ITERATIONS, ROBO_FAULT_SEED to replay a failure).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithBotocore } from './helpers/botocore.js';
import { fileUrl, makeDotfilesRepo } from './helpers/git.js';
import { projectRoot, roboBin, runRobo } from './helpers/robo.js';
import { makeSandbox } from './helpers/sandbox.js';
import { seededRandom } from '../src/nightly/job.js';

/**
 * `npm test`'s default, 4: two kills at random moments (start-up: the old bytes stay), then one
 * as soon as the backup is complete for each team. A kill that comes too late for the rename
 * adds runs (MAX_EXTRA) until one lands, so 4 proves the claims every time.
 */
const ITERATIONS = Number(process.env.ROBO_FAULT_ITERATIONS ?? 4);
const SEED = Number(process.env.ROBO_FAULT_SEED ?? 20261121);
/** Runs added, beyond ITERATIONS, while no kill has landed between backup and rename yet. */
const MAX_EXTRA = 40;

const USER_FILE =
  '# mine\n[default]\nregion = eu-north-1\n\n[profile mine]\nrole_arn = arn:aws:iam::123456789012:role/me\nsource_profile = default\n';
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');

/** When to kill: after a delay, or as soon as the fault log says the backup is complete. */
type KillAt = { afterMs: number } | { backedUp: true };

/** Run robo and SIGKILL it; resolves with the steps it logged and whether the kill was needed (it had not exited). */
function runAndKill(
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
  at: KillAt,
): Promise<{ steps: string[]; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [roboBin, ...args], {
      env: { ...env, ROBO_TEST_LOG: log },
      cwd: env.HOME,
      stdio: 'ignore',
    });
    const kill = () => child.kill('SIGKILL');
    // The log's folder holds only this run's log: any change in it is robo writing a step.
    const watcher =
      'backedUp' in at
        ? watch(path.dirname(log), () => {
            if (readFileSync(log, 'utf8').includes('backed up')) kill();
          })
        : undefined;
    // Bounded either way: a run that never reaches the backup is killed anyway.
    const timer = setTimeout(kill, 'afterMs' in at ? at.afterMs : 20_000);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      const steps = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      resolve({ steps, killed: signal === 'SIGKILL' });
    });
  });
}

/**
 * The locks a killed run left in robo's cache, dated back past the stale time (2 s, the least
 * proper-lockfile allows): what the next run would otherwise sit waiting for. The run is dead
 * (it exited), so no live run holds them; taking over a stale lock is the point of
 * lock.test.ts, and the next run here still has to.
 */
function ageLocksLeftBy(cacheDir: string): void {
  const locks = path.join(cacheDir, 'locks');
  if (!existsSync(locks)) return;
  const past = new Date(Date.now() - 10_000);
  for (const name of readdirSync(locks).filter((entry) => entry.endsWith('.lock')))
    utimesSync(path.join(locks, name), past, past);
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
      let landed = 0;
      for (
        let iteration = 0;
        iteration < ITERATIONS || (landed === 0 && iteration < ITERATIONS + MAX_EXTRA);
        iteration += 1
      ) {
        const team = iteration % 2 === 0 ? 'platform' : 'foundation';
        const before = readFileSync(box.awsConfig, 'utf8');
        const after = snapshot(team) + USER_FILE;
        const logDir = path.join(box.root, 'faults', String(iteration));
        mkdirSync(logDir, { recursive: true });
        // A warm run takes about 100 ms (the first, which clones, a few hundred):
        // most of it is start-up and git; the write is a few ms near the end.
        const at: KillAt = iteration % 4 < 2 ? { afterMs: Math.floor(next() * 250) } : { backedUp: true };
        const { steps, killed } = await runAndKill(
          ['aws.config', '--team', team, '--quiet'],
          env,
          path.join(logDir, 'steps.log'),
          at,
        );
        const label = `iteration ${iteration} (kill ${JSON.stringify(at)}, steps ${JSON.stringify(steps)}, seed ${SEED})`;
        const content = readFileSync(box.awsConfig, 'utf8');
        // The old bytes or the new ones, exactly; once renamed, the new ones; before the backup, the old ones.
        expect([before, after], `${label}: config is not a complete state`).toContain(content);
        if (steps.includes('renamed')) expect(content, label).toBe(after);
        if (!steps.includes('backed up')) expect(content, label).toBe(before);
        const backups = existsSync(box.backupDir)
          ? readdirSync(box.backupDir).filter((name) => /^awsconfig-[0-9a-f]{32}$/.test(name))
          : [];
        const backedUp = backups.map((backup) => readFileSync(path.join(box.backupDir, backup), 'utf8'));
        for (const [index, bytes] of backedUp.entries())
          expect(valid.has(bytes), `${label}: backup ${backups[index]} is incomplete`).toBe(true);
        if (steps.includes('backed up'))
          expect(backedUp, `${label}: no complete backup of the old config`).toContain(before);
        if (killed && steps.includes('backed up') && !steps.includes('renamed')) landed += 1;
        if (killed) ageLocksLeftBy(box.cacheDir);
      }
      // The loop is only worth something if kills landed while the config was being written.
      expect(landed, 'kills that landed between backup and rename').toBeGreaterThan(0);
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
    Math.max(60_000, (ITERATIONS + MAX_EXTRA) * 4_000),
  );
});
