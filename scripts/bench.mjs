#!/usr/bin/env node
// Benchmark harness (`npm run bench`): how long a whole `robo` process takes,
// against the floor any git-based tool pays (start node, fetch the repo), on
// synthetic organisations of 10, 100 and 1,000 accounts and user configs of
// 0, 2,000 and 20,000 lines. Writes BENCHMARKS.md at the repo root.
//
//   node scripts/bench.mjs            full run (7 samples, every size; a few minutes on 2 cores)
//   node scripts/bench.mjs --quick    smoke run (3 samples, smallest and largest sizes only)
//   options: --out FILE (default BENCHMARKS.md), --keep (keep the temp folder), --help
//   env: BENCH_SAMPLES (samples per case), BENCH_WARMUP (warm-up runs per case),
//        BENCH_TIMEOUT (total budget in seconds; cases not started by then are reported as skipped)
//
// Plain Node 20 ESM with built-ins only. Every run is a whole process, timed
// with process.hrtime.bigint() from spawn() to its 'exit' event; hyperfine is
// not needed. Everything lives under one folder in os.tmpdir(), removed at the
// end: the organisations (git repos committed with fixed authors and dates,
// served to robo over file://), and one sandbox per case with its own HOME,
// XDG_CONFIG_HOME, XDG_CACHE_HOME, AWS_CONFIG_FILE and ROBO_BACKUP_DIR, so
// the real home is never read or written.
//
// Peak memory: Node has no getrusage(RUSAGE_CHILDREN), and a parent's own
// process.resourceUsage().maxRSS after spawnSync() does not include the child
// (checked: a child that allocates 300 MB leaves the parent's maxRSS at
// ~42 MB). So robo is run once with `--import` of a tiny hook that records
// process.resourceUsage().maxRSS of robo's own process at 'exit'; when
// /usr/bin/time exists, the same run goes through `/usr/bin/time -f %M`
// too (the largest of robo and the git processes it waited for).
//
// Without git on PATH the organisations are plain folders read with
// `--repo DIR`, the floor is `node -e 0` alone and the report says so.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** bin/robo.cjs of a copy of bin/ and dist/ taken at the start (see snapshotBuild). */
let ROBO = path.join(ROOT, 'bin', 'robo.cjs');
const NODE = process.execPath;

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`usage: node scripts/bench.mjs [--quick] [--out FILE] [--keep]
  --quick   3 samples, orgs of 10 and 1,000 accounts, configs of 0 and 20,000 lines
  --out     where to write the report (default: BENCHMARKS.md at the repo root)
  --keep    keep the temp folder (organisations, sandboxes, CPU profile)
env: BENCH_SAMPLES, BENCH_WARMUP, BENCH_TIMEOUT (seconds)
`);
  process.exit(0);
}
for (const arg of argv) {
  if (!['--quick', '--keep', '--out'].includes(arg) && argv[argv.indexOf(arg) - 1] !== '--out') {
    console.error(`bench: unknown argument ${arg} (see --help)`);
    process.exit(2);
  }
}
const QUICK = argv.includes('--quick');
const KEEP = argv.includes('--keep');
const OUT = argv.includes('--out')
  ? path.resolve(argv[argv.indexOf('--out') + 1] ?? 'BENCHMARKS.md')
  : path.join(ROOT, 'BENCHMARKS.md');
const SAMPLES = positiveInt('BENCH_SAMPLES', QUICK ? 3 : 7);
const WARMUP = positiveInt('BENCH_WARMUP', 1, true);
const BUDGET_S = positiveInt('BENCH_TIMEOUT', QUICK ? 150 : 540);
/** One process may take this long before it is killed and its case marked failed. */
const PROCESS_TIMEOUT_MS = 60_000;

/**
 * @typedef {{ id: string, accounts: number, teams: number, bigProfiles: number, dir?: string, repo?: string }} Org
 * dir and repo are set once the organisation is written (main).
 */
/** Organisations: accounts and teams grow together; "big" has 2 profiles per account. @type {Org[]} */
const ORGS = (
  QUICK
    ? [
        [10, 10],
        [1000, 500],
      ]
    : [
        [10, 10],
        [100, 100],
        [1000, 500],
      ]
).map(([accounts, teams]) => ({
  id: `a${accounts}-t${teams}`,
  accounts,
  teams,
  bigProfiles: 2 * accounts + 1, // + the hub profile
}));
const CONFIG_LINES = QUICK ? [0, 20_000] : [0, 2_000, 20_000];
const LARGEST_ORG = ORGS[ORGS.length - 1];
const LARGEST_CONFIG = CONFIG_LINES[CONFIG_LINES.length - 1];
const TYPICAL_CONFIG = QUICK ? LARGEST_CONFIG : 2_000;

function positiveInt(name, fallback, zeroOk = false) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1)) {
    console.error(
      `bench: ${name} must be a ${zeroOk ? 'non-negative' : 'positive'} integer (got ${JSON.stringify(raw)})`,
    );
    process.exit(2);
  }
  return value;
}

// ---------------------------------------------------------------- progress, budget, clean-up

const started = process.hrtime.bigint();
const LOAD_AT_START = os
  .loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const deadline = Date.now() + BUDGET_S * 1000;
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
const progress = (message) => process.stderr.write(`[bench ${elapsed().toFixed(1).padStart(6)}s] ${message}\n`);
const overBudget = () => Date.now() > deadline;

const children = new Set();
let TMP;
function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  if (TMP && !KEEP) rmSync(TMP, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    progress(`${signal}: stopping, removing ${TMP ?? 'nothing'}`);
    cleanUp();
    process.exit(130);
  });
}
// Hard stop: the soft budget skips cases not yet started; this ends a case that hangs.
const hardStop = setTimeout(
  () => {
    progress(`hard time limit (${BUDGET_S + 120} s) reached: giving up`);
    cleanUp();
    process.exit(1);
  },
  (BUDGET_S + 120) * 1000,
);
hardStop.unref();

// ---------------------------------------------------------------- processes

/**
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null, error?: Error, ms: number, output: string }} ProcessResult
 */

/**
 * Run one process; resolve with its exit code and wall time in ms (spawn to
 * 'exit'). Output is kept (the tail) only to explain a failure.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<ProcessResult>}
 */
