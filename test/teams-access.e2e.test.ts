/* eslint-disable no-control-regex -- one test is about control characters */
/**
 * `robo teams.access` end to end: the bundled example and a git source, each
 * format as the command prints it (the expected text worked out from the
 * definitions through the pure stage, whose own output is checked in
 * access-review.test.ts), bad flags, broken definitions, and the grid as the
 * default on a terminal.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessCsv, accessGrid, accessMarkdown } from '../src/access/access-formats.js';
import { BUNDLED_EXAMPLE } from '../src/commands/teams-access.js';
import { reviewAccess, type AccessFilter } from '../src/access/access-review.js';
import type { Organization, Team } from '../src/definitions/model.js';
import { hostileCases, type HostileCase } from './fixtures/hostile.js';
import { crowdedTree } from './helpers/iam-org.js';
import { treeState } from './helpers/files.js';
import { sharedHostileCheckout } from './helpers/hostile-checkout.js';
import { commitTree, exampleTree, fileUrl, git, makeDotfilesRepo, writeTree, type FileTree } from './helpers/git.js';
import { roboBin, runRobo, type RunResult } from './helpers/robo.js';
import { hasCommand } from './helpers/schedulers.js';
import { makeSandbox, sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** The review of a file tree's definitions, through the pure stage. */
function reviewOf(tree: FileTree, filter: AccessFilter = {}) {
  const organization = JSON.parse(tree['organization.json']!) as Organization;
  const teams = new Map(
    Object.keys(tree)
      .filter((file) => /^teams\/[^/]+\.json$/.test(file))
      .sort()
      .map((file) => [path.basename(file, '.json'), JSON.parse(tree[file]!) as Team]),
  );
  return reviewAccess(organization, teams, filter);
}

function expectClean(result: RunResult): void {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** A run on the bundled example (no source configured): clean but for the one line saying whose review it is. */
function expectBundled(result: RunResult): void {
  expect(result.stderr).toBe(`⚠ : ${BUNDLED_EXAMPLE}\n`);
  expect(result.code).toBe(0);
}

describe('robo teams.access on the bundled example', () => {
  it('prints CSV when stdout is not a terminal: every team, profile and role', async () => {
    const box = sandbox();
    const result = await runRobo(['teams.access'], { env: box.env });
    expectBundled(result);
    expect(result.stdout).toBe(accessCsv(reviewOf(exampleTree()).rows));
    // A line as organization.json and teams/fpa.json say it: FP&A reaches its hub role only, with its policies.
    expect(result.stdout.split('\n').filter((line) => line.startsWith('fpa,'))).toEqual([
      'fpa,hub,ops,100000000001,fpa,arn:aws:iam::100000000001:role/fpa,arn:aws:iam::aws:policy/job-function/Billing;inline:iam/fpa-reserved-instances.json',
    ]);
  });

  it.each([
    ['table', (tree: FileTree) => `${accessGrid(reviewOf(tree))}\n`],
    ['markdown', (tree: FileTree) => accessMarkdown(reviewOf(tree).rows)],
    ['csv', (tree: FileTree) => accessCsv(reviewOf(tree).rows)],
  ])('--format %s', async (format, expected) => {
    const box = sandbox();
    const result = await runRobo(['teams.access', '--format', format], { env: box.env });
    expectBundled(result);
    expect(result.stdout).toBe(expected(exampleTree()));
  });

  it('--json and --format json print one document with the rows', async () => {
    const box = sandbox();
    const rows = reviewOf(exampleTree()).rows;
    for (const args of [['--json'], ['--format', 'json'], ['--json', '--format', 'json']]) {
      const result = await runRobo(['teams.access', ...args], { env: box.env });
      // --json is quiet: the document's source says whose review it is; --format json alone warns as the others do.
      if (args.includes('--json')) expectClean(result);
      else expectBundled(result);
      const document = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(document).toMatchObject({ ok: true, task: 'teams.access', rows });
      expect(document.source).toEqual(expect.any(String));
    }
  });

  it('--team and --account (a name or an id) select rows; the grid shows only the accounts reached', async () => {
    const box = sandbox();
    const tree = exampleTree();
    const prod = await runRobo(['teams.access', '--account', '200000000004', '--format', 'table'], { env: box.env });
    expectBundled(prod);
    expect(prod.stdout).toBe(`${accessGrid(reviewOf(tree, { account: 'prod' }))}\n`);
    expect(prod.stdout.split('\n')[0]).toMatch(/^TEAM +prod$/);
    const platform = await runRobo(['teams.access', '--team', 'platform', '--account', 'prod'], { env: box.env });
    expectBundled(platform);
    expect(platform.stdout).toBe(accessCsv(reviewOf(tree, { team: 'platform', account: 'prod' }).rows));
    expect(
      platform.stdout
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(',')[1]),
    ).toEqual(['prod', 'prod-deploy']);
  });

  it('splits the grid to $COLUMNS', async () => {
    const box = sandbox({ COLUMNS: '60' });
    const result = await runRobo(['teams.access', '--format', 'table'], { env: box.env });
    expectBundled(result);
    expect(result.stdout).toBe(`${accessGrid(reviewOf(exampleTree()), 60)}\n`);
    const grids = result.stdout.split('\n\n');
    expect(grids.length).toBeGreaterThan(1);
    for (const grid of grids) expect(grid.split('\n')[0]).toMatch(/^TEAM /);
  });

  it('says so when the selection holds nothing', async () => {
    const box = sandbox();
    const args = ['teams.access', '--team', 'fpa', '--account', 'dev'];
    const table = await runRobo([...args, '--format', 'table'], { env: box.env });
    expectBundled(table);
    expect(table.stdout).toContain('fpa reaches no role in account dev');
    const csv = await runRobo(args, { env: box.env });
    expectBundled(csv);
    expect(csv.stdout).toBe('team,profile,account,account_id,role,role_arn,policies\n');
  });
});

