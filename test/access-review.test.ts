/**
 * The access review's pure stage and its formats (src/access/): rows built
 * from an organisation in memory, filters, an organisation without iam, and
 * each format's exact text, worked out here from the rows.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessCsv, accessGrid, accessMarkdown, csvCell, markdownCell } from '../src/access/access-formats.js';
import { reviewAccess, type AccessRow } from '../src/access/access-review.js';
import type { Organization, Team } from '../src/definitions/model.js';
import { ExitCode, UsageError } from '../src/errors.js';
import { renderAwsConfig } from '../src/render/render.js';
import { resolveAwsConfig } from '../src/render/resolve.js';
import { terminalColumns } from '../src/system/terminal.js';
import { projectRoot } from './helpers/robo.js';

const ORGANIZATION: Organization = {
  okta: { aws_saml_url: 'home/amazon_aws/abc/1' },
  hub: { account: 'ops', profile: 'hub' },
  region: 'us-west-2',
  accounts: {
    ops: { id: '100000000001' },
    prod: { id: '200000000002' },
    china: { id: '300000000003', region: 'cn-north-1' },
  },
  iam: {
    saml_provider: 'okta',
    roles: {
      fpa: { policies: ['arn:aws:iam::aws:policy/job-function/Billing'], inline: ['iam/fpa-reserved.json'] },
      platform: { policies: [] },
      ReadOnly: { policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      'deploy/platform-deploy': { inline: ['iam/deploy.json', 'iam/deploy-s3.json'] },
    },
  },
};

const TEAMS = new Map<string, Team>([
  ['fpa', { hub_role: 'fpa', profiles: [] }],
  [
    'platform',
    {
      hub_role: 'platform',
      profiles: [
        { name: '{account}-read', account: '*', role: 'ReadOnly' },
        { name: 'prod-deploy', account: 'prod', role: 'deploy/platform-deploy', region: 'eu-west-1' },
      ],
    },
  ],
]);

const BILLING = 'arn:aws:iam::aws:policy/job-function/Billing';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

/** The rows the model above gives, in order: each team's hub first, then its profiles as aws.config writes them. */
const ROWS: AccessRow[] = [
  row('fpa', 'hub', 'ops', '100000000001', 'fpa', 'aws', [BILLING, 'inline:iam/fpa-reserved.json']),
  row('platform', 'hub', 'ops', '100000000001', 'platform', 'aws', []),
  row('platform', 'ops-read', 'ops', '100000000001', 'ReadOnly', 'aws', [READ_ONLY]),
  row('platform', 'prod-read', 'prod', '200000000002', 'ReadOnly', 'aws', [READ_ONLY]),
  // The account's region is in China: the ARN is in that partition, as aws.config writes it.
  row('platform', 'china-read', 'china', '300000000003', 'ReadOnly', 'aws-cn', [READ_ONLY]),
  row('platform', 'prod-deploy', 'prod', '200000000002', 'deploy/platform-deploy', 'aws', [
    'inline:iam/deploy.json',
    'inline:iam/deploy-s3.json',
  ]),
];

function row(
  team: string,
  profile: string,
  account: string,
  accountId: string,
  role: string,
  partition: string,
  policies: string[],
): AccessRow {
  return {
    team,
    profile,
    account,
    accountId,
    role,
    roleArn: `arn:${partition}:iam::${accountId}:role/${role}`,
    policies,
  };
}