function runProcess(command, args, { cwd = ROOT, env, timeoutMs = PROCESS_TIMEOUT_MS } = {}) {
  return new Promise((resolve) => {
    let settled = false;
    let output = '';
    /** @type {bigint | undefined} */
    let end;
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-3000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      children.delete(child);
      resolve({ ...result, ms: Number((end ?? process.hrtime.bigint()) - start) / 1e6, output });
    };
    child.on('exit', () => {
      end = process.hrtime.bigint();
    });
    child.on('error', (error) => finish({ code: null, signal: null, error }));
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

function describeFailure(step, result) {
  const how = result.error
    ? String(result.error.message)
    : result.signal
      ? `killed by ${result.signal}`
      : `exit code ${result.code}`;
  const tail = result.output.trim().split('\n').slice(-6).join(' | ');
  return `${step.label ?? path.basename(step.command)} failed (${how})${tail ? `: ${tail}` : ''}`;
}

/** Synchronous helper for set-up steps (untimed); throws with git's words on failure. */
function must(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')}: ${result.error?.message ?? `exit ${result.status}`} ${result.stderr ?? ''}`.trim(),
    );
  return result.stdout;
}

function versionOf(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

// ---------------------------------------------------------------- synthetic data

const pad = (n) => String(n).padStart(4, '0');
const accountName = (i) => `acct-${pad(i)}`;
const ROLE_SUFFIXES = ['dev', 'deploy', 'read', 'admin', 'ops', 'debug'];

function organizationJson(accounts) {
  const registry = {};
  for (let i = 1; i <= accounts; i += 1) {
    const entry = { id: String(100_000_000_000 + i) };
    if (i % 10 === 0) entry.region = 'eu-west-1';
    if (i % 25 === 0) entry.description = `synthetic account ${i}`;
    registry[accountName(i)] = entry;
  }
  return {
    $schema: './schemas/organization.schema.json',
    description: `robo benchmark: ${accounts} synthetic accounts`,
    okta: { aws_saml_url: 'home/amazon_aws/0oaBENCH/272', mfa_provider: 'DUO', mfa_factor_type: 'push' },
    hub: { account: accountName(1), profile: 'hub' },
    region: 'us-west-2',
    accounts: registry,
  };
}

function bigTeamJson(hubRole) {
  return {
    $schema: '../schemas/team.schema.json',
    description: 'every account, read and admin',
    hub_role: hubRole,
    profiles: [
      { name: '{account}-read', account: '*', role: 'ReadOnly' },
      { name: '{account}-admin', account: '*', role: 'Admin' },
    ],
  };
}

/** A spoke team: 3 to 6 profiles in accounts spread over the organisation. */
function spokeTeamJson(index, accounts) {
  const count = 3 + (index % 4);
  const profiles = [];
  for (let n = 0; n < count; n += 1) {
    const account = accountName(1 + ((index * 7 + n * 13) % accounts));
    const profile = { name: `${account}-${ROLE_SUFFIXES[n]}`, account, role: `team-${pad(index)}-${ROLE_SUFFIXES[n]}` };
    if (n === 2) profile.region = 'us-east-1';
    profiles.push(profile);
  }
  return {
    $schema: '../schemas/team.schema.json',
    description: `spoke team ${index}`,
    hub_role: `team-${pad(index)}`,
    profiles,
  };
}

/** organization.json and teams/*.json, committed as one commit with fixed author and dates. */
function writeOrganization(dir, org, gitEnv) {
  mkdirSync(path.join(dir, 'teams'), { recursive: true });
  writeFileSync(path.join(dir, 'organization.json'), `${JSON.stringify(organizationJson(org.accounts), null, 2)}\n`);
  writeFileSync(path.join(dir, 'teams', 'big.json'), `${JSON.stringify(bigTeamJson('big'), null, 2)}\n`);
  for (let index = 1; index < org.teams; index += 1) {
    writeFileSync(
      path.join(dir, 'teams', `team-${pad(index)}.json`),
      `${JSON.stringify(spokeTeamJson(index, org.accounts), null, 2)}\n`,
    );
  }
  if (!gitEnv) return;
  const git = (...args) =>
    must('git', ['-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      env: gitEnv,
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', `synthetic organisation: ${org.accounts} accounts, ${org.teams} teams`);
}

/**
 * A user's own config of exactly `lines` lines: a [default] section, then
 * [profile user-N] sections with region/output/role_arn/source_profile, some
 * mfa_serial and nested s3 settings, comments and blank lines.
 */
function userConfig(lines) {
  if (lines === 0) return '';
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
  const out = [
    '# my own profiles; robo keeps its block separate',
    '[default]',
    'region = us-east-1',
    'output = json',
    '',
  ];
  for (let n = 1; out.length < lines; n += 1) {
    const section = [];
    if (n % 10 === 1) section.push(`# --- sandbox accounts ${n} to ${n + 9} ---`);
    section.push(`[profile user-${n}]`, `region = ${regions[n % regions.length]}`, 'output = json');
    section.push(
      `role_arn = arn:aws:iam::${String(500_000_000_000 + n)}:role/developer-${n}`,
      'source_profile = default',
    );
    if (n % 7 === 0) section.push(`mfa_serial = arn:aws:iam::${String(500_000_000_000 + n)}:mfa/me`);
    if (n % 13 === 0) section.push('s3 =', '    max_concurrent_requests = 20', '    multipart_threshold = 64MB');
    if (n % 5 === 0) section.push('; temporary: remove after the migration');
    section.push('');
    if (out.length + section.length > lines) break;
    out.push(...section);
  }
  while (out.length < lines) out.push('# (end of my profiles)');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- statistics

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const stats = (values) =>
  values.length === 0
    ? undefined
    : { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };

// ---------------------------------------------------------------- cases

/**
 * Measure cases side by side: every case's setup (untimed), then WARMUP
 * rounds, then SAMPLES rounds, each round running one sample of every case in
 * turn. Interleaving spreads drifting machine load (other processes, CPU
 * frequency) over all cases alike, so their ratios stay fair. A sample is the
 * case's steps run one after the other; `prepare` and `verify` around them
 * are not timed. When the budget runs out, the rounds stop: every case keeps
 * the samples it has.
 */
async function measureAll(specs) {
  const rows = specs.map((spec) => ({
    ...spec,
    times: [],
    parts: [],
    status: spec.skip ? 'skipped' : 'ok',
    note: spec.skip,
  }));
  const active = () => rows.filter((row) => row.status === 'ok');
  const setupStart = elapsed();
  for (const row of active()) {
    try {
      if (row.setup) await row.setup();
    } catch (error) {
      row.status = 'failed';
      row.note = messageOf(error);
    }
  }
  progress(`  set-up of ${rows.length} case(s) (clones, first runs): ${(elapsed() - setupStart).toFixed(1)} s`);
  const rounds = WARMUP + SAMPLES;
  for (let round = 0; round < rounds && active().length > 0; round += 1) {
    if (overBudget()) {
      for (const row of active())
        row.note = `time budget (BENCH_TIMEOUT=${BUDGET_S}s) used up after ${row.times.length} sample(s)`;
      break;
    }
    const roundStart = elapsed();
    for (const row of active()) {
      try {
        if (row.prepare) row.prepare();
        const parts = [];
        for (const step of row.steps) {
          const result = await runProcess(step.command, step.args, step);
          if (result.code !== (step.expect ?? 0)) throw new Error(describeFailure(step, result));
          parts.push(result.ms);
        }
        if (row.verify) row.verify();
        if (round >= WARMUP) {
          row.times.push(parts.reduce((sum, part) => sum + part, 0));
          row.parts.push(parts);
        }
      } catch (error) {
        row.status = 'failed';
        row.note = messageOf(error);
      }
    }
    progress(
      `  round ${round + 1}/${rounds} (${round < WARMUP ? 'warm-up' : `sample ${round - WARMUP + 1}`}) of ${active().length} case(s): ${(elapsed() - roundStart).toFixed(1)} s`,
    );
  }
  for (const row of rows) {
    row.stats = stats(row.times);
    const summary = row.stats
      ? `median ${ms(row.stats.median)} (min ${ms(row.stats.min)}, max ${ms(row.stats.max)}, n=${row.stats.n})`
      : '';
    progress(`  ${row.label}: ${summary}${row.note ? `${summary ? '; ' : ''}${row.note}` : ''}`);
  }
  return rows;
}

function ms(value) {
  if (value === undefined) return '-';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(path.join(ROOT, 'dist', 'robo.cjs'))) {
    console.error('bench: dist/robo.cjs is missing: run `npm run build` first.');
    process.exit(1);
  }
  const staleBuild = newestMtime(path.join(ROOT, 'src')) > statSync(path.join(ROOT, 'dist', 'robo.cjs')).mtimeMs;
  if (staleBuild)
    progress('warning: src/ is newer than dist/: the numbers are for the last build (run `npm run build` first)');

  const gitVersion = versionOf('git', ['--version']);
  const haveGit = gitVersion !== undefined;
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

  TMP = mkdtempSync(path.join(os.tmpdir(), 'robo-bench-'));
  const revision = roboRevision();
  ROBO = await snapshotBuild(path.join(TMP, 'robo'));
  progress(
    `${QUICK ? 'quick run' : 'full run'}: ${SAMPLES} samples, ${WARMUP} warm-up, budget ${BUDGET_S} s, in ${TMP}${haveGit ? '' : ' (git not found: local folders, no fetch)'}`,
  );

  // Set-up git: no global or system config, fixed identity and dates, so commits are reproducible.
  const gitHome = path.join(TMP, 'git-home');
  mkdirSync(gitHome);
  const gitEnv = haveGit
    ? {
        PATH: process.env.PATH,
        HOME: gitHome,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'robo bench',
        GIT_AUTHOR_EMAIL: 'bench@robo.invalid',
        GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
        GIT_COMMITTER_NAME: 'robo bench',
        GIT_COMMITTER_EMAIL: 'bench@robo.invalid',
        GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
      }
    : undefined;

  for (const org of ORGS) {
    org.dir = path.join(TMP, 'orgs', org.id);
    org.repo = haveGit ? pathToFileURL(org.dir).href : org.dir;
    writeOrganization(org.dir, org, gitEnv);
    progress(`organisation ${org.id}: ${org.accounts} accounts, ${org.teams} teams (big: ${org.bigProfiles} profiles)`);
  }
  const configs = new Map();
  for (const lines of CONFIG_LINES) {
    const file = path.join(TMP, 'user-configs', `lines-${lines}`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, userConfig(lines));
    configs.set(lines, file);
  }

  let sandboxes = 0;
  /** A fresh HOME, XDG folders, config file and backup folder; never the real home. */
  const sandbox = (name) => {
    const dir = path.join(TMP, 'sandboxes', `${String((sandboxes += 1)).padStart(2, '0')}-${name}`);
    const env = {
      PATH: process.env.PATH,
      HOME: path.join(dir, 'home'),
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
      AWS_CONFIG_FILE: path.join(dir, 'home', '.aws', 'config'),
      ROBO_BACKUP_DIR: path.join(dir, 'backups'),
      NO_COLOR: '1',
    };
    for (const folder of [env.HOME, env.XDG_CONFIG_HOME, env.XDG_CACHE_HOME, path.dirname(env.AWS_CONFIG_FILE)])
      mkdirSync(folder, { recursive: true });
    return { dir, env, target: env.AWS_CONFIG_FILE };
  };
  const roboStep = (box, args, extra = {}) => ({
    command: NODE,
    args: [ROBO, ...args],
    env: box.env,
    label: `robo ${args[0]}`,
    ...extra,
  });
  const awsConfigArgs = (org, team) => ['aws.config', '--team', team, '--repo', org.repo];
  const fileId = (file) => {
    const info = statSync(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  };

  // The floor of an organisation: start node, then fetch the repo in a clone of it.
  const floorCase = (org) => {
    const box = sandbox(`floor-${org.id}`);
    const clone = path.join(box.dir, 'clone');
    const steps = [{ command: NODE, args: ['-e', '0'], env: box.env, label: 'node -e 0' }];
    if (haveGit)
      steps.push({
        command: 'git',
        args: ['fetch', '--depth', '1', 'origin', 'HEAD'],
        cwd: clone,
        env: box.env,
        label: 'git fetch',
      });
    return {
      id: `floor-${org.id}`,
      kind: 'floor',
      org,
      label: `floor, ${org.id}`,
      setup: () => {
        if (haveGit)
          must('git', ['clone', '-q', '--depth', '1', '--single-branch', '--no-tags', org.repo, clone], {
            env: box.env,
          });
      },
      steps,
    };
  };

  // One cell of the scaling matrix: no-change and full render of "big" for an organisation and a config size.
  const cellCases = (org, lines, team = 'big') => {
    const box = sandbox(`nochange-${org.id}-${team}-${lines}`);
    const fullBox = sandbox(`full-${org.id}-${team}-${lines}`);
    const prepared = configs.get(lines);
    const preparedSize = statSync(prepared).size;
    let before;
    const common = { org, lines, team, profiles: team === 'big' ? org.bigProfiles : undefined };
    // Warm the cache and write the config once, untimed.
    const warm = async (into) => {
      copyFileSync(prepared, into.target);
      const result = await runProcess(NODE, [ROBO, ...awsConfigArgs(org, team)], { env: into.env });
      if (result.code !== 0) throw new Error(describeFailure({ label: 'robo aws.config (set-up run)' }, result));
    };
    const noChange = {
      ...common,
      id: `nochange-${org.id}-${team}-${lines}`,
      kind: 'nochange',
      label: `robo no-change, ${org.id}, team ${team}, ${lines.toLocaleString('en')}-line config`,
      box,
      setup: async () => {
        await warm(box);
        before = fileId(box.target);
      },
      steps: [roboStep(box, awsConfigArgs(org, team))],
      verify: () => {
        if (fileId(box.target) !== before) throw new Error('a no-change run rewrote the config');
      },
    };
    const full = {
      ...common,
      id: `full-${org.id}-${team}-${lines}`,
      kind: 'full',
      label: `robo full render, ${org.id}, team ${team}, ${lines.toLocaleString('en')}-line config`,
      box: fullBox,
      setup: () => warm(fullBox),
      prepare: () => copyFileSync(prepared, fullBox.target),
      steps: [roboStep(fullBox, awsConfigArgs(org, team))],
      verify: () => {
        const size = statSync(fullBox.target).size;
        const head = readFileSync(fullBox.target, { encoding: 'latin1' }).slice(0, 40);
        if (size <= preparedSize || !head.startsWith('# >>> robo aws.config'))
          throw new Error("a full render did not write robo's block");
      },
    };
    return [noChange, full];
  };

  const shellCase = (org, preparedFile) => {
    const box = sandbox(`shell-${org.id}`);
    const clone = path.join(box.dir, 'clone');
    const script = haveGit
      ? `cd '${clone}' && git fetch -q --depth 1 origin HEAD && git reset -q --hard FETCH_HEAD && cp '${preparedFile}' '${box.target}'`
      : `cp '${preparedFile}' '${box.target}'`;
    return {
      id: `shell-${org.id}`,
      kind: 'shell',
      org,
      label: `shell baseline, ${org.id}`,
      setup: () => {
        if (!existsSync(preparedFile))
          throw new Error('no rendered config to copy (the set-up of the largest full render failed)');
        if (haveGit)
          must('git', ['clone', '-q', '--depth', '1', '--single-branch', '--no-tags', org.repo, clone], {
            env: box.env,
          });
      },
      steps: [{ command: 'sh', args: ['-c', script], env: box.env, label: 'sh' }],
    };
  };

  // teams.access (issue 14): the review of every team as CSV, from the git source with a warm clone.
  const accessArgs = (org) => ['teams.access', '--format', 'csv', '--repo', org.repo];
  const accessCase = (org, box) => ({
    id: `access-${org.id}`,
    kind: 'access',
    org,
    label: `robo teams.access --format csv, ${org.id}`,
    setup: async () => {
      const help = await runProcess(NODE, [ROBO, 'help', 'teams.access'], { env: box.env });
      if (help.code !== 0) throw new Error('teams.access is not in this build');
      const first = await runProcess(NODE, [ROBO, ...accessArgs(org)], { env: box.env });
      if (first.code !== 0) throw new Error(describeFailure({ label: 'robo teams.access (set-up run)' }, first));
    },
    steps: [roboStep(box, accessArgs(org))],
  });

  // -------- the cases

  const headlineOrg = LARGEST_ORG;
  const hasValidate =
    (await runProcess(NODE, [ROBO, 'help', 'teams.validate'], { env: sandbox('help').env })).code === 0;
  const validateOrg = ORGS.find((org) => org.teams === 500) ?? LARGEST_ORG;
  const validateBox = sandbox('validate');
  const startupBox = sandbox('startup');
  const preparedRendered = path.join(TMP, 'prepared-rendered-config');

  const cells = new Map(); // `${org.id}/${lines}` → [no-change, full render] of team big
  for (const org of ORGS) for (const lines of CONFIG_LINES) cells.set(`${org.id}/${lines}`, cellCases(org, lines));
  const [bigNoChange, bigFull] = cells.get(`${headlineOrg.id}/${LARGEST_CONFIG}`);
  // The shell baseline copies what robo wrote: keep it from the full render's set-up run.
  const bigFullSetup = bigFull.setup;
  bigFull.setup = async () => {
    await bigFullSetup();
    copyFileSync(bigFull.box.target, preparedRendered);
  };
  const typicalNoChange = { ...cellCases(headlineOrg, TYPICAL_CONFIG, 'team-0001')[0], typical: true };

  const specs = [
    ...ORGS.map(floorCase),
    {
      id: 'startup',
      kind: 'startup',
      org: headlineOrg,
      label: 'robo start-up (robo --version)',
      steps: [roboStep(startupBox, ['--version'])],
    },
    ...[...cells.values()].flat(),
    shellCase(headlineOrg, preparedRendered),
    typicalNoChange,
    {
      id: 'validate',
      kind: 'validate',
      org: validateOrg,
      label: `robo teams.validate, ${validateOrg.id}`,
      skip: hasValidate ? undefined : 'skipped (teams.validate not available)',
      steps: [roboStep(validateBox, ['teams.validate', validateOrg.dir])],
    },
    accessCase(validateOrg, sandbox('access')),
    // iam.terraform (issue #14): the organisation teams.validate reads (team big split, below), copied
    // with an iam object that defines every role its teams use (a managed policy each, an inline one on every tenth), written
    // whole into an empty folder each sample: the Terraform of every account and team.
    (() => {
      const org = validateOrg;
      const box = sandbox('iam-terraform');
      const dir = path.join(TMP, 'orgs', `${org.id}-iam`);
      const out = path.join(TMP, 'iam-terraform-out');
      return {
        id: 'iam-terraform',
        kind: 'iam-terraform',
        org,
        label: `robo iam.terraform, ${org.id}`,
        setup: () => {
          cpSync(/** @type {string} */ (org.dir), dir, {
            recursive: true,
            filter: (file) => path.basename(file) !== '.git',
          });
          // Team big reaches all 2,000 spoke roles: its hub role's policy would be some 81,000 characters,
          // which IAM refuses (10,240 per role) and iam.terraform too. Here it is ten teams of 100 accounts.
          const accounts = Object.keys(JSON.parse(readFileSync(path.join(dir, 'organization.json'), 'utf8')).accounts);
          rmSync(path.join(dir, 'teams', 'big.json'));
          for (let part = 0; part * 100 < accounts.length; part += 1) {
            const profiles = accounts.slice(part * 100, part * 100 + 100).flatMap((account) => [
              { name: `${account}-read`, account, role: 'ReadOnly' },
              { name: `${account}-admin`, account, role: 'Admin' },
            ]);
            writeFileSync(
              path.join(dir, 'teams', `big-${part}.json`),
              `${JSON.stringify({ hub_role: `big-${part}`, profiles }, null, 2)}\n`,
            );
          }
          const roles = new Set();
          for (const file of readdirSync(path.join(dir, 'teams'))) {
            const team = JSON.parse(readFileSync(path.join(dir, 'teams', file), 'utf8'));
            roles.add(team.hub_role);
            for (const profile of team.profiles) roles.add(profile.role);
          }
          mkdirSync(path.join(dir, 'iam'));
          const policy = {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
          };
          writeFileSync(path.join(dir, 'iam', 'list-buckets.json'), `${JSON.stringify(policy, null, 2)}\n`);
          const organization = JSON.parse(readFileSync(path.join(dir, 'organization.json'), 'utf8'));
          organization.iam = {
            saml_provider: 'okta',
            terraform_role: 'terraform',
            roles: Object.fromEntries(
              [...roles].sort().map((role, index) => [
                role,
                {
                  policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
                  ...(index % 10 === 0 ? { inline: ['iam/list-buckets.json'] } : {}),
                },
              ]),
            ),
          };
          writeFileSync(path.join(dir, 'organization.json'), `${JSON.stringify(organization, null, 2)}\n`);
        },
        prepare: () => rmSync(out, { recursive: true, force: true }),
        steps: [roboStep(box, ['iam.terraform', '--repo', dir, '--out', out])],
      };
    })(),
  ];
  progress(`${specs.length} cases, set up, then ${WARMUP} warm-up and ${SAMPLES} sample round(s)`);
  const rows = await measureAll(specs);
  const floors = new Map(rows.filter((row) => row.kind === 'floor').map((row) => [row.org.id, row]));

  // -------- untimed runs: peak memory, CPU profiles and git timelines

  const bigArgs = awsConfigArgs(headlineOrg, 'big');
  const bigBox = bigFull.box;
  const restoreBig = () => copyFileSync(configs.get(LARGEST_CONFIG), bigBox.target);
  const memory = await measureMemory(bigBox, configs.get(LARGEST_CONFIG), bigArgs, timeBin);
  const analyses = [];
  const bigLabel = `full render, ${headlineOrg.id}, team big, ${LARGEST_CONFIG.toLocaleString('en')}-line config`;
  analyses.push({
    label: bigLabel,
    timeline: await gitTimeline(bigLabel, bigBox, restoreBig, bigArgs),
    profile: await cpuProfile(bigLabel, bigBox, restoreBig, bigArgs),
  });
  const bigNoChangeLabel = `no-change, ${headlineOrg.id}, team big, ${LARGEST_CONFIG.toLocaleString('en')}-line config`;
  analyses.push({
    label: bigNoChangeLabel,
    timeline: await gitTimeline(bigNoChangeLabel, bigNoChange.box, undefined, bigArgs),
  });
  // The fixed cost: the smallest organisation, no user lines, nothing to write.
  const [smallNoChange] = cells.get(`${ORGS[0].id}/${CONFIG_LINES[0]}`);
  const smallLabel = `no-change, ${ORGS[0].id}, team big, ${CONFIG_LINES[0]}-line config`;
  const smallArgs = awsConfigArgs(ORGS[0], 'big');
  analyses.push({
    label: smallLabel,
    timeline: await gitTimeline(smallLabel, smallNoChange.box, undefined, smallArgs),
    profile: await cpuProfile(smallLabel, smallNoChange.box, undefined, smallArgs),
  });

  const environment = machine(gitVersion, timeBin, revision);
  const report = renderReport({ rows, floors, memory, analyses, environment, haveGit, hasValidate, staleBuild });
  writeFileSync(OUT, report);
  progress(
    `wrote ${path.relative(process.cwd(), OUT) || OUT} in ${elapsed().toFixed(0)} s${KEEP ? `; kept ${TMP}` : ''}`,
  );
  const failed = rows.filter((row) => row.status === 'failed');
  for (const row of failed) console.error(`bench: ${row.label}: ${row.note}`);
  return failed.length > 0 || memory.error ? 1 : 0;
}

/**
 * Copy bin/ and dist/ (the bundle holds every dependency and the schemas)
 * into the temp folder and run that copy: others may rebuild dist/ while the
 * bench runs, and `npm run build` empties it first. Retried while dist/
 * changes under the copy.
 */
async function snapshotBuild(dir) {
  for (let attempt = 1; ; attempt += 1) {
    const before = statSync(path.join(ROOT, 'dist', 'robo.cjs')).mtimeMs;
    rmSync(dir, { recursive: true, force: true });
    for (const folder of ['bin', 'dist'])
      cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true, preserveTimestamps: true });
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    const robo = path.join(dir, 'bin', 'robo.cjs');
    const after = existsSync(path.join(ROOT, 'dist', 'robo.cjs'))
      ? statSync(path.join(ROOT, 'dist', 'robo.cjs')).mtimeMs
      : NaN;
    if (before === after && spawnSync(NODE, [robo, '--version'], { stdio: 'ignore' }).status === 0) return robo;
    if (attempt === 5) throw new Error('dist/ kept changing while it was copied (someone is rebuilding): try again');
    await sleep(2000);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

// ---------------------------------------------------------------- memory

async function measureMemory(box, prepared, args, timeBin) {
  if (overBudget()) return { error: 'skipped (time budget)' };
  progress('peak memory of the largest full render');
  const hook = path.join(TMP, 'maxrss-hook.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  const rssFile = path.join(TMP, 'maxrss.txt');
  const timeFile = path.join(TMP, 'time.txt');
  const env = { ...box.env, BENCH_MAXRSS_FILE: rssFile };
  const nodeArgs = ['--import', pathToFileURL(hook).href, ROBO, ...args];
  copyFileSync(prepared, box.target);
  const result = timeBin
    ? await runProcess(timeBin, ['-f', '%M', '-o', timeFile, NODE, ...nodeArgs], { env })
    : await runProcess(NODE, nodeArgs, { env });
  if (result.code !== 0) return { error: describeFailure({ label: 'robo aws.config (memory run)' }, result) };
  const kib = (file) => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim().split('\n').at(-1)) : undefined);
  const memory = { selfKiB: kib(rssFile), timeKiB: timeBin ? kib(timeFile) : undefined, timeBin };
  progress(
    `peak memory: robo ${((memory.selfKiB ?? NaN) / 1024).toFixed(1)} MiB${memory.timeKiB ? `, /usr/bin/time ${(memory.timeKiB / 1024).toFixed(1)} MiB` : ''}`,
  );
  return memory;
}

// ---------------------------------------------------------------- CPU profile

const sourceMaps = new Map();
/** Where a position of the bundle comes from (src/… or a package), through dist/robo.cjs.map. */
function originalOf(url, line, column, functionName) {
  if (!isFile(url) || !url.includes('/dist/')) return undefined;
  if (!sourceMaps.has(url)) {
    const mapFile = `${filePath(url)}.map`;
    sourceMaps.set(
      url,
      existsSync(mapFile)
        ? {
            map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))),
            lines: readFileSync(filePath(url), 'utf8').split('\n'),
          }
        : null,
    );
  }
  const bundle = sourceMaps.get(url);
  const entry = bundle?.map.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  // The bundle is minified: the source map names the identifier where the
  // bundle declares the function, just before the function's position.
  const at = functionName ? (bundle.lines[line]?.lastIndexOf(functionName, column) ?? -1) : -1;
  const name = at === -1 ? undefined : bundle.map.findEntry(line, at)?.name;
  return { file: entry.originalSource.replace(/^(\.\.\/)+/, ''), line: entry.originalLine + 1, name };
}

function moduleOf(file) {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (packageMatch) return packageMatch[1];
  return file;
}

/** A file of the copied build, as the repo names it (dist/…). */
const fromBuild = (url) => path.relative(path.resolve(path.dirname(ROBO), '..'), filePath(url));
// Scripts loaded as ES modules are named by file: URLs, CommonJS (the bundle) by its path.
const isFile = (url) => url.startsWith('file:') || url.startsWith('/');
const filePath = (url) => (url.startsWith('file:') ? fileURLToPath(url) : url);

function frameOf(callFrame) {
  const { functionName, url, lineNumber, columnNumber } = callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return { name, module: name.startsWith('(') ? name : '(native: V8 builtins, node bindings)', where: '' };
  if (url.startsWith('node:')) return { name, module: url.split('/').slice(0, 2).join('/'), where: url };
  // Line 1, column 1 of a bundle file is its top-level code (the banner has no source mapping).
  if (lineNumber === 0 && columnNumber === 0 && !functionName)
    return { name: '(module top level)', module: fromBuild(url), where: fromBuild(url) };
  const original = originalOf(url, lineNumber, columnNumber, functionName);
  if (original)
    return { name: original.name ?? name, module: moduleOf(original.file), where: `${original.file}:${original.line}` };
  const file = isFile(url) ? fromBuild(url) : url;
  // Code of the bundle with no source: esbuild's own helpers (module wrappers), under minified names.
  const helper = url.includes('/dist/') && sourceMaps.get(url);
  return { name: helper ? '(esbuild helper)' : name, module: moduleOf(file), where: `${file}:${lineNumber + 1}` };
}

let profiles = 0;
/** One run under `node --cpu-prof`, summarised by function and module (untimed). */
async function cpuProfile(label, box, prepare, args) {
  if (overBudget()) return { label, error: 'skipped (time budget)' };
  progress(`CPU profile: ${label}`);
  const dir = path.join(TMP, `cpu-profile-${(profiles += 1)}`);
  if (prepare) prepare();
  const result = await runProcess(
    NODE,
    ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250', ROBO, ...args],
    { env: box.env },
  );
  if (result.code !== 0) return { label, error: describeFailure({ label: 'robo aws.config --cpu-prof' }, result) };
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return { label, error: 'node wrote no .cpuprofile' };
  try {
    return { label, ...summariseProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))), wallMs: result.ms };
  } catch (error) {
    return { label, error: `cannot read the profile: ${messageOf(error)}` };
  }
}

