/**
 * checkIamSizes (src/iam/sizes.ts): IAM's size limits on what
 * iam.terraform writes, measured on the written text. Each case builds an
 * organisation whose policy lands exactly on a size (role and permission set
 * names padded a character at a time), then asks the rule: at a limit
 * passes, one character over does not; over an adjustable default is a
 * warning, over the maximum an error.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyDocument, Team } from '../src/definitions/model.js';
import { resolveIam, type IamModel } from '../src/iam/resolve-iam.js';
import { assumeSpokesPolicy, renderTerraform, roleInlinePolicies, trustPolicyText } from '../src/iam/terraform.js';
import {
  checkIamSizes,
  iamCharacters,
  MANAGED_POLICIES_DEFAULT,
  MANAGED_POLICIES_MAX,
  PERMISSION_SET_INLINE_MAX,
  ROLE_INLINE_MAX,
  TRUST_POLICY_DEFAULT,
  TRUST_POLICY_MAX,
} from '../src/iam/sizes.js';
import { formatProblem } from '../src/validate/problems.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatCheckoutProblem, validateTeams } from '../src/teams.js';
import { loadDefinitions } from '../src/definitions/definitions.js';
import { validateOrganizationWide } from '../src/validate/organization-wide.js';
import { exampleTree, makeDotfilesRepo, writeTree } from './helpers/git.js';
import { crowdedTree, smallOrg, smallSsoOrg } from './helpers/iam-org.js';
import { runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/**
 * Names `${prefix}0` … (count of them), each padded with "x" up to maxLength,
 * so that size(names) is as large as it gets without passing `target`, given
 * that each character adds `perCharacter` to it. Bounded: one pass per name.
 */
function fit(
  target: number,
  count: number,
  size: (names: string[]) => number,
  options: { prefix: string; maxLength: number; perCharacter: number },
): { names: string[]; size: number } {
  const names = Array.from({ length: count }, (_, index) => `${options.prefix}${index}`);
  let room = Math.floor((target - size(names)) / options.perCharacter);
  if (room < 0) throw new Error(`${count} names are already over ${target}`);
  for (let index = 0; index < names.length && room > 0; index++) {
    const add = Math.min(room, options.maxLength - names[index]!.length);
    names[index] += 'x'.repeat(add);
    room -= add;
  }
  if (room > 0) throw new Error(`${count} names cannot reach ${target}`);
  return { names, size: size(names) };
}

/** okta: one team per hub role, each with a profile on ReadOnly in prod: ReadOnly's trust lists every hub role. */
function oktaTrust(hubRoles: string[]): { model: IamModel; teams: Map<string, Team> } {
  const { organization, inlinePolicies } = smallOrg();
  for (const hub of hubRoles) organization.iam!.roles[hub] = {};
  const teams = new Map<string, Team>(
    hubRoles.map((hub) => [hub, { hub_role: hub, profiles: [{ name: 'prod', account: 'prod', role: 'ReadOnly' }] }]),
  );
  return { model: resolveIam(organization, teams, inlinePolicies), teams };
}

/** sso: one team per permission set, each with a profile on ReadOnly in prod: its trust lists two patterns per set. */
function ssoTrust(permissionSets: string[]): { model: IamModel; teams: Map<string, Team> } {
  const { organization, inlinePolicies } = smallSsoOrg();
  const teams = new Map<string, Team>(
    permissionSets.map((set) => [
      set,
      { hub_role: set, profiles: [{ name: 'prod', account: 'prod', role: 'ReadOnly' }] },
    ]),
  );
  return { model: resolveIam(organization, teams, inlinePolicies), teams };
}

/** One team whose profiles reach a role per name in dev (okta: its hub role fpa gets the assume policy; sso: its permission set). */
function manySpokes(
  roles: string[],
  sso: boolean,
  inline?: PolicyDocument,
): { model: IamModel; teams: Map<string, Team> } {
  const { organization, inlinePolicies: policies } = sso ? smallSsoOrg() : smallOrg();
  for (const role of roles) organization.iam!.roles[role] = {};
  const inlinePolicies = new Map(policies);
  if (inline) inlinePolicies.set('policies/reserved-instances.json', inline);
  const profiles = roles.map((role) => ({ name: `dev-${role}`, account: 'dev', role }));
  const teams = new Map<string, Team>([['fpa', { hub_role: 'fpa', profiles }]]);
  return { model: resolveIam(organization, teams, inlinePolicies), teams };
}

const roleIn = (model: IamModel, account: string, role: string) =>
  model.accounts.find((entry) => entry.name === account)!.roles.find((entry) => entry.role === role)!;
