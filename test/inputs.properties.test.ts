/**
 * No input file makes robo crash (issue #10, class 5). Random bytes, random
 * JSON values, deep nesting and damaged copies of the real files are thrown
 * at organization.json, at the engineer's own team file and at another
 * team's file. Whatever happens: the exit code is a documented one and never
 * 1 (a bug in robo), every problem can be printed, a failed run writes
 * nothing, and another team's broken file is only a warning. Most cases run
 * in-process through the core functions (syncAwsConfig, validateTeams); a
 * few run the binary. robo's own settings file gets the same treatment.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syncAwsConfig } from '../src/aws-config/sync.js';
import { ExitCode, RoboError, UsageError } from '../src/errors.js';
import { formatProblem } from '../src/validate/problems.js';
import { readSettings } from '../src/settings.js';
import { formatCheckoutProblem, validateTeams } from '../src/teams.js';
import { treeState } from './helpers/files.js';
import { exampleTree, writeTree } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const SEED = Number(process.env.ROBO_PROPERTY_SEED ?? 424242);
const RUNS = Number(process.env.ROBO_PROPERTY_RUNS ?? 40);

/** Every documented exit code but 1, which means a bug in robo. */
const ALLOWED: readonly number[] = Object.values(ExitCode).filter((code) => code !== ExitCode.internal);

const example = exampleTree();
const ORGANIZATION = 'organization.json';
const OWN = 'teams/platform.json';
const OTHER = 'teams/growth.json';

/** Deeply nested text, closed or not: the shapes that once overflowed the stack. */
const deep = fc
  .tuple(
    fc.constantFrom('[', '{"a":', '[},', '{"profiles": [', '[\n', '[1,'),
    fc.integer({ min: 20, max: 100_000 }),
    fc.boolean(),
  )
  .map(([unit, count, closed]) => unit.repeat(count) + (closed ? ']'.repeat(count) : ''));
/** A real file with random JSON (or nesting) spliced in somewhere. */
const spliced = (file: string) =>
  fc.tuple(fc.nat(), fc.oneof(fc.json({ maxDepth: 4 }), deep)).map(([at, inserted]) => {
    const text = example[file]!;
    const offset = at % text.length;
    return text.slice(0, offset) + inserted + text.slice(offset);
  });
/** A real file with one field set to any JSON value, nested or not. */
const reshaped = (file: string) =>
  fc
    .tuple(
      fc.constantFrom('description', 'okta', 'hub', 'accounts', 'hub_role', 'profiles', 'region', 'x'),
      fc.jsonValue({ maxDepth: 6 }),
    )
    .map(([key, value]) => {
      const data = JSON.parse(example[file]!) as Record<string, unknown>;
      data[key] = value;
      return JSON.stringify(data);
    });
const content = (file: string): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
    fc.json({ maxDepth: 8 }).map((text) => Buffer.from(text)),
    deep.map((text) => Buffer.from(text)),
    spliced(file).map((text) => Buffer.from(text)),
    reshaped(file).map((text) => Buffer.from(text)),
  );

const hostileFile = fc
  .constantFrom(ORGANIZATION, OWN, OTHER)
  .chain((file) => content(file).map((bytes) => ({ file, bytes })));

/** The file each dotfiles folder has replaced (undefined: none yet). */
const replaced = new Map<string, string | undefined>();

/**
 * A local dotfiles folder with the example files and one of them replaced. The
 * example is written once per folder; after that only the file the last case
 * replaced is put back (writing all of it per case was half the file's time).
 */
function dotfiles(root: string, change: { file: string; bytes: Buffer }): string {
  const dir = path.join(root, 'dotfiles');
  if (!replaced.has(dir)) writeTree(dir, example);
  const previous = replaced.get(dir);
  if (previous !== undefined) writeTree(dir, { [previous]: example[previous]! });
  writeFileSync(path.join(dir, change.file), change.bytes);
  replaced.set(dir, change.file);
  return dir;
}

/** The exit code the CLI would give for what a core function did. */
async function exitCodeOf(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    return error instanceof RoboError ? error.exitCode : ExitCode.internal;
  }
}