describe('robo teams.access on a source of its own (--repo)', () => {
  it('reads the ref it is given, as aws.config would', async () => {
    const box = sandbox();
    const dotfiles = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    git(dotfiles, 'checkout', '-q', '-b', 'review');
    const organization = JSON.parse(exampleTree()['organization.json']!) as Organization;
    organization.iam!.roles.audit = { description: 'hub role of the auditors' };
    const tree = {
      ...exampleTree(),
      'organization.json': JSON.stringify(organization, null, 2),
      'teams/audit.json': JSON.stringify({
        hub_role: 'audit',
        profiles: [{ name: '{account}-audit', account: '*', role: 'SecurityAudit' }],
      }),
    };
    commitTree(dotfiles, tree, 'an audit team');
    git(dotfiles, 'checkout', '-q', 'main');
    const url = fileUrl(dotfiles);

    const main = await runRobo(['teams.access', '--repo', url, '--json'], { env: box.env });
    expectClean(main);
    expect((JSON.parse(main.stdout) as { rows: unknown }).rows).toEqual(reviewOf(exampleTree()).rows);

    const review = await runRobo(['teams.access', '--repo', url, '--ref', 'review', '--team', 'audit'], {
      env: box.env,
    });
    expectClean(review);
    expect(review.stdout).toBe(accessCsv(reviewOf(tree, { team: 'audit' }).rows));
    expect(review.stdout.split('\n')).toHaveLength(1 + 1 + 10 + 1); // header, hub, one per account, final newline
  });

  it('an organisation without iam: the same rows, no policies, no complaint', async () => {
    const box = sandbox();
    const organization = JSON.parse(exampleTree()['organization.json']!) as Organization;
    delete organization.iam;
    // A folder: the git source's wiring is the test above's.
    const dotfiles = path.join(box.root, 'dotfiles');
    writeTree(dotfiles, { ...exampleTree(), 'organization.json': JSON.stringify(organization, null, 2) });
    const result = await runRobo(['teams.access', '--repo', dotfiles, '--json'], { env: box.env });
    expectClean(result);
    const { rows } = JSON.parse(result.stdout) as { rows: { policies: string[] }[] };
    expect(rows).toEqual(reviewOf(exampleTree()).rows.map((row) => ({ ...row, policies: [] })));
  });

  it('an organisation over an IAM size limit: its review all the same (iam.terraform and teams.validate check sizes)', async () => {
    const box = sandbox();
    const tree = crowdedTree(85); // ReadOnly's trust in prod over IAM's 8,192: iam.terraform refuses it
    const dotfiles = path.join(box.root, 'dotfiles');
    writeTree(dotfiles, tree);
    const result = await runRobo(['teams.access', '--repo', dotfiles, '--json'], { env: box.env });
    expectClean(result);
    expect((JSON.parse(result.stdout) as { rows: unknown }).rows).toEqual(reviewOf(tree).rows);
  });
});