const trustSize = (model: IamModel) => iamCharacters(trustPolicyText(model, roleIn(model, 'prod', 'ReadOnly')));
const check = ({ model, teams }: { model: IamModel; teams: Map<string, Team> }) => {
  const { errors, warnings } = checkIamSizes(model, teams);
  return { errors: errors.map(formatProblem), warnings: warnings.map(formatProblem) };
};

describe('a spoke role’s trust policy (IAM quota "Role trust policy length")', () => {
  const oktaAt = (target: number) => {
    // Enough teams for hub role names of at most 64 characters to reach the target.
    const count = Math.ceil(target / 90);
    const { names, size } = fit(target, count, (names) => trustSize(oktaTrust(names).model), {
      prefix: 'hub-',
      maxLength: 64,
      perCharacter: 1,
    });
    expect(size).toBe(target);
    return oktaTrust(names);
  };

  it.each([
    ['the default, exactly', TRUST_POLICY_DEFAULT, 'ok'],
    ['one over the default', TRUST_POLICY_DEFAULT + 1, 'warning'],
    ['the maximum, exactly', TRUST_POLICY_MAX, 'warning'],
    ['one over the maximum', TRUST_POLICY_MAX + 1, 'error'],
  ] as const)('okta, %s (%i characters): %s', (_case, size, expected) => {
    const { errors, warnings } = check(oktaAt(size));
    expect(errors.length > 0 ? 'error' : warnings.length > 0 ? 'warning' : 'ok').toBe(expected);
    expect([...errors, ...warnings].length).toBeLessThanOrEqual(1);
  });

  it('says where, how large, the limit and what to do: a warning names the quota to raise', () => {
    const { errors, warnings } = check(oktaAt(TRUST_POLICY_DEFAULT + 1));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      `organization.json: /iam/roles/ReadOnly: its trust policy in account prod holds 2049 characters (white space not counted), trusting ${Math.ceil(2049 / 90)} hub role(s): over IAM's default of 2048, terraform apply fails (LimitExceeded) unless the quota "Role trust policy length" (L-C07B4B0D) of that account is raised to at least 2049 (at most 8192); raise it, or give some of these teams a role of their own`,
    ]);
    const over = check(oktaAt(TRUST_POLICY_MAX + 1));
    expect(over.warnings).toEqual([]);
    expect(over.errors).toEqual([
      `organization.json: /iam/roles/ReadOnly: its trust policy in account prod holds 8193 characters (white space not counted), trusting ${Math.ceil(8193 / 90)} hub role(s): IAM takes at most 8192, even with its quota "Role trust policy length" raised; give some of these teams a role of their own`,
    ]);
  });

  it('sso: the largest trust within a limit passes, one character more of a permission set name does not', () => {
    // Each permission set is two ArnLike patterns, so a character of its name is two of the trust.
    for (const [limit, within, over] of [
      [TRUST_POLICY_DEFAULT, 'ok', 'warning'],
      [TRUST_POLICY_MAX, 'warning', 'error'],
    ] as const) {
      // A set is 208 to 262 characters of trust (a name of 3 to 31), the rest about 250.
      const count = Math.round((limit - 250) / 235);
      const { names, size } = fit(limit, count, (names) => trustSize(ssoTrust(names).model), {
        prefix: 'ps-',
        maxLength: 31, // one short of the 32 a permission set may have, for the character more
        perCharacter: 2,
      });
      expect(size).toBeGreaterThanOrEqual(limit - 1);
      const at = check(ssoTrust(names));
      expect(at.errors.length > 0 ? 'error' : at.warnings.length > 0 ? 'warning' : 'ok').toBe(within);
      const longer = [...names.slice(0, -1), `${names.at(-1)!}x`];
      expect(trustSize(ssoTrust(longer).model)).toBe(size + 2);
      const past = check(ssoTrust(longer));
      expect(past.errors.length > 0 ? 'error' : past.warnings.length > 0 ? 'warning' : 'ok').toBe(over);
      expect([...past.errors, ...past.warnings][0]).toMatch(
        new RegExp(
          `^organization\\.json: /iam/roles/ReadOnly: its trust policy in account prod holds ${size + 2} characters \\(white space not counted\\), trusting the roles of ${count} permission set\\(s\\): `,
        ),
      );
    }
  });

  // Each way round, so that a rule keeping the first or the last account it saw fails one of them.
  it.each(['prod', 'dev'])(
    'reports a role once, at its largest account (%s), counting the other accounts over the default',
    (largest) => {
      const { organization, inlinePolicies } = smallOrg();
      const hubs = Array.from({ length: 30 }, (_, index) => `hub-${index}-${'x'.repeat(50)}`);
      for (const hub of hubs) organization.iam!.roles[hub] = {};
      const other = largest === 'prod' ? 'dev' : 'prod';
      // Every team in the largest account, 28 in the other, 25 in ops: all three over the default.
      const accountsOf = (index: number) => [largest, ...(index < 28 ? [other] : []), ...(index < 25 ? ['ops'] : [])];
      const teams = new Map<string, Team>(
        hubs.map((hub, index) => [
          hub,
          {
            hub_role: hub,
            profiles: accountsOf(index).map((account) => ({ name: account, account, role: 'ReadOnly' })),
          },
        ]),
      );
      const model = resolveIam(organization, teams, inlinePolicies);
      const size = iamCharacters(trustPolicyText(model, roleIn(model, largest, 'ReadOnly')));
      expect(size).toBeGreaterThan(iamCharacters(trustPolicyText(model, roleIn(model, other, 'ReadOnly'))));
      expect(iamCharacters(trustPolicyText(model, roleIn(model, 'ops', 'ReadOnly')))).toBeGreaterThan(
        TRUST_POLICY_DEFAULT,
      );
      const { warnings, errors } = check({ model, teams });
      expect(errors).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        `its trust policy in account ${largest} (and 2 more account(s) over 2048) holds ${size} characters (white space not counted), trusting 30 hub role(s)`,
      );
    },
  );
});