let traces = 0;
/**
 * One run with GIT_TRACE (robo passes it on to git): which git processes a
 * run starts, and when, from the spawn of robo. Everything after the start
 * of the last git command is robo's own work plus that last command.
 */
async function gitTimeline(label, box, prepare, args) {
  if (overBudget()) return { label, error: 'skipped (time budget)' };
  progress(`git timeline: ${label}`);
  const file = path.join(TMP, `git-trace-${(traces += 1)}.txt`);
  if (prepare) prepare();
  const spawnedAt = Date.now();
  const result = await runProcess(NODE, [ROBO, ...args], { env: { ...box.env, GIT_TRACE: file } });
  if (result.code !== 0) return { label, error: describeFailure({ label: 'robo aws.config (GIT_TRACE)' }, result) };
  if (!existsSync(file))
    return { label, error: 'git wrote no trace (robo ran no git?)', totalMs: result.ms, commands: [] };
  const day = new Date(spawnedAt);
  const commands = [];
  let spawnedByGit = false;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(\d\d):(\d\d):(\d\d)\.(\d{6}) +\S+ +trace: (built-in|run_command): (.*)$/.exec(text);
    if (!match) continue;
    if (match[5] === 'run_command') {
      spawnedByGit = true;
      continue;
    }
    const at = new Date(day);
    at.setHours(Number(match[1]), Number(match[2]), Number(match[3]), 0);
    let offset = at.getTime() + Number(match[4]) / 1000 - spawnedAt;
    if (offset < -12 * 3600e3) offset += 24 * 3600e3; // the run crossed midnight
    commands.push({ command: match[6], at: offset, child: spawnedByGit });
    spawnedByGit = false;
  }
  return { label, totalMs: result.ms, commands };
}