/** The example organisation bundled with robo, parsed. */
function exampleDefinitions(): [Organization, Map<string, Team>] {
  const organization = JSON.parse(readFileSync(path.join(projectRoot, 'organization.json'), 'utf8')) as Organization;
  const teams = new Map(
    readdirSync(path.join(projectRoot, 'teams'))
      .sort()
      .map((file) => [
        file.replace(/\.json$/, ''),
        JSON.parse(readFileSync(path.join(projectRoot, 'teams', file), 'utf8')) as Team,
      ]),
  );
  return [organization, teams];
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('reviewAccess', () => {
  it('gives every team its hub row and one row per profile, with policies from the iam registry', () => {
    const review = reviewAccess(ORGANIZATION, TEAMS);
    expect(review.rows).toEqual(ROWS);
    expect(review.teams).toEqual(['fpa', 'platform']);
    expect(review.accounts).toEqual(['ops', 'prod', 'china']);
  });

  it("with sso, a hub row names the role IAM Identity Center makes from the permission set, in its region's path", () => {
    const sso = (region: string): Organization => {
      const organization: Organization = structuredClone(ORGANIZATION);
      delete organization.okta;
      delete organization.iam!.saml_provider;
      return { ...organization, sso: { start_url: 'https://x.awsapps.com/start', region } };
    };
    const hubRows = (organization: Organization) =>
      reviewAccess(organization, TEAMS).rows.filter((entry) => entry.profile === 'hub');
    const prefix = 'arn:aws:iam::100000000001:role/aws-reserved/sso.amazonaws.com/';
    const SUFFIX = '????????????????'; // exactly the suffix's 16 characters: `*` would match fpa_Extra's roles
    // fpa's Billing policies belong to a role named fpa; with sso the hub "role" is the permission set, whose
    // policies Identity Center holds, so the row lists none.
    expect(hubRows(sso('eu-west-1')).map((entry) => [entry.role, entry.roleArn, entry.policies])).toEqual([
      ['fpa', `${prefix}eu-west-1/AWSReservedSSO_fpa_${SUFFIX}`, []],
      ['platform', `${prefix}eu-west-1/AWSReservedSSO_platform_${SUFFIX}`, []],
    ]);
    expect(hubRows(sso('us-east-1')).map((entry) => entry.roleArn)).toEqual([
      `${prefix}AWSReservedSSO_fpa_${SUFFIX}`,
      `${prefix}AWSReservedSSO_platform_${SUFFIX}`,
    ]);
    // The spoke rows are the same in both forms.
    const spokes = (organization: Organization) =>
      reviewAccess(organization, TEAMS).rows.filter((entry) => entry.profile !== 'hub');
    expect(spokes(sso('eu-west-1'))).toEqual(spokes(ORGANIZATION));
  });

  it('has exactly the role ARNs aws.config writes, for every team of the bundled example', () => {
    const [organization, teams] = exampleDefinitions();
    const review = reviewAccess(organization, teams);
    for (const [name, team] of teams) {
      const model = resolveAwsConfig(organization, name, team);
      const rows = review.rows.filter((entry) => entry.team === name);
      expect(rows.map((entry) => [entry.profile, entry.roleArn])).toEqual(
        [model.hub, ...model.spokes].map((profile) => [profile.name, profile.role_arn]),
      );
      // Each row's account and role are the ones its ARN names.
      for (const entry of rows)
        expect(entry.roleArn).toBe(`arn:aws:iam::${organization.accounts[entry.account]!.id}:role/${entry.role}`);
    }
  });

  it("matches the example's review shown in docs/iam.md", () => {
    const review = reviewAccess(...exampleDefinitions());
    const docs = readFileSync(path.join(projectRoot, 'docs', 'iam.md'), 'utf8');
    const blocks = [
      ...docs.slice(docs.indexOf('### The access review of the bundled example')).matchAll(/```\n([^`]*?)\n```/g),
    ].map((match) => match[1]);
    expect(blocks[0]).toBe(accessGrid(review));
    expect(blocks[1]).toBe(accessGrid(reviewAccess(...exampleDefinitions(), { team: 'platform' }), 100));
    expect(`${blocks[2]}\n`).toBe(accessCsv(reviewAccess(...exampleDefinitions(), { team: 'fpa' }).rows));
  });

  it('leaves policies empty for an organisation without iam, and does not complain', () => {
    const withoutIam: Organization = { ...ORGANIZATION };
    delete withoutIam.iam;
    expect(reviewAccess(withoutIam, TEAMS).rows).toEqual(ROWS.map((entry) => ({ ...entry, policies: [] })));
  });

  it('leaves policies empty for a role the registry does not define', () => {
    const organization = { ...ORGANIZATION, iam: { saml_provider: 'okta', roles: {} } };
    expect(reviewAccess(organization, TEAMS).rows.every((entry) => entry.policies.length === 0)).toBe(true);
  });

  it.each([
    ['--team', { team: 'platform' }, ROWS.filter((entry) => entry.team === 'platform')],
    ['--account by name', { account: 'prod' }, ROWS.filter((entry) => entry.account === 'prod')],
    ['--account by id', { account: '300000000003' }, ROWS.filter((entry) => entry.account === 'china')],
    ['--account the hub: hub rows too', { account: 'ops' }, ROWS.filter((entry) => entry.account === 'ops')],
    ['both', { team: 'fpa', account: 'prod' }, []],
  ])('filters: %s', (_name, filter, rows) => {
    const review = reviewAccess(ORGANIZATION, TEAMS, filter);
    expect(review.rows).toEqual(rows);
    expect(review.teams).toEqual([...new Set(rows.map((entry) => entry.team))]);
    expect(review.accounts).toEqual(
      Object.keys(ORGANIZATION.accounts).filter((name) => rows.some((entry) => entry.account === name)),
    );
  });

  it.each([
    [
      { team: 'platfrom' },
      '--team "platfrom": no such team in the definitions; did you mean platform?',
      'fpa, platform',
    ],
    [
      { account: 'prdo' },
      `--account "prdo": no such account in the definitions (an account's name or 12-digit id); did you mean prod?`,
      'ops, prod, china',
    ],
    [
      { account: '999999999999' },
      `--account "999999999999": no such account in the definitions (an account's name or 12-digit id)`,
      'ops, prod, china',
    ],
  ])('an unknown name is a usage error naming the flag: %j', (filter, message, known) => {
    const error = thrown(() => reviewAccess(ORGANIZATION, TEAMS, filter));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as UsageError).message).toBe(message);
    expect((error as UsageError).details).toEqual([`known: ${known}`]);
  });

  it('lists at most 20 known names after an unknown one', () => {
    const accounts = Object.fromEntries(
      Array.from({ length: 25 }, (_, index) => [`a${index}`, { id: String(100000000000 + index) }]),
    );
    const error = thrown(() =>
      reviewAccess({ ...ORGANIZATION, hub: { account: 'a0', profile: 'hub' }, accounts }, new Map(), {
        account: 'zzzz',
      }),
    ) as UsageError;
    expect(error.details).toEqual([`known: ${Object.keys(accounts).slice(0, 20).join(', ')} and 5 more`]);
  });
});