describe('a role’s inline policies together (okta: robo’s assume policy on the hub role counts)', () => {
  /** fpa's inline file padded so that the hub role's policies together are `target` characters. */
  const hubRoleAt = (target: number, spokes: string[]) => {
    const document = (padding: number): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:DescribeReservedInstances', Resource: `arn:aws:s3:::${'b'.repeat(padding)}` },
      ],
    });
    const total = (padding: number) => {
      const { model } = manySpokes(spokes, false, document(padding));
      return roleInlinePolicies(roleIn(model, 'ops', 'fpa')).reduce(
        (sum, { policy }) => sum + iamCharacters(policy),
        0,
      );
    };
    const padding = target - total(1) + 1;
    expect(total(padding)).toBe(target);
    return {
      setup: manySpokes(spokes, false, document(padding)),
      file: iamCharacters(JSON.stringify(document(padding))),
    };
  };

  it.each([
    ['at the limit passes', ROLE_INLINE_MAX, 0],
    ['one over is an error (not adjustable)', ROLE_INLINE_MAX + 1, 1],
  ])('%s', (_case, size, count) => {
    const { setup, file } = hubRoleAt(size, ['a', 'b', 'c']);
    // The file alone is within the limit: only the policy robo adds takes the role over.
    expect(file).toBeLessThan(ROLE_INLINE_MAX);
    const { errors, warnings } = check(setup);
    expect(warnings).toEqual([]);
    expect(errors).toHaveLength(count);
    if (count > 0)
      expect(errors[0]).toBe(
        `organization.json: /iam/roles/fpa: its inline policies in account ops hold ${size} characters together (white space not counted, robo's policy to assume 3 spoke role(s) included); IAM takes at most 10240 per role: move statements of its inline files to a managed policy, or give its teams fewer spoke roles`,
      );
  });
});

describe('a permission set’s inline policy (sso; IAM Identity Center, not adjustable)', () => {
  const policySize = (roles: string[]) => {
    const { model } = manySpokes(roles, true);
    return iamCharacters(assumeSpokesPolicy(model.sso!.permissionSets[0]!.assumes));
  };

  it.each([
    ['at the limit passes', PERMISSION_SET_INLINE_MAX, 0],
    ['one over is an error', PERMISSION_SET_INLINE_MAX + 1, 1],
  ])('%s', (_case, target, count) => {
    const { names, size } = fit(target, Math.ceil(target / 90), policySize, {
      prefix: 'spoke-',
      maxLength: 64,
      perCharacter: 1,
    });
    expect(size).toBe(target);
    const { errors, warnings } = check(manySpokes(names, true));
    expect(warnings).toEqual([]);
    expect(errors).toHaveLength(count);
    if (count > 0)
      expect(errors[0]).toBe(
        `teams/fpa.json: /hub_role: the policy permission set fpa needs (sts:AssumeRole on its teams' ${names.length} spoke roles) holds ${target} characters (white space not counted); IAM Identity Center takes at most 10240 in a permission set's inline policy: give its teams fewer spoke roles, or split them over more permission sets (got "fpa")`,
      );
  });
});

