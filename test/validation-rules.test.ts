/**
 * Every validation rule, one row each (the hostile corpus, fixtures/hostile.ts),
 * run in process against the stage that owns it, on real files in a temp
 * folder: definitions.ts reads them (sizes, links, FIFOs, UTF-8, the folder),
 * validate.ts checks them (strict JSON, text hygiene, the schema, the
 * cross-file rules), organization-wide.ts adds the inline policy files the
 * IAM roles name (as teams.validate runs it), repo-path.ts refuses a robo.yml that is no regular file
 * (and parse.ts one whose aliases would expand without bound),
 * and aws.config's core checks the team's name. Each row asserts the message
 * that names the file and the field, as problems.ts formats it, and the exit
 * code the CLI maps it to. hostile.e2e.test.ts runs a few of these rows
 * through the binary to prove the wiring (message, exit code, nothing
 * written, no stack trace).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncAwsConfig } from '../src/aws-config/sync.js';
import { visible } from '../src/ui.js';
import { ExitCode, RoboError } from '../src/errors.js';
import { loadDefinitions } from '../src/definitions/definitions.js';
import { formatProblem } from '../src/validate/problems.js';
import { regularFileInRepo } from '../src/definitions/repo-path.js';
import { requireValid } from '../src/commands/robofile.js';
import { loadRoboFile } from '../src/robofile/load.js';
import { validateDefinitions } from '../src/validate/validate.js';
import { validateOrganizationWide } from '../src/validate/organization-wide.js';
import { hostileCases, type HostileCase } from './fixtures/hostile.js';
import { treeState } from './helpers/files.js';
import { sharedHostileCheckout } from './helpers/hostile-checkout.js';
import { makeSandbox, sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/**
 * One checkout for every row: each row writes its own changes over the
 * example, and they are put back after it; the checkout must then be the
 * example again, byte for byte, or the next row would read what this one left.
 */
const shared = makeSandbox();
let checkout: ReturnType<typeof sharedHostileCheckout>;
let example: Record<string, string>;
let applied: HostileCase | undefined;
beforeAll(() => {
  checkout = sharedHostileCheckout(shared.root);
  example = treeState(shared.root);
});
afterEach(() => {
  if (!applied) return;
  checkout.restore(applied);
  applied = undefined;
  expect(treeState(shared.root), 'the shared checkout after the row is put back').toEqual(example);
});
afterAll(() => shared.cleanup());

interface Outcome {
  /** The exit code the CLI maps the outcome to. */
  code: number;
  /** What the CLI prints for it (control characters made visible): the error and its details, or each problem as `file: /pointer: message (got value)`. */
  lines: string[];
  /** Problems in other teams' files, which do not block the run. */
  warnings: string[];
}

/** A typed error as the CLI's one exit point reports it: its message and details, its exit code. */
async function outcomeOf(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof RoboError)) throw error;
    return { code: error.exitCode, lines: [error.message, ...error.details].map(visible), warnings: [] };
  }
}

/** The definition files: read, then validated for `team`; an error of the organisation or your team is exit 3. */
async function validateForTeam(dir: string, team: string): Promise<Outcome> {
  const result = validateDefinitions(await loadDefinitions(dir), team);
  return {
    code: result.errors.length > 0 ? ExitCode.invalidDefinitions : ExitCode.ok,
    lines: result.errors.map(formatProblem).map(visible),
    warnings: result.warnings.map(formatProblem).map(visible),
  };
}

/** Every file and every inline policy file, every problem an error: what teams.validate reports. */
async function validateWhole(dir: string): Promise<Outcome> {
  const { errors } = await validateOrganizationWide(await loadDefinitions(dir));
  return {
    code: errors.length > 0 ? ExitCode.invalidDefinitions : ExitCode.ok,
    lines: errors.map(formatProblem).map(visible),
    warnings: [],
  };
}

/** The stage that owns the case's rule. */
function check(testCase: HostileCase, dir: string): Promise<Outcome> {
  if (testCase.run === 'robo.yml task')
    return outcomeOf(async () => {
      const file = await regularFileInRepo(dir, 'robo.yml');
      // Then the parser, which refuses what is in the file (an alias bomb), as a task run would.
      if (file) requireValid(await loadRoboFile(file, false));
      return { code: ExitCode.ok, lines: [], warnings: [] };
    });
  if (testCase.team !== undefined)
    // The team's name is aws.config's to check, before and after the source is read; in a home of its own.
    return outcomeOf(async () => {
      const box = sandbox({ SEGMENT_TEAM: testCase.team });
      await syncAwsConfig({ team: testCase.team, teamOrigin: '$SEGMENT_TEAM', repo: dir, env: box.env, cwd: box.home });
      return { code: ExitCode.ok, lines: [], warnings: [] };
    });
  if (testCase.run === 'teams.validate') return outcomeOf(() => validateWhole(dir));
  return outcomeOf(() => validateForTeam(dir, 'platform'));
}

describe('every validation rule, in process', () => {
  it('the corpus has a row for each of at least 100 rules, each named once', () => {
    const rules = hostileCases.map((testCase) => testCase.rule);
    expect(new Set(rules).size).toBe(rules.length);
    expect(rules.length).toBeGreaterThanOrEqual(100);
  });

  it('each refusal of a definition file names the file and the field first (file: /pointer: ...)', () => {
    for (const testCase of hostileCases) {
      if (testCase.team !== undefined || testCase.run === 'robo.yml task' || testCase.code === 0) continue;
      const first = testCase.messages[0];
      // The exceptions are refusals of the folder as a whole (a linked teams/, too many bytes or files), which name it.
      if (first instanceof RegExp) expect(first.source, testCase.rule).toMatch(/teams|organization/);
      else expect(first, testCase.rule).toMatch(/^(organization\.json|(teams|iam)\/[^:]+\.json): \/.*?: \S/);
    }
  });

  it.each(hostileCases)('$rule', async (testCase) => {
    applied = testCase;
    const outcome = await check(testCase, checkout.apply(testCase));
    const text = outcome.lines.join('\n');
    expect(outcome.code, text).toBe(testCase.code);
    for (const message of testCase.messages) {
      if (typeof message === 'string') expect(text).toContain(message);
      else expect(text).toMatch(message);
    }
    for (const absent of testCase.absent ?? []) expect(text).not.toContain(absent);
    // Other teams' problems are warnings, listed but not blocking; the example's teams have none of their own.
    if (testCase.warns) for (const warning of testCase.warns) expect(outcome.warnings.join('\n')).toContain(warning);
    else expect(outcome.warnings).toEqual([]);
    if (testCase.code === 0) expect(outcome.lines).toEqual([]);
  });
});
