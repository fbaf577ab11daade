/**
 * Issue #14 part 4: the Terraform and the AWS configs cannot disagree. Over
 * generated organisations (shared roles, "*" accounts, role paths, three
 * partitions, teams without spokes, hub roles shared by teams), with every
 * team's config rendered as aws.config writes it and the Terraform read back
 * from its JSON:
 * 1. every role_arn a team's config holds is a role the Terraform creates;
 * 2. that role's trust names the team's hub role (and names no hub role
 *    whose team does not reach it);
 * 3. the hub role's policy allows sts:AssumeRole on exactly the spoke ARNs of
 *    its team's profiles (of its teams', when teams share a hub role).
 * Issue #15, the sso form (IAM Identity Center makes the hub roles): 1 holds
 * and no other role is created; 2 becomes: the trust, read with IAM's
 * ArnLike, admits the Identity Center role of every permission set whose
 * team reaches the role (at either path Identity Center uses, whatever its
 * suffix) and of no other permission set, with the hub account's root as
 * principal, never "*"; 3 holds for the output of each permission set's policy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Organization, Team } from '../src/definitions/model.js';
import { renderAwsConfig } from '../src/render/render.js';
import { resolveAwsConfig } from '../src/render/resolve.js';
import { resolveIam } from '../src/iam/resolve-iam.js';
import {
  ASSUME_SPOKES_POLICY,
  IDENTITY_CENTER_FILE,
  PERMISSION_SET_POLICIES,
  PROVIDERS_FILE,
  renderTerraform,
} from '../src/iam/terraform.js';
import { arnLike } from './helpers/arn-like.js';
import { terraformJsonProblems } from './helpers/terraform-json.js';

const SEED = Number(process.env.ROBO_PROPERTY_SEED ?? 141414);
const RUNS = Number(process.env.ROBO_PROPERTY_RUNS ?? 150);

const PARTITIONS: Record<string, string[]> = {
  aws: ['us-east-1', 'us-west-2', 'eu-west-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
};
const ROLES = ['admin', 'ReadOnly', 'deploy/ci-deployer', 'teams/a/b', 'x+y=z,w.v@u_t-s', 'hub-a', 'hub-b'];

interface Sample {
  organization: Organization;
  teams: Map<string, Team>;
}

const sample: fc.Arbitrary<Sample> = fc
  .record({
    partition: fc.constantFrom(...Object.keys(PARTITIONS)),
    accounts: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 6 }),
    ids: fc.uniqueArray(fc.stringMatching(/^[0-9]{12}$/), { minLength: 6, maxLength: 6 }),
    accountRegions: fc.array(fc.option(fc.nat(), { nil: undefined }), { minLength: 6, maxLength: 6 }),
    regionPick: fc.nat(),
    terraformRole: fc.option(fc.constantFrom('terraform', 'ops/terraform'), { nil: undefined }),
    teams: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
        hubRole: fc.constantFrom(...ROLES),
        profiles: fc.array(
          fc.record({
            every: fc.boolean(),
            account: fc.nat(),
            role: fc.constantFrom(...ROLES),
            region: fc.option(fc.nat(), { nil: undefined }),
          }),
          { maxLength: 5 },
        ),
      }),
      { minLength: 1, maxLength: 5, selector: (team) => team.name },
    ),
  })
  .map(({ partition, accounts, ids, accountRegions, regionPick, terraformRole, teams }) => {
    const regions = PARTITIONS[partition]!;
    const pick = (n: number) => regions[n % regions.length]!;
    const registry: Organization['accounts'] = {};
    accounts.forEach((name, index) => {
      const region = accountRegions[index];
      registry[name] = region === undefined ? { id: ids[index]! } : { id: ids[index]!, region: pick(region) };
    });
    const organization: Organization = {
      okta: { aws_saml_url: 'home/amazon_aws/0oaPROP/1' },
      hub: { account: accounts[0]!, profile: 'hub' },
      region: pick(regionPick),
      accounts: registry,
      iam: {
        saml_provider: 'okta',
        ...(terraformRole ? { terraform_role: terraformRole } : {}),
        roles: Object.fromEntries(
          ROLES.map((role, index) => [
            role,
            index % 2 === 0 ? { policies: [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`] } : {},
          ]),
        ),
      },
    };
    return {
      organization,
      teams: new Map(
        teams.map((team): [string, Team] => [
          team.name,
          {
            hub_role: team.hubRole,
            profiles: team.profiles.map((profile, index) => ({
              name: profile.every ? `p${index}-{account}` : `p${index}`,
              account: profile.every ? '*' : accounts[profile.account % accounts.length]!,
              role: profile.role,
              ...(profile.region === undefined ? {} : { region: pick(profile.region) }),
            })),
          },
        ]),
      ),
    };
  });

/**
 * Permission sets for the sso form: names that begin or end alike (Admin,
 * Admin_Extra, X_AWSReservedSSO_Admin), IAM's odd characters, 32 characters.
 */