describe('reviewAccess over generated organisations', () => {
  const REGIONS = ['us-west-2', 'eu-west-1', 'cn-north-1', 'us-gov-west-1'];
  const roleName = fc.stringMatching(/^([A-Za-z0-9+=,.@_-]{1,6}\/)?[A-Za-z0-9+=,.@_-]{1,12}$/);
  const policy = fc.stringMatching(/^arn:aws:iam::aws:policy\/[A-Za-z]{1,10}$/);
  const sample = fc
    .record({
      regions: fc.array(fc.option(fc.constantFrom(...REGIONS), { nil: undefined }), { minLength: 1, maxLength: 6 }),
      ids: fc.uniqueArray(fc.stringMatching(/^[0-9]{12}$/), { minLength: 6, maxLength: 6 }),
      teams: fc.array(
        fc.record({
          hubRole: roleName,
          profiles: fc.array(fc.record({ every: fc.boolean(), pick: fc.nat(), role: roleName }), { maxLength: 5 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      defined: fc.array(fc.tuple(roleName, fc.array(policy, { maxLength: 2 }), fc.boolean()), { maxLength: 6 }),
      withIam: fc.boolean(),
    })
    .map(({ regions, ids, teams, defined, withIam }) => {
      const names = regions.map((_, index) => `acct${index}`);
      const organization: Organization = {
        okta: { aws_saml_url: 'home/amazon_aws/x/1' },
        hub: { account: names[0]!, profile: 'hub' },
        region: 'us-east-1',
        accounts: Object.fromEntries(
          regions.map((region, index) => [names[index], { id: ids[index]!, ...(region ? { region } : {}) }]),
        ),
      };
      const roles = [...teams.flatMap((team) => [team.hubRole, ...team.profiles.map((entry) => entry.role)])];
      if (withIam)
        organization.iam = {
          saml_provider: 'okta',
          // Some of the roles the teams use, and some no team uses.
          roles: Object.fromEntries(
            defined.map(([role, policies, inline], index) => [
              index % 2 === 0 && roles.length > 0 ? roles[index % roles.length]! : role,
              { policies, ...(inline ? { inline: [`iam/${index}.json`] } : {}) },
            ]),
          ),
        };
      const teamMap = new Map<string, Team>(
        teams.map((team, index) => [
          `team${index}`,
          {
            hub_role: team.hubRole,
            // Profile names unique by construction: what validation would insist on.
            profiles: team.profiles.map((entry, at) => ({
              name: entry.every ? `p${at}-{account}` : `p${at}`,
              account: entry.every ? '*' : names[entry.pick % names.length]!,
              role: entry.role,
            })),
          },
        ]),
      );
      return { organization, teams: teamMap };
    });

  /** Each profile section of a rendered config, and its role_arn, in the order written. */
  const rendered = (text: string) =>
    [...text.matchAll(/^\[profile ([^\]]+)\]\nrole_arn = (.*)$/gm)].map((match) => [match[1], match[2]]);

  it('lists every profile of the config aws.config renders for each team, with its role_arn, and the role definition', () => {
    fc.assert(
      fc.property(sample, ({ organization, teams }) => {
        const review = reviewAccess(organization, teams);
        for (const [name, team] of teams) {
          const rows = review.rows.filter((entry) => entry.team === name);
          const text = renderAwsConfig(resolveAwsConfig(organization, name, team));
          expect(rows.map((entry) => [entry.profile, entry.roleArn])).toEqual(rendered(text));
          for (const entry of rows) {
            expect(entry.accountId).toBe(organization.accounts[entry.account]!.id);
            expect(entry.roleArn).toMatch(new RegExp(`^arn:[a-z-]+:iam::${entry.accountId}:role/`));
            expect(entry.roleArn.endsWith(`:role/${entry.role}`)).toBe(true);
            const roles = organization.iam?.roles ?? {};
            const definition = Object.hasOwn(roles, entry.role) ? roles[entry.role] : undefined;
            expect(entry.policies).toEqual(
              definition
                ? [...(definition.policies ?? []), ...(definition.inline ?? []).map((file) => `inline:${file}`)]
                : [],
            );
          }
        }
        // Filtering by an account, by name or by id, keeps exactly its rows.
        for (const [account, { id }] of Object.entries(organization.accounts)) {
          const expected = review.rows.filter((entry) => entry.account === account);
          expect(reviewAccess(organization, teams, { account }).rows).toEqual(expected);
          expect(reviewAccess(organization, teams, { account: id }).rows).toEqual(expected);
        }
      }),
      { numRuns: 100, seed: 1414 },
    );
  });
});

describe('formats', () => {
  const review = reviewAccess(ORGANIZATION, TEAMS);

  it('csv: a header, then one line per row with the policies joined by ";"', () => {
    const lines = ROWS.map((entry) =>
      [
        entry.team,
        entry.profile,
        entry.account,
        entry.accountId,
        entry.role,
        entry.roleArn,
        entry.policies.join(';'),
      ].join(','),
    );
    expect(accessCsv(review.rows)).toBe(
      ['team,profile,account,account_id,role,role_arn,policies', ...lines].map((line) => `${line}\n`).join(''),
    );
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    // OWASP CSV injection: a spreadsheet would run these as formulas.
    ['=cmd', "'=cmd"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['=a,b', `"'=a,b"`],
    ['a=b', 'a=b'],
    ['', ''],
  ])('csv cell %j is %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('csv: a role whose name a spreadsheet would run is written as text', () => {
    const organization = { ...ORGANIZATION, iam: undefined };
    const teams = new Map<string, Team>([['ops', { hub_role: '=HYPERLINK(x)', profiles: [] }]]);
    expect(accessCsv(reviewAccess(organization, teams).rows).split('\n')[1]).toBe(
      "ops,hub,ops,100000000001,'=HYPERLINK(x),arn:aws:iam::100000000001:role/=HYPERLINK(x),",
    );
  });

  it('markdown: a header, a rule, one line per row', () => {
    const lines = ROWS.map(
      (entry) =>
        `| ${entry.team} | ${entry.profile} | ${entry.account} | ${entry.accountId} | ${entry.role} | ${entry.roleArn} | ${entry.policies.join(';')} |`,
    );
    expect(accessMarkdown(review.rows)).toBe(
      [
        '| team | profile | account | account_id | role | role_arn | policies |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...lines,
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['a\\|b', 'a\\\\\\|b'],
    ['two\nlines', 'two lines'],
    ['plain', 'plain'],
    // Role names may hold _: __proto__ must not render as a bold "proto", nor _admin_ as an italic "admin".
    ['__proto__', '\\_\\_proto\\_\\_'],
    ['_admin_', '\\_admin\\_'],
    ['*a* `b` ~c~ [d](e) <f>', '\\*a\\* \\`b\\` \\~c\\~ \\[d\\](e) \\<f\\>'],
  ])('markdown cell %j is %j', (value, cell) => {
    expect(markdownCell(value)).toBe(cell);
  });

  it('table: teams down, accounts across, the roles of each team in each account, "-" for none', () => {
    const cells = [
      ['TEAM', 'ops', 'prod', 'china'],
      ['fpa', 'fpa', '-', '-'],
      ['platform', 'platform, ReadOnly', 'ReadOnly, deploy/platform-deploy', 'ReadOnly'],
    ];
    const widths = [0, 1, 2, 3].map((column) => Math.max(...cells.map((line) => line[column]!.length)));
    const expected = cells.map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
    expect(accessGrid(review)).toBe(expected.join('\n'));
  });

  it('table: the same role reached twice in one account is named once', () => {
    const teams = new Map<string, Team>([
      [
        'twice',
        {
          hub_role: 'hub-role',
          profiles: [
            { name: 'a', account: 'prod', role: 'ReadOnly' },
            { name: 'b', account: 'prod', role: 'ReadOnly', region: 'eu-west-1' },
          ],
        },
      ],
    ]);
    expect(accessGrid(reviewAccess(ORGANIZATION, teams))).toBe(
      ['TEAM   ops       prod', 'twice  hub-role  ReadOnly'].join('\n'),
    );
  });

  it('table: only the accounts the listed teams reach get a column', () => {
    expect(accessGrid(reviewAccess(ORGANIZATION, TEAMS, { team: 'fpa' }))).toBe('TEAM  ops\nfpa   fpa');
  });

  it('table: columns that do not fit the width go to further grids, each with the TEAM column', () => {
    // TEAM column 8 wide; ops needs 2 + 18, prod 2 + 32, china 2 + 8.
    const narrow = accessGrid(review, 8 + 20 + 10);
    expect(narrow.split('\n\n')).toEqual([
      ['TEAM      ops', 'fpa       fpa', 'platform  platform, ReadOnly'].join('\n'),
      ['TEAM      prod', 'fpa       -', 'platform  ReadOnly, deploy/platform-deploy'].join('\n'),
      ['TEAM      china', 'fpa       -', 'platform  ReadOnly'].join('\n'),
    ]);
    // prod and china fit together in 8 + 34 + 10.
    expect(
      accessGrid(review, 8 + 34 + 10)
        .split('\n\n')
        .map((part) => part.split('\n')[0]),
    ).toEqual(['TEAM      ops', 'TEAM      prod                              china']);
    // Wide enough: one grid, as without a width.
    expect(accessGrid(review, 200)).toBe(accessGrid(review));
    // Narrower than one column: still one column a grid, nothing lost.
    expect(accessGrid(review, 5).split('\n\n')).toHaveLength(3);
  });
});

describe('terminalColumns', () => {
  // The tests' stdout is no terminal (test/helpers/robo.ts checks), so only $COLUMNS can give a width.
  it.each([
    ['80', 80],
    ['1', 1],
    ['0', undefined],
    ['-5', undefined],
    ['12.5', undefined],
    ['wide', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('COLUMNS=%j: %j', (columns, width) => {
    expect(terminalColumns(columns === undefined ? {} : { COLUMNS: columns })).toBe(width);
  });
});
