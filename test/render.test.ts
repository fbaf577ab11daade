/**
 * The renderer: every bundled team renders to a reviewed snapshot, the output
 * is deterministic, and botocore (the AWS CLI's own parser) reads each file
 * back as exactly the profiles the definitions describe.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OKTA_KEYS, type Organization, type Team } from '../src/definitions/model.js';
import { renderAwsConfig } from '../src/render/render.js';
import { resolveAwsConfig } from '../src/render/resolve.js';
import { loadManyWithBotocore, type BotocoreConfig } from './helpers/botocore.js';
import { projectRoot } from './helpers/robo.js';

const organization = JSON.parse(readFileSync(path.join(projectRoot, 'organization.json'), 'utf8')) as Organization;
const teams = readdirSync(path.join(projectRoot, 'teams'))
  .filter((name) => name.endsWith('.json'))
  .map(
    (name) =>
      [name.slice(0, -5), JSON.parse(readFileSync(path.join(projectRoot, 'teams', name), 'utf8')) as Team] as const,
  );

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-render-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function render(team: string, definition: Team): string {
  return renderAwsConfig(resolveAwsConfig(organization, team, definition));
}

/**
 * What the definitions mean, worked out here independently of resolve.ts:
 * the profiles botocore should report for a team.
 */
function intended(definition: Team): Record<string, Record<string, string>> {
  const hubAccount = organization.accounts[organization.hub.account]!;
  const arn = (id: string, role: string) => `arn:aws:iam::${id}:role/${role}`;
  const profiles: Record<string, Record<string, string>> = {
    [organization.hub.profile]: {
      role_arn: arn(hubAccount.id, definition.hub_role),
      region: hubAccount.region ?? organization.region,
    },
  };
  for (const spoke of definition.profiles) {
    const names = spoke.account === '*' ? Object.keys(organization.accounts) : [spoke.account];
    for (const account of names) {
      const entry = organization.accounts[account]!;
      profiles[spoke.name.replace('{account}', account)] = {
        role_arn: arn(entry.id, spoke.role),
        source_profile: organization.hub.profile,
        region: spoke.region ?? entry.region ?? organization.region,
      };
    }
  }
  return profiles;
}

describe('bundled example organisation', () => {
  it('has the teams the seeds describe', () => {
    const names = teams.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['foundation', 'platform', 'fpa']));
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  it.each(teams)('team %s renders to its reviewed snapshot', async (team, definition) => {
    await expect(render(team, definition)).toMatchFileSnapshot(`__snapshots__/teams/${team}.config`);
  });

  // Every team's file read by one python: botocore's start-up is most of a load.
  const parsedTeams = new Map<string, BotocoreConfig>();
  beforeAll(() => {
    const files = teams.map(([team, definition]) => {
      const file = path.join(scratch, `${team}.config`);
      writeFileSync(file, render(team, definition));
      return file;
    });
    for (const [index, result] of loadManyWithBotocore(files).entries()) {
      if (!result.ok) throw new Error(`botocore refused ${files[index]}: ${result.error}`);
      parsedTeams.set(teams[index]![0], result.config);
    }
  });
  /** What botocore read from the file render() wrote for this team. */
  const parsedTeam = (team: string): BotocoreConfig => parsedTeams.get(team)!;

  it.each(teams)('botocore reads team %s back exactly as intended', (team, definition) => {
    const parsed = parsedTeam(team);
    expect(parsed.profiles).toEqual(intended(definition));
    const okta = {
      aws_saml_url: organization.okta!.aws_saml_url,
      mfa_provider: organization.okta!.mfa_provider,
      mfa_factor_type: organization.okta!.mfa_factor_type,
    };
    expect(parsed.okta).toEqual(okta);
    // Order in the file: [okta] first, then the hub, then the spokes in definition order.
    const headers = render(team, definition)
      .split('\n')
      .filter((line) => line.startsWith('['));
    expect(headers.slice(0, 2)).toEqual(['[okta]', `[profile ${organization.hub.profile}]`]);
    expect(headers.slice(2)).toEqual(
      Object.keys(intended(definition))
        .slice(1)
        .map((name) => `[profile ${name}]`),
    );
  });

  it('fpa has the hub profile and no spoke access', () => {
    expect(Object.keys(parsedTeam('fpa').profiles)).toEqual([organization.hub.profile]);
  });

  it('foundation gets a read-only and an admin profile in every account', () => {
    const profiles = parsedTeam('foundation').profiles;
    for (const [account, { id }] of Object.entries(organization.accounts)) {
      expect(profiles[`${account}-readonly`]?.role_arn).toBe(`arn:aws:iam::${id}:role/ReadOnly`);
      expect(profiles[`${account}-admin`]?.role_arn).toMatch(new RegExp(`^arn:aws:iam::${id}:role/`));
    }
  });
});