function summariseProfile(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const frames = new Map([...nodes].map(([id, node]) => [id, frameOf(node.callFrame)]));
  const stackOf = (id) => {
    const stack = [];
    for (let at = id; at !== undefined; at = parents.get(at))
      stack.push(/** @type {ReturnType<typeof frameOf>} */ (frames.get(at)));
    return stack;
  };
  // Phases: before robo spawns its first git process, while it runs git, after its last spawn.
  const spawning = (stack) =>
    stack.some(
      (frame) =>
        frame.module === 'node:internal/child_process' ||
        (frame.name === 'spawn' && frame.where === 'node:child_process'),
    );
  const spawnTimes = [];
  let clock = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    clock += profile.timeDeltas[index] ?? 0;
    if (spawning(stackOf(profile.samples[index]))) spawnTimes.push(clock);
  }
  const phaseOf = (time) =>
    spawnTimes.length === 0
      ? 'whole run'
      : time < spawnTimes[0]
        ? 'before the first git spawn'
        : time <= spawnTimes.at(-1)
          ? 'git commands'
          : 'after the last git spawn';
  const selfByFunction = new Map();
  const selfByModule = new Map();
  const inclusiveByModule = new Map();
  const phases = new Map();
  const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value);
  let total = 0;
  clock = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    clock += profile.timeDeltas[index] ?? 0;
    // timeDeltas[i] is the time before sample i: sample i lasted until the next one.
    const us = profile.timeDeltas[index + 1] ?? 0;
    const id = profile.samples[index];
    const frame = /** @type {ReturnType<typeof frameOf>} */ (frames.get(id));
    total += us;
    add(selfByFunction, `${frame.name}\u0000${frame.where}\u0000${frame.module}`, us);
    add(selfByModule, frame.module, us);
    const phase = phaseOf(clock);
    if (!phases.has(phase)) phases.set(phase, { us: 0, modules: new Map() });
    phases.get(phase).us += us;
    add(phases.get(phase).modules, frame.module, us);
    for (const module of new Set(stackOf(id).map((entry) => entry.module))) add(inclusiveByModule, module, us);
  }
  const top = (map, count) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, us]) => ({ key, ms: us / 1000 }));
  return {
    totalMs: total / 1000,
    phases: [...phases].map(([name, phase]) => ({ name, ms: phase.us / 1000, modules: top(phase.modules, 6) })),
    functions: top(selfByFunction, 15).map(({ key, ms: time }) => {
      const [name, where, module] = key.split('\u0000');
      return { name, where, module, ms: time };
    }),
    modulesSelf: top(selfByModule, 15),
    modulesInclusive: top(inclusiveByModule, 40)
      .filter(({ key }) => !key.startsWith('(') && (key.startsWith('src/') || !key.includes('/')))
      .slice(0, 12),
  };
}

