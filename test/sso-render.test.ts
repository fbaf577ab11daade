/**
 * The sso form (IAM Identity Center): the bundled examples/sso organisation
 * renders to reviewed snapshots, and botocore reads back every team's block
 * as the keys robo meant, with an [sso-session] and no [okta]. The
 * allow-list is per form: neither form's model can carry the other's keys.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Definitions } from '../src/definitions/definitions.js';
import type { Organization, Team } from '../src/definitions/model.js';
import { profilesOfBlock, renderAwsConfig } from '../src/render/render.js';
import { readRendered, writeRendered } from '../src/render/render-cache.js';
import { resolveAwsConfig, ssoSession } from '../src/render/resolve.js';
import { checkEveryFile, validateDefinitions } from '../src/validate/validate.js';
import { intendedConfig, loadManyWithBotocore, python } from './helpers/botocore.js';
import { projectRoot } from './helpers/robo.js';

const exampleDir = path.join(projectRoot, 'examples', 'sso');
const organizationText = readFileSync(path.join(exampleDir, 'organization.json'), 'utf8');
const organization = JSON.parse(organizationText) as Organization;
const teams = readdirSync(path.join(exampleDir, 'teams'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => [name.slice(0, -5), readFileSync(path.join(exampleDir, 'teams', name), 'utf8')] as const);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-sso-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The example's files as validate.ts takes them, optionally with another organization.json. */
function definitions(organizationJson = organizationText): Definitions {
  const file = (name: string, text: string) => ({ file: name, text, size: Buffer.byteLength(text) });
  return {
    root: exampleDir,
    organization: file('organization.json', organizationJson),
    teamNames: teams.map(([name]) => name),
    teams: new Map(teams.map(([name, text]) => [name, file(`teams/${name}.json`, text)])),
  };
}

/** Validate the example for `team` and render its block: the path aws.config takes. */
function render(team: string, organizationJson?: string): string {
  const result = validateDefinitions(definitions(organizationJson), team);
  expect(result.errors).toEqual([]);
  return renderAwsConfig(resolveAwsConfig(result.organization!, team, result.team!));
}

/** What botocore should read for a team of the sso example. */
function intended(team: Team) {
  return intendedConfig(organization, team);
}

describe('examples/sso', () => {
  it('holds the same teams as the okta example, and signs in through sso only', () => {
    expect(teams.map(([name]) => name)).toEqual(
      readdirSync(path.join(projectRoot, 'teams'))
        .filter((name) => name.endsWith('.json'))
        .map((n) => n.slice(0, -5)),
    );
    expect(organization.sso).toBeDefined();
    expect(organization.okta).toBeUndefined();
    // Every file valid, as teams.validate checks a checkout.
    expect(checkEveryFile(definitions()).errors).toEqual([]);
  });

  it.each(teams)('team %s renders to its reviewed snapshot', async (team) => {
    await expect(render(team)).toMatchFileSnapshot(`__snapshots__/sso/${team}.config`);
  });

  it('every team reads back in botocore as the keys robo wrote, with the session and no [okta]', () => {
    const files = teams.map(([team]) => {
      const file = path.join(scratch, `${team}.config`);
      writeFileSync(file, render(team));
      return file;
    });
    loadManyWithBotocore(files).forEach((result, index) => {
      const [team, text] = teams[index]!;
      if (!result.ok) throw new Error(`botocore refused ${team}'s block: ${result.error}`);
      // Exactly: no okta section, nothing but the profiles and the one session.
      expect(result.config, team).toEqual(intended(JSON.parse(text) as Team));
    });
  });

  it("botocore's session lists every profile (what aws configure list-profiles prints) and resolves the hub's session", () => {
    const file = path.join(scratch, 'platform-session.config');
    writeFileSync(file, render('platform'));
    const script = [
      'import json, botocore.session as s',
      'x = s.Session()',
      'print(json.dumps({"profiles": x.available_profiles, "hub": x.full_config["profiles"]["hub"],',
      ' "session": x.full_config["sso_sessions"]["robo-example"]}))',
    ].join('\n');
    const env = {
      PATH: process.env.PATH,
      HOME: scratch,
      AWS_CONFIG_FILE: file,
      AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'none'),
    };
    const read = JSON.parse(execFileSync(python(), ['-c', script], { encoding: 'utf8', env })) as {
      profiles: string[];
      hub: Record<string, string>;
      session: Record<string, string>;
    };
    const platform = JSON.parse(teams.find(([name]) => name === 'platform')![1]) as Team;
    expect(read.profiles).toEqual(Object.keys(intended(platform).profiles));
    expect(read.hub.sso_session).toBe('robo-example');
    expect(read.session.sso_start_url).toBe('https://robo-example.awsapps.com/start');
  });

  it("a cached sso block is checked like an okta one: its own profiles, never the team's name of another", () => {
    const block = render('platform');
    const profiles = profilesOfBlock(Buffer.from(block, 'utf8'), 'platform');
    expect(profiles?.[0]).toBe('hub');
    expect(profiles).toHaveLength(
      Object.keys(intended(JSON.parse(teams.find(([n]) => n === 'platform')![1]) as Team).profiles).length,
    );
    expect(profilesOfBlock(block, 'data')).toBeUndefined();
    // One form's keys under the other's section are not a block robo writes.
    expect(profilesOfBlock(block.replace('[sso-session robo-example]', '[okta]'), 'platform')).toBeUndefined();
    expect(profilesOfBlock(block.replace('sso_region', 'mfa_provider'), 'platform')).toBeUndefined();
  });
});

