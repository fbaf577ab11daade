/**
 * iam.terraform's pure stages: resolve-iam.ts (who trusts whom) and
 * terraform.ts (the *.tf.json files), on small organisations in memory, and
 * the output checked against Terraform's documented JSON syntax.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permissionSetRoles, resolveIam } from '../src/iam/resolve-iam.js';
import {
  ASSUME_SPOKES_POLICY,
  IDENTITY_CENTER_FILE,
  MARKER,
  PERMISSION_SET_POLICIES,
  PROVIDERS_FILE,
  address,
  inlinePolicyNames,
  renderTerraform,
} from '../src/iam/terraform.js';
import type { Team } from '../src/definitions/model.js';
import { arnLike } from './helpers/arn-like.js';
import { smallOrg, smallSsoOrg } from './helpers/iam-org.js';
import { terraformJsonProblems } from './helpers/terraform-json.js';

const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sorted)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([key, inner]) => [key, sorted(inner)]),
        )
      : value;

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const resourcesOf = (files: ReadonlyMap<string, string>, file: string) =>
  (JSON.parse(files.get(file)!) as { resource: Resources }).resource;
const documentOf = (text: unknown) => JSON.parse(text as string) as { Statement: Array<Record<string, unknown>> };

describe('resolveIam', () => {
  it('gives each team its hub role and the sorted spoke ARNs its profiles reach', () => {
    const { organization, teams, inlinePolicies } = smallOrg();
    const model = resolveIam(organization, teams, inlinePolicies);
    expect(model.okta?.samlProviderArn).toBe('arn:aws:iam::100000000001:saml-provider/okta');
    expect(model.teams).toEqual([
      {
        team: 'foundation',
        hubRoleArn: 'arn:aws:iam::100000000001:role/foundation',
        spokeArns: [
          'arn:aws:iam::100000000001:role/ReadOnly',
          'arn:aws:iam::200000000002:role/ReadOnly',
          'arn:aws:iam::200000000004:role/ReadOnly',
        ],
      },
      { team: 'fpa', hubRoleArn: 'arn:aws:iam::100000000001:role/fpa', spokeArns: [] },
      {
        team: 'platform',
        hubRoleArn: 'arn:aws:iam::100000000001:role/platform',
        spokeArns: [
          'arn:aws:iam::200000000002:role/platform-admin',
          'arn:aws:iam::200000000004:role/ReadOnly',
          'arn:aws:iam::200000000004:role/deploy/ci-deployer',
        ],
      },
    ]);
  });

  it('puts a role that several teams use once in its account, trusting every one of their hub roles', () => {
    const { organization, teams, inlinePolicies } = smallOrg();
    const prod = resolveIam(organization, teams, inlinePolicies).accounts.find((account) => account.name === 'prod')!;
    expect(prod.roles.map((role) => role.role)).toEqual(['ReadOnly', 'deploy/ci-deployer']);
    expect(prod.roles[0]!.trustedHubRoles).toEqual([
      'arn:aws:iam::100000000001:role/foundation',
      'arn:aws:iam::100000000001:role/platform',
    ]);
    expect(prod.roles[1]).toMatchObject({
      name: 'ci-deployer',
      path: '/deploy/',
      arn: 'arn:aws:iam::200000000004:role/deploy/ci-deployer',
      samlTeams: [],
    });
    expect(prod.terraformRoleArn).toBe('arn:aws:iam::200000000004:role/terraform');
  });

  it('gives a "*" profile a role in every account, the hub account included', () => {
    const { organization, teams, inlinePolicies } = smallOrg();
    const model = resolveIam(organization, teams, inlinePolicies);
    expect(model.accounts.map((account) => account.name)).toEqual(['dev', 'ops', 'prod']);
    const ops = model.accounts.find((account) => account.name === 'ops')!;
    expect(ops.roles.map((role) => [role.role, role.samlTeams, role.trustedHubRoles])).toEqual([
      ['ReadOnly', [], ['arn:aws:iam::100000000001:role/foundation']],
      ['foundation', ['foundation'], []],
      ['fpa', ['fpa'], []],
      ['platform', ['platform'], []],
    ]);
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('uses the partition of the hub region %s in every ARN', (region, partition) => {
    const { organization, teams, inlinePolicies } = smallOrg(region);
    const model = resolveIam(organization, teams, inlinePolicies);
    expect(model.okta?.samlProviderArn).toBe(`arn:${partition}:iam::100000000001:saml-provider/okta`);
    const arns = model.accounts.flatMap((account) => [
      account.terraformRoleArn!,
      ...account.roles.flatMap((role) => [role.arn, ...role.trustedHubRoles, ...role.assumes]),
    ]);
    expect(arns.length).toBeGreaterThan(10);
    for (const arn of arns) expect(arn.startsWith(`arn:${partition}:iam::`)).toBe(true);
  });

  it('is the same whatever order the teams come in', () => {
    const { organization, teams, inlinePolicies } = smallOrg();
    const reversed = new Map([...teams].reverse());
    expect(resolveIam(organization, reversed, inlinePolicies)).toEqual(resolveIam(organization, teams, inlinePolicies));
  });
});

describe('renderTerraform', () => {
  const { organization, teams, inlinePolicies } = smallOrg();
  const files = renderTerraform(resolveIam(organization, teams, inlinePolicies));

  it('writes providers.tf.json and one file per account that holds a role, each marked as robo’s', () => {
    expect([...files.keys()]).toEqual([
      PROVIDERS_FILE,
      'account-dev.tf.json',
      'account-ops.tf.json',
      'account-prod.tf.json',
    ]);
    let policies = 0;
    for (const text of files.values()) {
      expect((JSON.parse(text) as Record<string, unknown>)['//']).toBe(MARKER);
      // Two-space JSON, a final newline, keys sorted at every level (and in the policy strings).
      expect(text).toBe(`${JSON.stringify(sorted(JSON.parse(text)), null, 2)}\n`);
      for (const policy of text.matchAll(/"(?:assume_role_policy|policy)": ("(?:[^"\\]|\\.)*")/g)) {
        const document = JSON.parse(JSON.parse(policy[1]!) as string) as unknown;
        expect(JSON.stringify(document)).toBe(JSON.stringify(sorted(document)));
        policies += 1;
      }
    }
    expect(policies).toBeGreaterThan(10);
  });

  it('is valid Terraform JSON, as its documentation describes it', () => {
    expect(terraformJsonProblems(files)).toEqual([]);
  });

  it('configures one aliased aws provider per account, assuming terraform_role there', () => {
    const { terraform, provider } = JSON.parse(files.get(PROVIDERS_FILE)!) as {
      terraform: unknown;
      provider: { aws: unknown[] };
    };
    expect(terraform).toEqual({ required_providers: { aws: { source: 'hashicorp/aws', version: '>= 5.0' } } });
    expect(provider.aws).toEqual([
      {
        alias: 'dev',
        region: 'us-west-2',
        allowed_account_ids: ['200000000002'],
        assume_role: [{ role_arn: 'arn:aws:iam::200000000002:role/terraform' }],
      },
      expect.objectContaining({ alias: 'ops' }),
      expect.objectContaining({ alias: 'prod' }),
    ]);
    delete organization.iam!.terraform_role;
    const without = renderTerraform(resolveIam(organization, teams, inlinePolicies));
    expect(without.get(PROVIDERS_FILE)).not.toContain('assume_role');
    organization.iam!.terraform_role = 'terraform';
  });

  it('gives a hub role the SAML trust, its policies, and sts:AssumeRole on exactly its team’s spokes', () => {
    const ops = resourcesOf(files, 'account-ops.tf.json');
    const platform = ops.aws_iam_role!.ops__platform!;
    expect(platform).toMatchObject({ provider: 'aws.ops', name: 'platform', path: '/' });
    expect(documentOf(platform.assume_role_policy).Statement).toEqual([
      {
        Sid: 'OktaSaml',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::100000000001:saml-provider/okta' },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      },
    ]);
    const assume = ops.aws_iam_role_policy![`ops__platform__${ASSUME_SPOKES_POLICY}`]!;
    expect(assume.role).toBe('${aws_iam_role.ops__platform.name}');
    expect(documentOf(assume.policy).Statement).toEqual([
      {
        Sid: 'AssumeSpokeRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [
          'arn:aws:iam::200000000002:role/platform-admin',
          'arn:aws:iam::200000000004:role/ReadOnly',
          'arn:aws:iam::200000000004:role/deploy/ci-deployer',
        ],
      },
    ]);
    expect(ops.aws_iam_role_policy_attachment!['ops__platform__aws_ReadOnlyAccess']).toEqual({
      provider: 'aws.ops',
      role: '${aws_iam_role.ops__platform.name}',
      policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
  });

  it('gives a team without spokes no assume policy, and carries its managed and inline policies', () => {
    const ops = resourcesOf(files, 'account-ops.tf.json');
    expect(Object.keys(ops.aws_iam_role_policy!).filter((name) => name.startsWith('ops__fpa__'))).toEqual([
      'ops__fpa__reserved-instances',
    ]);
    expect(ops.aws_iam_role!.ops__fpa).toMatchObject({
      description: 'Financial planning: billing',
      max_session_duration: 43200,
    });
    expect(ops.aws_iam_role_policy!['ops__fpa__reserved-instances']!.policy).toBe(
      '{"Statement":[{"Action":["ec2:DescribeReservedInstances"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    );
    expect(ops.aws_iam_role_policy_attachment!['ops__fpa__aws_job-function_Billing']!.policy_arn).toBe(
      'arn:aws:iam::aws:policy/job-function/Billing',
    );
  });

  it('gives a spoke role a trust naming exactly the hub roles of the teams that use it, created after them', () => {
    const prod = resourcesOf(files, 'account-prod.tf.json');
    const readOnly = prod.aws_iam_role!.prod__ReadOnly!;
    expect(documentOf(readOnly.assume_role_policy).Statement).toEqual([
      {
        Sid: 'HubRoles',
        Effect: 'Allow',
        Principal: {
          AWS: ['arn:aws:iam::100000000001:role/foundation', 'arn:aws:iam::100000000001:role/platform'],
        },
        Action: 'sts:AssumeRole',
      },
    ]);
    expect(readOnly.depends_on).toEqual(['aws_iam_role.ops__foundation', 'aws_iam_role.ops__platform']);
    expect(prod.aws_iam_role!['prod__deploy_ci-deployer']).toMatchObject({ name: 'ci-deployer', path: '/deploy/' });
  });

  it('keeps "${" and "%{" of the user’s text literal (Terraform reads every string as a template)', () => {
    const prod = resourcesOf(files, 'account-prod.tf.json');
    expect(prod.aws_iam_role!['prod__deploy_ci-deployer']!.description).toBe('Deploys $${var.nothing} %%{ if x }');
    expect(prod.aws_iam_role_policy!['prod__deploy_ci-deployer__deploy']!.policy).toContain(
      'arn:aws:s3:::deploys/$${aws:username}/*',
    );
  });

  it('writes the same bytes for the same model, whatever the order of keys and teams', () => {
    const again = smallOrg();
    const shuffled = new Map([...again.teams].reverse());
    const roles = again.organization.iam!.roles;
    again.organization.iam!.roles = Object.fromEntries(Object.entries(roles).reverse());
    expect(renderTerraform(resolveIam(again.organization, shuffled, again.inlinePolicies))).toEqual(files);
  });

  it('gives an organisation without teams the terraform block alone', () => {
    const empty = renderTerraform(resolveIam(organization, new Map(), inlinePolicies));
    expect([...empty.keys()]).toEqual([PROVIDERS_FILE]);
    expect(Object.keys(JSON.parse(empty.get(PROVIDERS_FILE)!) as object)).toEqual(['//', 'terraform']);
    expect(terraformJsonProblems(empty)).toEqual([]);
  });

  it('uses the partition in providers, trusts and policies (aws-cn)', () => {
    const cn = smallOrg('cn-north-1');
    const text = [...renderTerraform(resolveIam(cn.organization, cn.teams, cn.inlinePolicies)).values()].join('');
    expect(text).toContain('arn:aws-cn:iam::100000000001:saml-provider/okta');
    expect(text).not.toMatch(/arn:aws:iam/);
  });

  it('refuses nothing valid: a hub role that is also a spoke role trusts SAML and the hub roles both, without depending on itself', () => {
    const { organization, teams: base, inlinePolicies } = smallOrg();
    const teams = new Map<string, Team>([
      ...base,
      ['self', { hub_role: 'ReadOnly', profiles: [{ name: 'x', account: 'ops', role: 'ReadOnly' }] }],
    ]);
    const out = renderTerraform(resolveIam(organization, teams, inlinePolicies));
    expect(terraformJsonProblems(out)).toEqual([]);
    const role = resourcesOf(out, 'account-ops.tf.json').aws_iam_role!.ops__ReadOnly!;
    expect(documentOf(role.assume_role_policy).Statement.map((statement) => statement.Sid)).toEqual([
      'OktaSaml',
      'HubRoles',
    ]);
    expect(role.depends_on).toEqual(['aws_iam_role.ops__foundation']);
  });
});

describe('the sso form (IAM Identity Center makes the hub roles)', () => {
  const { organization, teams, inlinePolicies } = smallSsoOrg();
  const model = resolveIam(organization, teams, inlinePolicies);
  const files = renderTerraform(model);
  const sso = (permissionSet: string) => permissionSetRoles('aws', '100000000001', permissionSet);

  it('creates no hub role: the hub account holds only the spoke roles teams reach there', () => {
    expect(model.okta).toBeUndefined();
    expect(model.accounts.map((account) => [account.name, account.roles.map((role) => role.role)])).toEqual([
      ['dev', ['ReadOnly', 'platform-admin']],
      ['ops', ['ReadOnly']],
      ['prod', ['ReadOnly', 'deploy/ci-deployer']],
    ]);
    for (const role of model.accounts.flatMap((account) => account.roles)) {
      expect(role.samlTeams).toEqual([]);
      expect(role.trustedHubRoles).toEqual([]);
      expect(role.assumes).toEqual([]);
    }
  });

  it('gives each permission set with spokes exactly its teams’ spoke ARNs (fpa has none, and no entry)', () => {
    expect(model.sso).toEqual({
      hubRootArn: 'arn:aws:iam::100000000001:root',
      permissionSets: [
        {
          name: 'foundation',
          assumes: [
            'arn:aws:iam::100000000001:role/ReadOnly',
            'arn:aws:iam::200000000002:role/ReadOnly',
            'arn:aws:iam::200000000004:role/ReadOnly',
          ],
        },
        { name: 'platform', assumes: model.teams.find((team) => team.team === 'platform')!.spokeArns },
      ],
    });
  });

  it('trusts the hub account’s root, narrowed by ArnLike to the permission sets’ roles, sorted, never "*"', () => {
    const prod = resourcesOf(files, 'account-prod.tf.json');
    const readOnly = prod.aws_iam_role!.prod__ReadOnly!;
    expect(documentOf(readOnly.assume_role_policy).Statement).toEqual([
      {
        Sid: 'IdentityCenterPermissionSets',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::100000000001:root' },
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:PrincipalArn': [...sso('foundation'), ...sso('platform')].sort() } },
      },
    ]);
    expect(sso('platform')).toEqual([
      'arn:aws:iam::100000000001:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_platform_????????????????',
      'arn:aws:iam::100000000001:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_platform_????????????????',
    ]);
    // Nothing to wait for: the principal is the account, which exists, not a role robo creates.
    expect(readOnly.depends_on).toBeUndefined();
    expect(documentOf(prod.aws_iam_role!['prod__deploy_ci-deployer']!.assume_role_policy).Statement).toEqual([
      expect.objectContaining({ Condition: { ArnLike: { 'aws:PrincipalArn': sso('platform').sort() } } }),
    ]);
  });

  it('writes the permission sets’ policies as an output in identity-center.tf.json, and no assume policy on a role', () => {
    expect([...files.keys()]).toEqual([
      PROVIDERS_FILE,
      'account-dev.tf.json',
      'account-ops.tf.json',
      'account-prod.tf.json',
      IDENTITY_CENTER_FILE,
    ]);
    expect(terraformJsonProblems(files)).toEqual([]);
    for (const text of files.values()) {
      expect(text).toBe(`${JSON.stringify(sorted(JSON.parse(text)), null, 2)}\n`);
      expect(text).not.toContain(ASSUME_SPOKES_POLICY);
      expect(text).not.toContain('saml');
    }
    const { '//': marker, output } = JSON.parse(files.get(IDENTITY_CENTER_FILE)!) as {
      '//': string;
      output: Record<string, { description: string; value: Record<string, string> }>;
    };
    expect(marker).toBe(MARKER);
    expect(Object.keys(output)).toEqual([PERMISSION_SET_POLICIES]);
    const { value, description } = output[PERMISSION_SET_POLICIES]!;
    expect(description).toMatch(/^For each permission set/);
    expect(Object.keys(value)).toEqual(['foundation', 'platform']);
    for (const { name, assumes } of model.sso!.permissionSets)
      expect(documentOf(value[name])).toEqual({
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: assumes, Sid: 'AssumeSpokeRoles' }],
        Version: '2012-10-17',
      });
  });

  it('writes no identity-center.tf.json when no permission set reaches a spoke, nor with okta', () => {
    const lonely = new Map([['fpa', teams.get('fpa')!]]);
    expect([...renderTerraform(resolveIam(organization, lonely, inlinePolicies)).keys()]).toEqual([PROVIDERS_FILE]);
    const okta = smallOrg();
    expect(
      renderTerraform(resolveIam(okta.organization, okta.teams, okta.inlinePolicies)).has(IDENTITY_CENTER_FILE),
    ).toBe(false);
  });

  it('uses the hub’s partition in the principal and the patterns (aws-us-gov)', () => {
    const gov = smallSsoOrg('us-gov-west-1');
    const text = [...renderTerraform(resolveIam(gov.organization, gov.teams, gov.inlinePolicies)).values()].join('');
    expect(text).toContain('"AWS\\":\\"arn:aws-us-gov:iam::100000000001:root\\"');
    expect(text).toContain('arn:aws-us-gov:iam::100000000001:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_');
    expect(text).not.toMatch(/arn:aws:iam/);
  });

  it.each([
    [
      'global path (Identity Center in us-east-1)',
      'aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef',
      true,
    ],
    ['regional path', 'aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Admin_0123456789abcdef', true],
    [
      'another permission set that starts the same',
      'aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_Extra_0123456789abcdef',
      false,
    ],
    [
      'one whose name ends the same',
      'aws-reserved/sso.amazonaws.com/AWSReservedSSO_X_AWSReservedSSO_Admin_0123456789abcdef',
      false,
    ],
    [
      'the same, regional',
      'aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_X_AWSReservedSSO_Admin_0123456789abcdef',
      false,
    ],
    ['a suffix of 15', 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcde', false],
    ['a suffix of 17', 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef0', false],
    ['another case', 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_admin_0123456789abcdef', false],
    ['a role of that name outside aws-reserved', 'AWSReservedSSO_Admin_0123456789abcdef', false],
  ])('permission set Admin’s patterns, ArnLike: %s', (_case, role, matches) => {
    const arn = `arn:aws:iam::100000000001:role/${role}`;
    expect(sso('Admin').some((pattern) => arnLike(arn, pattern))).toBe(matches);
    expect(sso('Admin').some((pattern) => arnLike(arn.replace('100000000001', '100000000002'), pattern))).toBe(false);
  });
});

describe('the Terraform JSON checker (test/helpers/terraform-json.ts) refuses what Terraform refuses', () => {
  const providers = JSON.stringify({
    terraform: { required_providers: { aws: { source: 'hashicorp/aws' } } },
    provider: { aws: [{ alias: 'ops', region: 'us-west-2' }] },
  });
  const role = (body: object, name = 'ops__x') =>
    JSON.stringify({ resource: { aws_iam_role: { [name]: { provider: 'aws.ops', name: 'x', ...body } } } });
  it.each([
    ['a root that is not an object', '[]', 'the root must be an object'],
    ['an unknown top-level block', '{"resources": {}}', 'resources is not a top-level block type'],
    ['a resource name starting with a digit', role({}, '1x'), 'resource name aws_iam_role.1x is not an identifier'],
    ['a resource name with a dot', role({}, 'a.b'), 'is not an identifier'],
    ['a provider alias not configured', role({ provider: 'aws.prod' }), 'provider aws.prod is not configured'],
    ['depends_on a resource that is not there', role({ depends_on: ['aws_iam_role.y'] }), 'depends_on aws_iam_role.y'],
    ['an unescaped ${ of the user', role({ description: 'a ${x} b' }), '${x} is not a reference'],
    ['a template directive', role({ description: 'a %{ if x } b' }), 'a template directive'],
    ['a provider as a string', '{"provider": {"aws": "x"}}', 'each configuration must be an object'],
    ['an output without a value', '{"output": {"x": {"description": "d"}}}', 'output.x needs a value'],
    [
      'an output argument Terraform does not have',
      '{"output": {"x": {"value": 1, "type": "map"}}}',
      'type is not an argument',
    ],
    ['an output name with a dot', '{"output": {"a.b": {"value": 1}}}', 'output name a.b is not an identifier'],
    [
      'an unescaped ${ in an output value',
      '{"output": {"x": {"value": {"k": "a ${x}"}}}}',
      'output.x: ${x} is not a reference',
    ],
    [
      'an unescaped ${ in an output key',
      '{"output": {"x": {"value": {"${x}": "v"}}}}',
      'output.x: ${x} is not a reference',
    ],
  ])('%s', (_case, text, problem) => {
    const problems = terraformJsonProblems(
      new Map([
        ['providers.tf.json', providers],
        ['x.tf.json', text],
      ]),
    );
    expect(problems.join('\n')).toContain(problem);
  });

  it('takes "$${" and "%%{" as the literal text they are', () => {
    const text = role({ description: 'a $${x} %%{ y } b' });
    expect(
      terraformJsonProblems(
        new Map([
          ['providers.tf.json', providers],
          ['x.tf.json', text],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('names', () => {
  it.each([
    [['ops'], 'ops'],
    [['prod', 'deploy/ci-deployer'], 'prod__deploy_ci-deployer'],
    [['ops', 'fpa', 'aws/job-function/Billing'], 'ops__fpa__aws_job-function_Billing'],
    [['1prod', 'x'], '_1prod__x'],
    [['prod', 'a_b'], '_prod__a_5fb'],
    [['prod', 'a.b/c@d'], '_prod__a_2eb_2fc_40d'],
  ])('address(%j) = %s', (parts, expected) => {
    expect(address(parts)).toBe(expected);
  });

  it('never gives two different role or policy names the same address, and every address is a Terraform name', () => {
    const part = fc.stringMatching(/^([A-Za-z0-9+=,.@_-]{1,4}\/){0,2}[A-Za-z0-9+=,.@_-]{1,5}$/);
    const parts = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,4}$/), part, fc.option(part, { nil: undefined }));
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const left = a.filter((item) => item !== undefined);
        const right = b.filter((item) => item !== undefined);
        expect(address(left)).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
        if (left.length === right.length && left.some((item, index) => item !== right[index]))
          expect(address(left)).not.toBe(address(right));
      }),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('tells the collisions of readable names apart: a/b-c, a_b-c, a/b/c, a.b/c', () => {
    const names = ['a/b-c', 'a_b-c', 'a-b/c', 'a/b/c', 'a.b/c', 'a/b.c', 'a__b'].map((role) => address(['x', role]));
    expect(new Set(names).size).toBe(names.length);
  });

  it('names inline policies after their files, with a hash only where two would collide', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const names = inlinePolicyNames({
      inline: [
        { file: 'a/billing.json', document: doc },
        { file: 'b/billing.json', document: doc },
        { file: `x/${ASSUME_SPOKES_POLICY}.json`, document: doc },
        { file: 'weird name!.json', document: doc },
      ],
    }).map((entry) => entry.name);
    expect(names[0]).toMatch(/^billing-[0-9a-f]{8}$/);
    expect(names[1]).toMatch(/^billing-[0-9a-f]{8}$/);
    expect(names[0]).not.toBe(names[1]);
    expect(names[2]).toMatch(new RegExp(`^${ASSUME_SPOKES_POLICY}-[0-9a-f]{8}$`));
    expect(names[3]).toBe('weird-name-');
  });
});