// ---------------------------------------------------------------- machine

/** The commit of the robo checkout, and whether src/ differs from it, when the build was copied. */
function roboRevision() {
  const commit = versionOf('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = versionOf('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'package.json', 'schemas']);
  return commit ? `${commit}${dirty ? ' + uncommitted changes in src/' : ''}` : 'unknown';
}

function machine(gitVersion, timeBin, revision) {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    git: gitVersion ?? 'not found',
    time: timeBin ?? 'not found',
    load: os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    robo: revision,
  };
}

// ---------------------------------------------------------------- report

function renderReport({ rows, floors, memory, analyses, environment, haveGit, hasValidate, staleBuild }) {
  const floorOf = (row) => floors.get(row.org?.id)?.stats?.median;
  const ratio = (row) => {
    const floor = floorOf(row);
    return row.stats && floor ? row.stats.median / floor : undefined;
  };
  const x = (value) => (value === undefined ? '-' : `${value.toFixed(2)}×`);
  const n = (value) => value.toLocaleString('en');
  const find = (kind, org, lines, team = 'big') =>
    rows.find((row) => row.kind === kind && row.org === org && row.lines === lines && row.team === team);
  // The targets, for the summary at the top and the Targets section.
  const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
  const noChangeRows = rows.filter((row) => row.kind === 'nochange' && ratio(row) !== undefined);
  // Every row here has a ratio (filtered above).
  const ratioOf = (row) => /** @type {number} */ (ratio(row));
  const worst = noChangeRows.reduce((a, b) => (ratioOf(b) > (a ? ratioOf(a) : 0) ? b : a), undefined);
  const noChangeOk = noChangeRows.length > 0 ? noChangeRows.every((row) => ratioOf(row) <= 1.5) : undefined;
  const bigFull = find('full', LARGEST_ORG, LARGEST_CONFIG);
  const bigFullRatio = bigFull ? ratio(bigFull) : undefined;
  const validateRow = rows.find((row) => row.kind === 'validate');
  const linear = linearity(rows);
  const out = [];
  const line = (text = '') => out.push(text);

  line('# robo benchmarks');
  line();
  line(
    `Generated by \`${QUICK ? 'node scripts/bench.mjs --quick' : 'npm run bench'}\` (scripts/bench.mjs) on ${environment.date}; every run rewrites this file.`,
  );
  if (QUICK)
    line(
      '**Quick run**: 3 samples and fewer sizes; a smoke test, not numbers to quote. Run `npm run bench` for the full set.',
    );
  if (staleBuild) line('**Warning**: src/ was newer than dist/ when this ran; the numbers are for the previous build.');
  const busiest = Math.max(...[LOAD_AT_START, environment.load].map((load) => Number(load.split(' ')[0])));
  if (busiest > environment.cores / 2)
    line(
      `**Note**: the machine was busy (1-minute load average up to ${busiest.toFixed(1)} on ${environment.cores} cores, other work running besides the bench): expect wide min–max spreads; the interleaved rounds keep the ratios comparable.`,
    );
  line();
  line('## Summary');
  line();
  const within = noChangeRows.filter((row) => ratioOf(row) <= 1.5).length;
  line(
    `- No-change run ≤ 1.5× floor: ${verdict(noChangeOk)}${worst ? ` (${within} of ${noChangeRows.length} cases; worst ${x(ratio(worst))}, ${worst.org.id} with ${n(worst.lines)} config lines).` : '.'}`,
  );
  line(
    `- Full render of ${n(LARGEST_ORG.bigProfiles)} profiles into a ${n(LARGEST_CONFIG)}-line config ≤ 2× floor: ${verdict(bigFullRatio === undefined ? undefined : bigFullRatio <= 2)}${bigFull?.stats ? ` (${ms(bigFull.stats.median)}, ${x(bigFullRatio)}).` : '.'}`,
  );
  line(
    `- teams.validate of ${n(validateRow?.org?.teams ?? 500)} teams < 1 s: ${verdict(validateRow?.stats ? validateRow.stats.median < 1000 : undefined)}${validateRow?.stats ? ` (${ms(validateRow.stats.median)}).` : '.'} Cost linear in profiles and config size: ${verdict(linear.ok)}.`,
  );
  const accessRow = rows.find((row) => row.kind === 'access');
  line(
    `- teams.access --format csv of ${n(accessRow?.org?.accounts ?? 1000)} accounts and ${n(accessRow?.org?.teams ?? 500)} teams ≤ 1 s: ${verdict(accessRow?.stats ? accessRow.stats.median <= 1000 : undefined)}${accessRow?.stats ? ` (${ms(accessRow.stats.median)}).` : accessRow?.note ? ` (${accessRow.note}).` : '.'}`,
  );
  const iamRow = rows.find((row) => row.kind === 'iam-terraform');
  line(
    `- iam.terraform of ${n(iamRow?.org?.accounts ?? 1000)} accounts and ${n(iamRow?.org?.teams ?? 500)} teams ≤ 2 s: ${verdict(iamRow?.stats ? iamRow.stats.median <= 2000 : undefined)}${iamRow?.stats ? ` (${ms(iamRow.stats.median)}).` : iamRow?.note ? ` (${iamRow.note}).` : '.'}`,
  );
  const startup = rows.find((row) => row.kind === 'startup');
  const nodeStart = floors.get(startup?.org?.id)?.parts.map((parts) => parts[0]);
  if (startup?.stats)
    line(
      `- Start-up (\`robo --version\`): ${ms(startup.stats.median)}${nodeStart?.length ? `, against ${ms(median(nodeStart))} for \`node -e 0\`` : ''}.`,
    );
  line();
  line('Each number is the wall time of whole processes, from spawn to exit, as a user sees it.');
  line(
    `The cases run interleaved: after each case's set-up, ${WARMUP} warm-up round(s) and then ${SAMPLES} timed rounds, each round running one sample of every case in turn, so drifting machine load touches all cases alike. The table gives the median, min and max of the samples.`,
  );
  line('"× floor" is the median divided by the floor of the same organisation: starting node (`node -e 0`) and then');
  line('`git fetch --depth 1 origin HEAD` in a clone of the same repo, the least any tool that fetches the repo pays.');
  line();

  line('## Machine');
  line();
  line('| | |');
  line('| --- | --- |');
  line(`| OS | ${environment.os} |`);
  line(`| CPU | ${environment.cpu}, ${environment.cores} cores |`);
  line(`| memory | ${environment.memory} |`);
  line(`| node | ${environment.node} |`);
  line(`| git | ${environment.git} |`);
  line(`| robo | ${environment.robo} |`);
  line(`| load average (1, 5, 15 min) | ${LOAD_AT_START} at the start, ${environment.load} at the end |`);
  line(`| date | ${environment.date} |`);
  line();

  line('## What runs');
  line();
  line(
    'Synthetic organisations, generated as git repos in a temp folder (committed with fixed authors and dates) and given to robo as `file://` URLs, so robo clones and fetches them the way it does a real remote:',
  );
  line();
  line('| organisation | accounts | teams | profiles of team "big" |');
  line('| --- | ---: | ---: | ---: |');
  for (const org of ORGS) line(`| ${org.id} | ${n(org.accounts)} | ${n(org.teams)} | ${n(org.bigProfiles)} |`);
  line();
  line(
    '- `organization.json`: accounts `acct-0001`…, 12-digit ids, region `us-west-2` (every 10th account `eu-west-1`), okta `home/amazon_aws/0oaBENCH/272`, hub `{ account: acct-0001, profile: hub }`.',
  );
  line(
    '- `teams/big.json`: `{ "name": "{account}-read", "account": "*", "role": "ReadOnly" }` and `{ "name": "{account}-admin", "account": "*", "role": "Admin" }`, so 2 profiles per account plus the hub.',
  );
  line(
    '- every other team (`team-0001`…): 3 to 6 spoke profiles in accounts spread over the organisation. robo validates every team file on every run, so teams grow with accounts here.',
  );
  line(
    `- user configs of ${CONFIG_LINES.map(n).join(', ')} lines: \`[profile user-N]\` sections with region, output, role_arn, source_profile, some mfa_serial and nested s3 settings, comments and blank lines (0 lines is an empty file).`,
  );
  line();
  line(
    "Every process gets a sandbox: `HOME`, `XDG_CONFIG_HOME`, `XDG_CACHE_HOME`, `AWS_CONFIG_FILE` (`$HOME/.aws/config`) and `ROBO_BACKUP_DIR` in the temp folder, `NO_COLOR=1`, and the caller's `PATH`; nothing else from the environment. In the commands below `node bin/robo.cjs` is written `robo`, `$ORG` is the organisation's folder, `$CLONE` a `git clone --depth 1 --single-branch --no-tags file://$ORG` made before timing, and `$PREPARED` the config robo wrote in the largest full render.",
  );
  line();
  line('| case | command | timed sample |');
  line('| --- | --- | --- |');
  line(
    `| floor | \`node -e 0\`${haveGit ? ', then `cd $CLONE && git fetch --depth 1 origin HEAD`' : ''} | both processes, one after the other |`,
  );
  line(
    `| shell baseline | \`${haveGit ? "sh -c 'cd $CLONE && git fetch -q --depth 1 origin HEAD && git reset -q --hard FETCH_HEAD && cp $PREPARED $AWS_CONFIG_FILE'" : "sh -c 'cp $PREPARED $AWS_CONFIG_FILE'"}\` | one process |`,
  );
  line(
    `| robo no-change | \`robo aws.config --team TEAM --repo ${haveGit ? 'file://' : ''}$ORG\` | one run first (untimed) clones into the cache and writes the config; the warm-up run finds the block cached for the commit; timed runs find everything up to date and write nothing (checked: same inode, size and mtime) |`,
  );
  line(
    `| robo full render | \`robo aws.config --team big --repo ${haveGit ? 'file://' : ''}$ORG\` | cache warm; before each sample (untimed) the config is put back to the user's lines only, so every sample renders, backs up and writes the whole block (checked) |`,
  );
  line(
    "| robo start-up | `robo --version` | one process: node and loading the bundle (through Node's compile cache from Node 22 on); no task, no git (× floor against the largest organisation's floor) |",
  );
  line('| robo teams.validate | `robo teams.validate $ORG` | one process |');
  line(
    `| robo teams.access | \`robo teams.access --format csv --repo ${haveGit ? 'file://' : ''}$ORG\` | one process, the clone cached by an untimed run first |`,
  );
  line();

  line('## Results');
  line();
  line('| case | organisation | team | config lines | median | min | max | × floor | n |');
  line('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const order = { floor: 0, shell: 1, startup: 2, nochange: 3, full: 4, validate: 5, access: 6 };
  const sorted = [...rows].sort(
    (a, b) =>
      (a.typical ? 1 : 0) - (b.typical ? 1 : 0) ||
      order[a.kind] - order[b.kind] ||
      (a.org?.accounts ?? 0) - (b.org?.accounts ?? 0) ||
      (a.lines ?? 0) - (b.lines ?? 0),
  );
  const caseName = {
    floor: 'floor',
    shell: 'shell baseline',
    startup: 'robo start-up (`--version`)',
    nochange: 'robo no-change (warm)',
    full: 'robo full render',
    validate: 'robo teams.validate',
    access: 'robo teams.access (csv)',
  };
  for (const row of sorted) {
    const s = row.stats;
    const floorParts =
      row.kind === 'floor' && row.parts.length > 0 && haveGit
        ? ` (node ${ms(median(row.parts.map((p) => p[0])))} + git ${ms(median(row.parts.map((p) => p[1])))})`
        : '';
    const cells = s
      ? [`${ms(s.median)}${floorParts}`, ms(s.min), ms(s.max), row.kind === 'floor' ? '1.00×' : x(ratio(row)), s.n]
      : [row.note ?? row.status, '', '', '', 0];
    if (s && row.note) cells[0] += ` (${row.note})`;
    line(
      `| ${caseName[row.kind]} | ${row.kind === 'startup' ? '-' : (row.org?.id ?? '')} | ${row.team ?? ''} | ${row.lines === undefined ? '' : n(row.lines)} | ${cells.join(' | ')} |`,
    );
  }
  line();

  // -------- targets
  line('## Targets (issue 6)');
  line();
  line('| target | measured | verdict |');
  line('| --- | --- | --- |');
  line(
    `| no-change warm run ≤ 1.5× floor | ${worst ? `worst ${x(ratio(worst))} (${worst.org.id}, team ${worst.team}, ${n(worst.lines)} lines); ${noChangeRows.filter((row) => ratioOf(row) <= 1.5).length} of ${noChangeRows.length} no-change cases within` : '-'} | ${verdict(noChangeOk)} |`,
  );
  line(
    `| full render of the ${n(LARGEST_ORG.accounts)}-account team into a ${n(LARGEST_CONFIG)}-line config ≤ 2× floor | ${bigFull?.stats ? `${ms(bigFull.stats.median)} = ${x(bigFullRatio)} floor (${ms(floorOf(bigFull))})` : '-'} | ${verdict(bigFullRatio === undefined ? undefined : bigFullRatio <= 2)} |`,
  );
  line(
    `| teams.validate of ${n(validateRow?.org?.teams ?? 500)} teams < 1 s | ${validateRow?.stats ? ms(validateRow.stats.median) : hasValidate ? (validateRow?.note ?? '-') : 'skipped (teams.validate not available)'} | ${verdict(validateRow?.stats ? validateRow.stats.median < 1000 : undefined)} |`,
  );
  line(`| cost linear in profiles and config size | ${linear.summary} | ${verdict(linear.ok)} |`);
  line();
  line(
    '"Linear" is judged from the medians: along each axis (profiles at a fixed config size, config lines at a fixed organisation), the cost per unit of the upper step may be at most 1.5× that of the lower step, after allowing for the samples\' spread (half of max − min of each point). Sub-linear is fine.',
  );
  line();
  if (linear.table.length > 0) {
    line('| series | step | Δ median | per unit | verdict |');
    line('| --- | --- | ---: | ---: | --- |');
    for (const entry of linear.table)
      line(`| ${entry.series} | ${entry.step} | ${entry.delta} | ${entry.perUnit} | ${entry.verdict} |`);
    line();
  }

  // -------- memory
  line(`## Peak memory (full render, ${n(LARGEST_ORG.accounts)} accounts, team big, ${n(LARGEST_CONFIG)}-line config)`);
  line();
  if (memory.error) {
    line(memory.error);
  } else {
    line(
      `- robo's own process: **${(memory.selfKiB / 1024).toFixed(1)} MiB** max RSS (\`process.resourceUsage().maxRSS\`, recorded at exit by a hook loaded with \`node --import\`).`,
    );
    if (memory.timeKiB)
      line(
        `- \`/usr/bin/time -f %M\` on the same run: ${(memory.timeKiB / 1024).toFixed(1)} MiB (the largest of robo and the git processes it waited for).`,
      );
    else line('- `/usr/bin/time` not found: only the in-process number.');
    line(
      "- Node cannot read a child's peak RSS itself: there is no getrusage(RUSAGE_CHILDREN) in Node, and the parent's `process.resourceUsage().maxRSS` after `spawnSync` stays the parent's own.",
    );
  }
  line();

  // -------- charts
  line('## Cost against size');
  line();
  line('Medians, one bar per case. `=` is the floor of that organisation, `#` is what robo adds on top of it.');
  line();
  for (const kind of ['nochange', 'full']) {
    const series = rows.filter((row) => row.kind === kind && row.team === 'big' && row.stats);
    if (series.length === 0) continue;
    const byProfiles = [...series].sort((a, b) => a.profiles - b.profiles || a.lines - b.lines);
    const byLines = [...series].sort((a, b) => a.lines - b.lines || a.profiles - b.profiles);
    const scale = Math.max(...series.map((row) => row.stats.median));
    const bar = (row) => {
      const width = 48;
      const total = Math.max(1, Math.round((row.stats.median / scale) * width));
      const floor = Math.min(total, Math.round(((floorOf(row) ?? 0) / scale) * width));
      return `${'='.repeat(floor)}${'#'.repeat(total - floor)}`.padEnd(width);
    };
    line(`${kind === 'nochange' ? 'No-change (warm)' : 'Full render'}, by profiles of team big, then config lines:`);
    line();
    line('```');
    for (const row of byProfiles)
      line(
        `${n(row.profiles).padStart(6)} profiles ${n(row.lines).padStart(6)} lines |${bar(row)}| ${ms(row.stats.median).padStart(8)} ${x(ratio(row)).padStart(6)}`,
      );
    line('```');
    line();
    line(`${kind === 'nochange' ? 'No-change (warm)' : 'Full render'}, by config lines, then profiles:`);
    line();
    line('```');
    for (const row of byLines)
      line(
        `${n(row.lines).padStart(6)} lines ${n(row.profiles).padStart(6)} profiles |${bar(row)}| ${ms(row.stats.median).padStart(8)} ${x(ratio(row)).padStart(6)}`,
      );
    line('```');
    line();
  }

  // -------- where the time goes
  line('## Where the time goes');
  line();
  line(
    "Untimed extra runs. **Timeline**: one run with `GIT_TRACE` (robo passes it on to git), which logs when each git process starts; on a warm run robo starts `git ls-remote` as soon as it knows the source, reads and plans while it runs, and after it only writes (or, if the ref moved, fetches, validates and renders first), so the time after the last git command starts is that command plus robo's own work. **CPU profile**: one run under `node --cpu-prof` (sampling every 250 µs); positions in dist/ are mapped back to src/ and packages, and the minified bundle's function names back to the source's, through the bundle's source map; `(esbuild helper)` is the bundler's own module wrappers. `(idle)` is time the main thread waited (for git, the file system); `(program)` is native work not attributed to JavaScript; node's own start-up before the profiler starts is not in the profile, and the profiler slows the run down.",
  );
  line();
  for (const analysis of analyses) {
    line(`### ${analysis.label}`);
    line();
    const timeline = analysis.timeline;
    if (timeline?.error) line(`Timeline: ${timeline.error}`);
    else if (timeline) {
      const top = timeline.commands.filter((command) => !command.child);
      const first = top[0];
      const last = top.at(-1);
      if (first && last) {
        line(
          `Timeline (${ms(timeline.totalMs)} in all; ${top.length} git processes started by robo, ${timeline.commands.length - top.length} more started by git itself):`,
        );
        line();
        line('```');
        line(`${'+0 ms'.padStart(10)}  robo spawned: node start-up, loading robo, settings, the last rendered block`);
        for (const command of timeline.commands) {
          line(
            `${`+${command.at.toFixed(0)} ms`.padStart(10)}  ${command.child ? '  └ ' : ''}git ${command.command.replace(/^git /, '').replace(TMP, '$BENCH')}`,
          );
        }
        line(`${`+${timeline.totalMs.toFixed(0)} ms`.padStart(10)}  exit`);
        line('```');
        line();
        line(
          `- before the first git command: ${ms(first.at)}; from the first to the last git command's start: ${ms(last.at - first.at)}; from there to exit (the last git command, and what robo does during and after it): ${ms(timeline.totalMs - last.at)}.`,
        );
        const gaps = top
          .slice(0, -1)
          .map((command, index) => ({ command: command.command, gap: top[index + 1].at - command.at }))
          .filter(({ gap }) => gap >= 45);
        for (const { command, gap } of gaps) {
          line(
            `- ${ms(gap)} pass between the start of \`${command}\` and the next git command. When such a command prints nothing (\`git clean\` with nothing to remove), simple-git waits 50 ms after it exits before it returns (its completion plugin), and git itself takes a few ms here.`,
          );
        }
      } else line(`Timeline: no git command was traced (${ms(timeline.totalMs)} in all).`);
      line();
    }
    const profile = analysis.profile;
    if (profile?.error) {
      line(`CPU profile: ${profile.error}`);
      line();
    } else if (profile) {
      const share = (value) => `${((value / profile.totalMs) * 100).toFixed(0)}%`;
      line(`CPU profile: ${ms(profile.totalMs)} profiled of a ${ms(profile.wallMs)} run.`);
      line();
      line("| phase (from the samples' times) | profiled | top modules by self time |");
      line('| --- | ---: | --- |');
      for (const phase of profile.phases)
        line(
          `| ${phase.name} | ${ms(phase.ms)} | ${phase.modules.map((module) => `${module.key} ${ms(module.ms)}`).join(', ')} |`,
        );
      line();
      line('| self time by module | ms | share | | inclusive time by robo file or package | ms | share |');
      line('| --- | ---: | ---: | --- | --- | ---: | ---: |');
      for (let index = 0; index < Math.max(profile.modulesSelf.length, profile.modulesInclusive.length); index += 1) {
        const a = profile.modulesSelf[index];
        const b = profile.modulesInclusive[index];
        line(
          `| ${a ? `${a.key} | ${ms(a.ms)} | ${share(a.ms)}` : ' | | '} | | ${b ? `${b.key} | ${ms(b.ms)} | ${share(b.ms)}` : ' | | '} |`,
        );
      }
      line();
      line('| top functions by self time | where | ms | share |');
      line('| --- | --- | ---: | ---: |');
      for (const fn of profile.functions)
        line(`| ${fn.name.replace(/\|/g, '\\|')} | ${fn.where || fn.module} | ${ms(fn.ms)} | ${share(fn.ms)} |`);
      line();
    }
  }

  line('## Notes');
  line();
  if (!haveGit)
    line(
      '- git was not found: robo read the organisations as local folders (`--repo DIR`), and the floor is `node -e 0` alone.',
    );
  line(
    `- Time budget: ${BUDGET_S} s (BENCH_TIMEOUT); when it runs out no further round starts, and every case keeps the samples it has (n). Each process is killed after ${PROCESS_TIMEOUT_MS / 1000} s.`,
  );
  line(
    '- The organisations grow in accounts and teams together, so "cost against profiles" includes validating more team files.',
  );
  line(
    '- Timings include process creation and, for robo, its git child processes; the clones are local (`file://`), so network latency is not in any number, and the floor has none either.',
  );
  line(
    "- The numbers move with the machine's load; compare ratios to the floor rather than absolute times across machines.",
  );
  line();
  return `${out.join('\n')}\n`;
}