describe('a role’s managed policies (IAM quota "Managed policies per role")', () => {
  /** ReadOnly (in all three accounts of smallOrg) with `count` managed policies. */
  const attached = (count: number) => {
    const { organization, teams, inlinePolicies } = smallOrg();
    const policies = Array.from({ length: count }, (_, index) => `arn:aws:iam::aws:policy/Policy${index}`);
    organization.iam!.roles.ReadOnly = { policies };
    return { model: resolveIam(organization, teams, inlinePolicies), teams };
  };

  it.each([
    ['none', 0, 'ok'],
    ['the default, exactly', MANAGED_POLICIES_DEFAULT, 'ok'],
    ['one over the default', MANAGED_POLICIES_DEFAULT + 1, 'warning'],
    ['the maximum (the schema allows no more)', MANAGED_POLICIES_MAX, 'warning'],
  ] as const)('%s (%i): %s', (_case, count, expected) => {
    const { errors, warnings } = check(attached(count));
    expect(errors).toEqual([]);
    expect(warnings.length > 0 ? 'warning' : 'ok').toBe(expected);
    expect(warnings.length).toBeLessThanOrEqual(1);
  });

  it('names the role once, its accounts, the quota to raise and what else to do', () => {
    expect(check(attached(11)).warnings).toEqual([
      `organization.json: /iam/roles/ReadOnly/policies: attaches 11 managed policies, in 3 account(s): over IAM's default of 10 per role, terraform apply fails (LimitExceeded) unless the quota "Managed policies per role" (L-0DA4ABF3) of those accounts is raised to at least 11 (at most 20); raise it, or merge some of them into one customer managed policy`,
    ]);
  });
});

describe('what is measured is what is written', () => {
  it('the trust size is that of the assume_role_policy in the Terraform, less white space', () => {
    const { model } = oktaTrust(['a', 'b']);
    const files = renderTerraform(model);
    const account = JSON.parse(files.get('account-prod.tf.json')!) as {
      resource: { aws_iam_role: Record<string, { assume_role_policy: string }> };
    };
    const written = account.resource.aws_iam_role['prod__ReadOnly']!.assume_role_policy;
    expect(iamCharacters(written)).toBe(trustSize(model));
    expect(written).toBe(trustPolicyText(model, roleIn(model, 'prod', 'ReadOnly')));
  });

  it('white space, which IAM does not count, is not counted', () => {
    expect(iamCharacters('{"a": [ "b",\n\t"c" ]}')).toBe('{"a":["b","c"]}'.length);
  });

  it('the bundled example and the small organisations are far within every limit (under half of each)', async () => {
    const dir = path.join(sandbox().root, 'example');
    writeTree(dir, exampleTree());
    const example = await validateOrganizationWide(await loadDefinitions(dir));
    expect(example.errors).toEqual([]);
    const orgs = [
      ['the bundled example', { ...example, organization: example.organization! }],
      ['smallOrg', smallOrg()],
      ['smallSsoOrg', smallSsoOrg()],
    ] as const;
    for (const [name, org] of orgs) {
      const model = resolveIam(org.organization, org.teams, org.inlinePolicies);
      expect(model.accounts.length, name).toBeGreaterThan(0);
      expect(checkIamSizes(model, org.teams), name).toEqual({ errors: [], warnings: [] });
      const roles = model.accounts.flatMap((account) => account.roles);
      const largest = (sizes: number[]) => Math.max(0, ...sizes);
      expect(largest(roles.map((role) => iamCharacters(trustPolicyText(model, role)))), name).toBeLessThan(
        TRUST_POLICY_DEFAULT / 2,
      );
      const inline = roles.map((role) =>
        roleInlinePolicies(role).reduce((sum, { policy }) => sum + iamCharacters(policy), 0),
      );
      expect(largest(inline), name).toBeLessThan(ROLE_INLINE_MAX / 2);
      const sets = (model.sso?.permissionSets ?? []).map(({ assumes }) => iamCharacters(assumeSpokesPolicy(assumes)));
      expect(largest(sets), name).toBeLessThan(PERMISSION_SET_INLINE_MAX / 2);
    }
  });
});