describe('hostile definition files never crash robo', () => {
  it(`aws.config, in-process: a documented code, never 1; nothing written on failure; another team's file only warns (${RUNS * 3} cases, seed ${SEED})`, async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    await fc.assert(
      fc.asyncProperty(hostileFile, async (change) => {
        const dir = dotfiles(box.root, change);
        writeFileSync(box.awsConfig, '[default]\nregion = eu-north-1\n');
        // Each run that writes backs that config up: without this the folder grows by a file a case, and
        // hashing all of it twice a case was a seventh of the test's CPU.
        rmSync(box.backupDir, { recursive: true, force: true });
        const before = [treeState(box.home), treeState(box.backupDir)];
        let warnings: string[] = [];
        const code = await exitCodeOf(async () => {
          const result = await syncAwsConfig({
            team: 'platform',
            teamOrigin: '--team',
            repo: dir,
            env: box.env,
            cwd: box.root,
          });
          warnings = result.warnings.map(formatProblem);
          return ExitCode.ok;
        });
        expect(ALLOWED).toContain(code);
        if (code !== ExitCode.ok) expect([treeState(box.home), treeState(box.backupDir)]).toEqual(before);
        if (change.file === OTHER) {
          // Yours is fine, so the run is; whatever is wrong with the other file is a warning naming it.
          expect(code).toBe(ExitCode.ok);
          for (const line of warnings) expect(line.startsWith(`${OTHER}: `), line).toBe(true);
        }
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it(`teams.validate, in-process: a documented code, never 1, and every problem names its file (${RUNS} cases, seed ${SEED + 1})`, async () => {
    const box = sandbox();
    await fc.assert(
      fc.asyncProperty(hostileFile, async (change) => {
        const dir = dotfiles(box.root, change);
        let problems: string[] = [];
        const code = await exitCodeOf(async () => {
          const report = await validateTeams({ path: dir, cwd: box.root, env: box.env });
          problems = report.problems.map(formatCheckoutProblem);
          return problems.length > 0 ? ExitCode.invalidDefinitions : ExitCode.ok;
        });
        expect(ALLOWED).toContain(code);
        for (const line of problems) expect(line).toMatch(/^(organization\.json|teams\/[^/]+\.json): /);
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it('through the binary: a handful of cases, each refused or warned about with the file named', async () => {
    const samples = fc.sample(hostileFile, { numRuns: 2, seed: SEED + 2 });
    const cases = [
      { file: OWN, bytes: Buffer.from('['.repeat(100_000)) },
      { file: ORGANIZATION, bytes: Buffer.from('[},'.repeat(100_000)) },
      { file: OTHER, bytes: Buffer.from('{"profiles": ['.repeat(50_000)) },
      ...samples,
    ];
    for (const change of cases) {
      const box = sandbox({ SEGMENT_TEAM: 'platform' });
      const dir = dotfiles(box.root, change);
      const before = [treeState(box.home), treeState(box.backupDir)];
      const result = await runRobo(['aws.config', '--repo', dir], { env: box.env });
      const context = `${change.file}: ${change.bytes.subarray(0, 60).toString('latin1')}...\n${result.stderr}`;
      expect(ALLOWED, context).toContain(result.code);
      expect(result.stderr, context).not.toContain('internal error');
      if (result.code !== 0) expect([treeState(box.home), treeState(box.backupDir)], context).toEqual(before);
      if (change.file === OTHER) expect(result.code, context).toBe(0);
      if (result.code !== 0) expect(result.stderr, context).toContain(`${change.file}: `);
      const validated = await runRobo(['teams.validate', dir], { env: box.env });
      expect(ALLOWED, validated.stderr).toContain(validated.code);
      expect(validated.stderr).not.toContain('internal error');
    }
  });
});

describe("robo's settings file never crashes robo", () => {
  it(`any text is read or refused as a usage error (exit 2), never anything else (${RUNS * 5} cases)`, async () => {
    const box = sandbox();
    const file = path.join(box.root, 'settings');
    const piece = fc.constantFrom(
      '[',
      ']',
      '.',
      '=',
      '\n',
      ' ',
      '"',
      ';',
      '#',
      '\\',
      '[]',
      '__proto__',
      'constructor',
      'toString',
      'dotfiles',
      'trust',
      'repo',
      'ref',
      'require_signed',
      'allowed_signers',
      'true',
      'a',
    );
    const text = fc
      .array(fc.tuple(piece, fc.integer({ min: 1, max: 40 })), { maxLength: 20 })
      .map((runs) => runs.map(([unit, count]) => unit.repeat(count)).join(''));
    const readOrRefused = async (settings: string) => {
      writeFileSync(file, settings);
      try {
        await readSettings(file);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
      }
    };
    // One section name 50,000 dots deep: a fixed case, checked once (in the property it was a third of the runs).
    await readOrRefused(`[${'a.'.repeat(50_000)}b]\nx = 1\n`);
    await fc.assert(fc.asyncProperty(fc.oneof(text, fc.string({ maxLength: 200 })), readOrRefused), {
      numRuns: RUNS * 5,
      seed: SEED + 3,
    });
  });
});