const PERMISSION_SETS = ['Admin', 'Admin_Extra', 'X_AWSReservedSSO_Admin', 'a+b=c,d.e@f-g', 'p'.repeat(32)];

/** The same organisations signing in through sso: each team's hub_role a permission set, no saml_provider. */
const ssoSample: fc.Arbitrary<Sample> = fc
  .tuple(sample, fc.array(fc.nat(), { minLength: 5, maxLength: 5 }))
  .map(([{ organization, teams }, picks]) => {
    const { okta: _okta, iam, ...rest } = organization; // eslint-disable-line @typescript-eslint/no-unused-vars
    const { saml_provider: _saml, ...settings } = iam!; // eslint-disable-line @typescript-eslint/no-unused-vars
    return {
      organization: { ...rest, sso: { start_url: 'https://p.awsapps.com/start', region: 'us-east-1' }, iam: settings },
      teams: new Map(
        [...teams].map(([name, team], index): [string, Team] => [
          name,
          { ...team, hub_role: PERMISSION_SETS[picks[index]! % PERMISSION_SETS.length]! },
        ]),
      ),
    };
  });

/** A role as the Terraform declares it: its ARN (from its provider's account), trust, and assume policy. */
interface DeclaredRole {
  arn: string;
  saml: boolean;
  trusted: string[];
  /** The sso form's trust: its principals and the ArnLike patterns on aws:PrincipalArn. */
  principals: string[];
  patterns: string[];
  assumes: string[] | undefined;
}

type Body = Record<string, unknown>;
type Statement = {
  Action: string;
  Principal?: { AWS?: string | string[]; Federated?: string };
  Resource?: string[];
  Condition?: { ArnLike?: { 'aws:PrincipalArn'?: string[] } };
};