describe('the commands (in process): a warning is printed and changes nothing, an error refuses', () => {
  const warning = /organization\.json: \/iam\/roles\/ReadOnly: its trust policy in account prod holds \d{4} characters/;

  it('validateTeams (moved from validateOrganizationWide, which teams.access uses too): a warning, or a problem', async () => {
    const crowded = (count: number) => {
      const dir = path.join(sandbox().root, 'dotfiles');
      writeTree(dir, crowdedTree(count));
      return validateTeams({ path: dir, cwd: dir, env: {} });
    };
    const raised = await crowded(20);
    expect(raised.problems).toEqual([]);
    expect(raised.warnings.map(formatCheckoutProblem)).toEqual([
      expect.stringMatching(
        /^organization\.json: \/iam\/roles\/ReadOnly: its trust policy in account prod holds \d{4} characters \(white space not counted\), trusting 2[0-9] hub role\(s\): over IAM's default of 2048, .*"Role trust policy length"/,
      ),
    ]);

    const over = await crowded(85);
    expect(over.warnings).toEqual([]);
    expect(over.problems.map(formatCheckoutProblem)).toEqual([
      expect.stringMatching(
        /^organization\.json: \/iam\/roles\/ReadOnly: its trust policy in account prod holds \d{4} characters \(white space not counted\), trusting \d+ hub role\(s\): IAM takes at most 8192/,
      ),
    ]);
  });

  it('teams.validate: valid with a warning (exit 0, also in --json); over the maximum exit 3 naming the role', async () => {
    const box = sandbox();
    const dir = makeDotfilesRepo(path.join(box.root, 'raised'), crowdedTree(20));
    const valid = await runRobo(['teams.validate', dir], { env: box.env });
    expect(valid.code).toBe(0);
    expect(valid.stderr).toContain("1 IAM size(s) over a quota's default:");
    expect(valid.stderr).toMatch(warning);
    expect(valid.stderr).toContain('"Role trust policy length"');
    // --quiet keeps the warning's line (CI runs with it, and apply would fail there): the line names the role.
    const quiet = await runRobo(['teams.validate', dir, '--quiet'], { env: box.env });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe(
      "⚠ : 1 IAM size(s) over a quota's default: terraform apply fails unless it was raised (organization.json /iam/roles/ReadOnly)\n",
    );
    const json = await runRobo(['teams.validate', dir, '--json'], { env: box.env });
    const document = JSON.parse(json.stdout) as {
      ok: boolean;
      problems: unknown[];
      warnings: Array<{ text: string; line: number | null }>;
    };
    expect(document.ok).toBe(true);
    expect(document.problems).toEqual([]);
    expect(document.warnings.map((entry) => entry.text)).toEqual([expect.stringMatching(warning)]);
    expect(document.warnings[0]!.line).toBeGreaterThan(1); // the role's line in organization.json

    const over = await runRobo(['teams.validate', makeDotfilesRepo(path.join(box.root, 'over'), crowdedTree(85))], {
      env: box.env,
    });
    expect(over.code).toBe(3);
    expect(over.stderr).toMatch(
      /organization\.json: \/iam\/roles\/ReadOnly: its trust policy in account prod holds \d{4} characters .*IAM takes at most 8192/,
    );
  });

  it('iam.terraform: writes with a warning; over the maximum writes nothing (exit 3)', async () => {
    const box = sandbox();
    const raised = makeDotfilesRepo(path.join(box.root, 'raised'), crowdedTree(20));
    const out = path.join(box.root, 'out');
    const written = await runRobo(['iam.terraform', '--repo', raised, '--out', out], { env: box.env });
    expect(written.code).toBe(0);
    expect(written.stderr).toMatch(warning);
    expect(existsSync(path.join(out, 'account-prod.tf.json'))).toBe(true);
    const quiet = await runRobo(['iam.terraform', '--repo', raised, '--out', out, '--quiet'], { env: box.env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe(
      "⚠ : 1 IAM size(s) over a quota's default: terraform apply fails unless it was raised (organization.json /iam/roles/ReadOnly)\n",
    );
    // --json: the warnings in the document, each as teams.validate --json gives it (a CI script reads both).
    const json = await runRobo(['iam.terraform', '--repo', raised, '--out', out, '--json'], { env: box.env });
    expect(json.code).toBe(0);
    const { warnings } = JSON.parse(json.stdout) as { warnings: unknown[] };
    expect(warnings).toEqual([
      {
        file: 'organization.json',
        pointer: '/iam/roles/ReadOnly',
        line: expect.any(Number) as number,
        message: expect.stringMatching(/^its trust policy in account prod holds \d{4} characters/) as string,
        text: expect.stringMatching(warning) as string,
      },
    ]);
    const validated = await runRobo(['teams.validate', raised, '--json'], { env: box.env });
    expect(warnings).toEqual((JSON.parse(validated.stdout) as { warnings: unknown[] }).warnings);

    const over = makeDotfilesRepo(path.join(box.root, 'over'), crowdedTree(85));
    const refused = path.join(box.root, 'refused');
    const result = await runRobo(['iam.terraform', '--repo', over, '--out', refused], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('nothing was written');
    expect(result.stderr).toContain('IAM takes at most 8192');
    expect(existsSync(refused)).toBe(false);
  });
});