/** Per-unit cost of each step along each axis, and whether the upper step is (clearly) steeper than the lower. */
function linearity(rows) {
  const table = [];
  let judged = 0;
  let failed = 0;
  const n = (value) => value.toLocaleString('en');
  const check = (series, points, unit, per) => {
    if (points.length < 3) return;
    const slopes = [];
    for (let index = 1; index < points.length; index += 1) {
      const [a, b] = [points[index - 1], points[index]];
      const span = b.x - a.x;
      const spread = (p) => (p.row.stats.max - p.row.stats.min) / 2;
      slopes.push({
        a,
        b,
        slope: (b.y - a.y) / span,
        high: (b.y + spread(b) - (a.y - spread(a))) / span,
        low: (b.y - spread(b) - (a.y + spread(a))) / span,
      });
    }
    for (let index = 0; index < slopes.length; index += 1) {
      const step = slopes[index];
      let verdict = '';
      if (index > 0) {
        const lower = slopes[index - 1];
        const ok = step.low <= 1.5 * Math.max(lower.high, 0);
        judged += 1;
        if (!ok) failed += 1;
        verdict = ok ? 'linear or better' : 'steeper than linear';
      }
      table.push({
        series,
        step: `${n(step.a.x)} → ${n(step.b.x)} ${unit}`,
        delta: `${step.b.y - step.a.y >= 0 ? '+' : ''}${ms(step.b.y - step.a.y)}`,
        perUnit: `${(step.slope * per).toFixed(1)} ms per ${n(per)} ${unit}`,
        verdict,
      });
    }
  };
  for (const kind of ['full', 'nochange']) {
    const label = kind === 'full' ? 'full render' : 'no-change';
    const cases = rows.filter((row) => row.kind === kind && row.team === 'big' && row.stats);
    for (const lines of CONFIG_LINES) {
      const points = cases
        .filter((row) => row.lines === lines)
        .map((row) => ({ x: row.profiles, y: row.stats.median, row }))
        .sort((a, b) => a.x - b.x);
      check(`${label}, ${n(lines)}-line config`, points, 'profiles', 1000);
    }
    for (const org of ORGS) {
      const points = cases
        .filter((row) => row.org === org)
        .map((row) => ({ x: row.lines, y: row.stats.median, row }))
        .sort((a, b) => a.x - b.x);
      check(`${label}, ${org.id}`, points, 'lines', 10_000);
    }
  }
  if (judged === 0)
    return { ok: undefined, summary: `not judged (needs 3 sizes per axis${QUICK ? '; --quick has 2' : ''})`, table };
  return { ok: failed === 0, summary: `${judged - failed} of ${judged} steps linear or better (table below)`, table };
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  cleanUp();
}
process.exit(exitCode);