/** Read the roles back from the generated JSON alone: what Terraform would create. */
function declaredRoles(files: ReadonlyMap<string, string>, partition: string): Map<string, DeclaredRole> {
  // No role at all (with sso, when no team has a spoke): no provider either.
  const providers = (JSON.parse(files.get(PROVIDERS_FILE)!) as { provider?: { aws: Body[] } }).provider?.aws ?? [];
  const accountOf = new Map(
    providers.map((config) => [`aws.${config.alias as string}`, (config.allowed_account_ids as string[])[0]!]),
  );
  const roles = new Map<string, DeclaredRole>();
  const byAddress = new Map<string, DeclaredRole>();
  const resources = [...files]
    .filter(([name]) => name !== PROVIDERS_FILE && name !== IDENTITY_CENTER_FILE)
    .map(([, text]) => (JSON.parse(text) as { resource: Record<string, Record<string, Body>> }).resource);
  for (const resource of resources) {
    for (const [address, body] of Object.entries(resource.aws_iam_role ?? {})) {
      const arn = `arn:${partition}:iam::${accountOf.get(body.provider as string)!}:role${body.path as string}${body.name as string}`;
      const statements = (JSON.parse(body.assume_role_policy as string) as { Statement: Statement[] }).Statement;
      const assume = statements.filter((s) => s.Action === 'sts:AssumeRole');
      const conditional = assume.filter((s) => s.Condition !== undefined);
      const role: DeclaredRole = {
        arn,
        saml: statements.some((s) => s.Action === 'sts:AssumeRoleWithSAML' && s.Principal?.Federated !== undefined),
        trusted: assume.filter((s) => s.Condition === undefined).flatMap((s) => s.Principal?.AWS ?? []),
        principals: conditional.flatMap((s) => s.Principal?.AWS ?? []),
        patterns: conditional.flatMap((s) => s.Condition?.ArnLike?.['aws:PrincipalArn'] ?? []),
        assumes: undefined,
      };
      // One statement per kind of trust, and every condition is the ArnLike on aws:PrincipalArn read above.
      expect(conditional.length).toBeLessThanOrEqual(1);
      for (const s of conditional) expect(Object.keys(s.Condition!)).toEqual(['ArnLike']);
      expect(roles.has(arn)).toBe(false);
      roles.set(arn, role);
      byAddress.set(address, role);
    }
  }
  for (const resource of resources) {
    for (const body of Object.values(resource.aws_iam_role_policy ?? {})) {
      if (body.name !== ASSUME_SPOKES_POLICY) continue;
      const address = /^\$\{aws_iam_role\.(.+)\.name\}$/.exec(body.role as string)![1]!;
      const statements = (JSON.parse(body.policy as string) as { Statement: Statement[] }).Statement;
      byAddress.get(address)!.assumes = statements.flatMap((s) => (s.Action === 'sts:AssumeRole' ? s.Resource! : []));
    }
  }
  return roles;
}

/** The role_arn lines of a rendered config, as aws.config writes them: the hub's first. */
function roleArns(text: string): string[] {
  return [...text.matchAll(/^role_arn = (.+)$/gm)].map((match) => match[1]!);
}

/** The ARNs Identity Center may give a permission set's role in the hub account: either path, any suffix. */
function identityCenterRoles(partition: string, hubId: string, permissionSet: string, suffix: string): string[] {
  const role = `AWSReservedSSO_${permissionSet}_${suffix}`;
  return [
    `arn:${partition}:iam::${hubId}:role/aws-reserved/sso.amazonaws.com/${role}`,
    `arn:${partition}:iam::${hubId}:role/aws-reserved/sso.amazonaws.com/eu-central-1/${role}`,
  ];
}