describe('robo teams.access refuses', () => {
  it.each([
    [['--team', 'platfrom'], '--team "platfrom": no such team in the definitions; did you mean platform?'],
    [['--account', 'prdo'], '--account "prdo": no such account in the definitions'],
    [['--format', 'xml'], '--format "xml" is not one of table, csv, json, markdown'],
    [['--json', '--format', 'csv'], '--json prints JSON, --format csv asks for csv'],
  ])('%j: a usage error (exit 2), nothing on stdout', async (args, message) => {
    const box = sandbox();
    const result = await runRobo(['teams.access', ...args], { env: box.env });
    expect(result.code).toBe(2);
    if (args.includes('--json')) {
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
    } else {
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    }
  });

  it('an unknown team with --json: the error document', async () => {
    const box = sandbox();
    const result = await runRobo(['teams.access', '--team', 'nobody', '--json'], { env: box.env });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { message: '--team "nobody": no such team in the definitions', exitCode: 2 },
    });
  });

  it('shows a hostile --team value with its escapes made visible', async () => {
    const box = sandbox();
    const result = await runRobo(['teams.access', '--team', 'x\x1b]0;pwned\x07\u202e'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('\\u001b]0;pwned\\u0007\\u202e');
    expect(result.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  });

  it('broken definitions anywhere: exit 3 naming the file, with --team another team too', async () => {
    const box = sandbox();
    // Definitions in a folder, as the hostile corpus below: validation is the same for every source.
    const dotfiles = path.join(box.root, 'dotfiles');
    writeTree(dotfiles, {
      ...exampleTree(),
      'teams/growth.json': '{ "hub_role": "growth", "profiles": [{ "name": "x", "account": "nowhere", "role": "r" }] }',
    });
    for (const args of [[], ['--team', 'fpa']]) {
      const result = await runRobo(['teams.access', '--repo', dotfiles, ...args], { env: box.env });
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('no access review of them');
      expect(result.stderr).toContain('teams/growth.json: /profiles/0/account: is not an account in organization.json');
    }
  });

  it('an inline policy file that is not an IAM policy: exit 3 naming it', async () => {
    const box = sandbox();
    const dotfiles = path.join(box.root, 'dotfiles');
    writeTree(dotfiles, { ...exampleTree(), 'iam/fpa-reserved-instances.json': '{ "Statement": "everything" }' });
    const result = await runRobo(['teams.access', '--repo', dotfiles, '--team', 'fpa'], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('iam/fpa-reserved-instances.json');
  });
});

describe('robo teams.access on the hostile corpus', () => {
  // The cases that validate the whole organisation (inline policy files included), as teams.access does.
  const cases = hostileCases.filter((testCase) => testCase.run === 'teams.validate');

  // One checkout and one home for every row (as in validation-rules.test.ts): a row's changes are
  // put back after it, and the home must be as it was after each run.
  const box = makeSandbox();
  let checkout: ReturnType<typeof sharedHostileCheckout>;
  let example: Record<string, string>;
  let applied: HostileCase | undefined;
  beforeAll(() => {
    checkout = sharedHostileCheckout(path.join(box.root, 'source'));
    example = treeState(path.join(box.root, 'source'));
  });
  afterEach(() => {
    if (!applied) return;
    checkout.restore(applied);
    applied = undefined;
    expect(treeState(path.join(box.root, 'source')), 'the shared checkout after the row is put back').toEqual(example);
  });
  afterAll(() => box.cleanup());

  it.each(cases)('$rule', async (testCase) => {
    applied = testCase;
    const dotfiles = checkout.apply(testCase);
    const before = treeState(box.home);
    const result = await runRobo(['teams.access', '--repo', dotfiles], { env: box.env });
    expect(result.code, result.stderr).toBe(testCase.code);
    for (const message of testCase.messages) {
      if (typeof message === 'string') expect(result.stderr).toContain(message);
      else expect(result.stderr).toMatch(message);
    }
    for (const text of testCase.absent ?? []) expect(result.stdout + result.stderr).not.toContain(text);
    if (testCase.code !== 0) expect(result.stdout).toBe('');
    expect(result.stdout + result.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(treeState(box.home)).toEqual(before);
  });
});

describe.runIf(process.platform === 'linux' && hasCommand('script'))('robo teams.access on a terminal', () => {
  it('prints the grid by default', async () => {
    const box = sandbox({ COLUMNS: '400', NO_COLOR: '1' });
    const command = [process.execPath, roboBin, 'teams.access'].map((word) => `'${word}'`).join(' ');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: box.env, cwd: box.home });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(text);
        else reject(new Error(`exit ${code}: ${text}`));
      });
    });
    // The terminal turns each newline into CR LF; stderr's line saying whose review it is comes first.
    expect(output.replaceAll('\r\n', '\n')).toBe(`⚠ : ${BUNDLED_EXAMPLE}\n${accessGrid(reviewOf(exampleTree()))}\n`);
  });
});