describe("robo's result cache", () => {
  it('gives back an sso block as written, and refuses one with a key of the okta form in it', async () => {
    const cacheDir = path.join(scratch, 'cache');
    const key = { url: 'file:///dotfiles', commit: 'a'.repeat(40), team: 'platform' };
    const text = render('platform');
    const profiles = profilesOfBlock(text, 'platform')!;
    await writeRendered(cacheDir, key, { team: 'platform', text, profiles, warnings: [] });
    expect(readRendered(cacheDir, 'platform', key.url)?.rendered).toEqual({
      team: 'platform',
      text,
      profiles,
      warnings: [],
    });
    const mixed = text.replace('sso_registration_scopes = sso:account:access', 'mfa_provider = DUO');
    await writeRendered(cacheDir, key, { team: 'platform', text: mixed, profiles, warnings: [] });
    expect(readRendered(cacheDir, 'platform', key.url)).toBeUndefined();
  });
});

describe('session name, scopes and host', () => {
  const withSso = (change: (sso: Record<string, unknown>) => void) => {
    const data = JSON.parse(organizationText) as { sso: Record<string, unknown> };
    change(data.sso);
    return JSON.stringify(data);
  };

  it("defaults the session name to the hub profile's name and the scopes to sso:account:access", () => {
    const text = render(
      'fpa',
      withSso((sso) => delete sso.session_name),
    );
    expect(text).toContain('[sso-session hub]\n');
    expect(text).toContain('sso_registration_scopes = sso:account:access\n');
    expect(text).toContain('[profile hub]\nsso_session = hub\n');
    expect(ssoSession({ ...organization, sso: { start_url: 'x', region: 'us-east-1' } })?.name).toBe('hub');
    expect(
      ssoSession({ ...organization, sso: undefined, okta: { aws_saml_url: 'home/amazon_aws/a/1' } }),
    ).toBeUndefined();
  });

  it('writes the scopes the organisation names', () => {
    const text = render(
      'fpa',
      withSso((sso) => (sso.registration_scopes = 'sso:account:access,codewhisperer:completions')),
    );
    expect(text).toContain('sso_registration_scopes = sso:account:access,codewhisperer:completions\n');
  });

  it('accepts a start URL on the host custom_host names, and only there', () => {
    const custom = withSso((sso) =>
      Object.assign(sso, { custom_host: 'sso.example.com', start_url: 'https://sso.example.com/start' }),
    );
    expect(render('fpa', custom)).toContain('sso_start_url = https://sso.example.com/start\n');
    const trailing = withSso((sso) => (sso.start_url = 'https://robo-example.awsapps.com/start/'));
    expect(render('fpa', trailing)).toContain('sso_start_url = https://robo-example.awsapps.com/start/\n');
  });
});

describe('the allow-list is per sign-in form', () => {
  const team = JSON.parse(teams.find(([name]) => name === 'platform')![1]) as Team;
  const sso = resolveAwsConfig(organization, 'platform', team);
  const okta = { ...sso, sso: undefined, okta: [['aws_saml_url', 'home/amazon_aws/a/1']] as const };

  it('refuses an sso key in an okta model (an sso model writes only its table: SSO_SESSION_KEYS, SSO_HUB_KEYS)', () => {
    expect(() => renderAwsConfig({ ...okta, okta: [['sso_start_url', 'https://x.awsapps.com/start']] })).toThrow(
      /refusing to write key sso_start_url: it is not on robo's allow-list for this sign-in form/,
    );
    // An okta model whose hub still carries sso keys.
    expect(() => renderAwsConfig(okta)).toThrow(/refusing to write sso keys into profile hub of an okta model/);
  });

  it('refuses a model with both sign-ins or neither', () => {
    expect(() => renderAwsConfig({ ...sso, okta: okta.okta })).toThrow(/exactly one of okta and sso/);
    expect(() => renderAwsConfig({ ...sso, sso: undefined })).toThrow(/exactly one of okta and sso/);
  });

  it('refuses an sso model whose hub has no sso keys, rather than write a hub with no sign-in', () => {
    expect(() => renderAwsConfig({ ...sso, hub: { ...sso.hub, sso: undefined } })).toThrow(
      /hub profile has no sso keys/,
    );
  });
});