describe('the Terraform and the AWS configs agree', () => {
  it('for every team: its spoke roles exist, trust its hub role, and its hub role may assume exactly them', () => {
    fc.assert(
      fc.property(sample, ({ organization, teams }) => {
        const files = renderTerraform(resolveIam(organization, teams, new Map()));
        expect(terraformJsonProblems(files)).toEqual([]);
        const partition = Object.keys(PARTITIONS).find((name) => PARTITIONS[name]!.includes(organization.region))!;
        const roles = declaredRoles(files, partition);

        const spokesOf = new Map<string, Set<string>>(); // hub role ARN → spoke ARNs of its teams
        const reachedBy = new Map<string, Set<string>>(); // spoke ARN → hub role ARNs that reach it
        for (const [name, team] of teams) {
          const [hub, ...spokes] = roleArns(renderAwsConfig(resolveAwsConfig(organization, name, team)));
          const hubRole = roles.get(hub!);
          expect(hubRole?.saml, `${name}: hub role ${hub} with the SAML trust`).toBe(true);
          for (const spoke of spokes) {
            const role = roles.get(spoke);
            expect(role, `${name}: ${spoke} is created`).toBeDefined();
            expect(role!.trusted, `${spoke} trusts ${hub}`).toContain(hub);
            (spokesOf.get(hub!) ?? spokesOf.set(hub!, new Set()).get(hub!)!).add(spoke);
            (reachedBy.get(spoke) ?? reachedBy.set(spoke, new Set()).get(spoke)!).add(hub!);
          }
          if (spokes.length === 0 && !spokesOf.has(hub!)) spokesOf.set(hub!, new Set());
        }
        for (const [hub, spokes] of spokesOf) {
          const allowed = roles.get(hub)!.assumes ?? [];
          expect(allowed, `${hub} assumes exactly its teams' spokes`).toEqual([...spokes].sort());
        }
        for (const role of roles.values()) {
          expect(role.trusted, `${role.arn} trusts only the hub roles that reach it`).toEqual(
            [...(reachedBy.get(role.arn) ?? [])].sort(),
          );
          if (!role.saml) expect(role.assumes).toBeUndefined();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with sso: the spoke roles exist, trust exactly the Identity Center roles of their teams’ permission sets, and each permission set’s policy allows exactly its teams’ spokes', () => {
    fc.assert(
      fc.property(ssoSample, fc.stringMatching(/^[0-9a-f]{16}$/), ({ organization, teams }, suffix) => {
        const files = renderTerraform(resolveIam(organization, teams, new Map()));
        expect(terraformJsonProblems(files)).toEqual([]);
        const partition = Object.keys(PARTITIONS).find((name) => PARTITIONS[name]!.includes(organization.region))!;
        const hubId = organization.accounts[organization.hub.account]!.id;
        const roles = declaredRoles(files, partition);

        const spokesOf = new Map<string, Set<string>>(); // permission set → spoke ARNs of its teams
        const reachedBy = new Map<string, Set<string>>(); // spoke ARN → permission sets whose teams reach it
        for (const [name, team] of teams) {
          const text = renderAwsConfig(resolveAwsConfig(organization, name, team));
          expect(text).toContain(`sso_role_name = ${team.hub_role}\n`);
          const spokes = roleArns(text); // with sso the hub has no role_arn: these are the spokes
          for (const spoke of spokes) {
            expect(roles.get(spoke), `${name}: ${spoke} is created`).toBeDefined();
            (spokesOf.get(team.hub_role) ?? spokesOf.set(team.hub_role, new Set()).get(team.hub_role)!).add(spoke);
            (reachedBy.get(spoke) ?? reachedBy.set(spoke, new Set()).get(spoke)!).add(team.hub_role);
          }
        }
        for (const role of roles.values()) {
          const trusting = reachedBy.get(role.arn);
          expect(trusting, `${role.arn} is a spoke some team reaches: no hub role is created`).toBeDefined();
          expect(role.saml).toBe(false);
          expect(role.trusted).toEqual([]);
          expect(role.assumes).toBeUndefined();
          expect(role.principals, `${role.arn}: the hub account, never "*"`).toEqual([
            `arn:${partition}:iam::${hubId}:root`,
          ]);
          for (const permissionSet of PERMISSION_SETS)
            for (const candidate of identityCenterRoles(partition, hubId, permissionSet, suffix))
              expect(
                role.patterns.some((pattern) => arnLike(candidate, pattern)),
                `${role.arn} admits ${candidate}`,
              ).toBe(trusting!.has(permissionSet));
        }

        const output = files.get(IDENTITY_CENTER_FILE);
        const policies = output
          ? (JSON.parse(output) as { output: Record<string, { value: Record<string, string> }> }).output[
              PERMISSION_SET_POLICIES
            ]!.value
          : {};
        expect(Object.keys(policies).sort()).toEqual([...spokesOf.keys()].sort());
        for (const [permissionSet, spokes] of spokesOf) {
          const { Statement } = JSON.parse(policies[permissionSet]!) as { Statement: Statement[] };
          expect(Statement.map((s) => s.Action)).toEqual(['sts:AssumeRole']);
          expect(Statement[0]!.Resource, `${permissionSet} assumes exactly its teams' spokes`).toEqual(
            [...spokes].sort(),
          );
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