describe('render', () => {
  const platform = teams.find(([name]) => name === 'platform')![1];

  it('is deterministic: the same definitions give the same bytes', () => {
    expect(render('platform', structuredClone(platform))).toBe(render('platform', platform));
  });

  it('gives different teams different files', () => {
    const foundation = teams.find(([name]) => name === 'foundation')![1];
    expect(render('platform', platform)).not.toBe(render('foundation', foundation));
  });

  it('follows aws-okta rules: spokes point at the hub only, no quotes, no inline comments', () => {
    const text = render('platform', platform);
    for (const line of text.split('\n')) {
      if (line.startsWith('source_profile')) expect(line).toBe(`source_profile = ${organization.hub.profile}`);
      if (line.includes(' = ')) {
        expect(line).not.toMatch(/["']/);
        expect(line).not.toMatch(/\s[;#]/);
      }
    }
    expect(text).toMatch(/^aws_saml_url = home\/amazon_aws\/[A-Za-z0-9]+\/\d+$/m);
  });

  it('uses the partition of the region in role ARNs', () => {
    const org: Organization = {
      ...organization,
      accounts: {
        ...organization.accounts,
        gov: { id: '999999999999', region: 'us-gov-west-1' },
        china: { id: '888888888888', region: 'cn-north-1' },
      },
    };
    const model = resolveAwsConfig(org, 't', {
      hub_role: 'x',
      profiles: [
        { name: 'gov', account: 'gov', role: 'r' },
        { name: 'china', account: 'china', role: 'r' },
      ],
    });
    expect(model.spokes.map((spoke) => spoke.role_arn)).toEqual([
      'arn:aws-us-gov:iam::999999999999:role/r',
      'arn:aws-cn:iam::888888888888:role/r',
    ]);
  });

  it('takes the region from the profile, then the account, then the organisation', () => {
    const model = resolveAwsConfig(organization, 't', {
      hub_role: 'x',
      profiles: [
        { name: 'a', account: 'prod-eu', role: 'r', region: 'ap-south-1' },
        { name: 'b', account: 'prod-eu', role: 'r' },
        { name: 'c', account: 'dev', role: 'r' },
      ],
    });
    expect(model.spokes.map((spoke) => spoke.region)).toEqual(['ap-south-1', 'eu-west-1', organization.region]);
  });
});

describe("the table of robo's keys (model.ts)", () => {
  it("names exactly the okta keys organization.json's schema accepts, and render writes them in its order", () => {
    const schema = JSON.parse(readFileSync(path.join(projectRoot, 'schemas', 'organization.schema.json'), 'utf8')) as {
      properties: { okta: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.properties.okta.properties)).toEqual([...OKTA_KEYS]);
    const every = Object.fromEntries(
      OKTA_KEYS.map((key) => [key, key === 'aws_saml_url' ? 'home/amazon_aws/x/1' : '1h']),
    );
    const text = renderAwsConfig(
      resolveAwsConfig({ ...organization, okta: every as Organization['okta'] }, 'platform', teams[0]![1]),
    );
    const okta = text.split('\n').slice(2, 2 + OKTA_KEYS.length);
    expect(okta.map((line) => line.split(' = ')[0])).toEqual([...OKTA_KEYS]);
  });
});
