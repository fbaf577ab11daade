/**
 * Property-based tests (fast-check), checked with botocore itself:
 * 1. for generated valid definitions, botocore reads back exactly the intended
 *    profiles and keys;
 * 2. for generated strings full of control characters and INI metacharacters
 *    in any field, robo either refuses the definitions or botocore reads back
 *    exactly what was meant: never an extra section or key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Organization, Team } from '../src/definitions/model.js';
import type { Definitions } from '../src/definitions/definitions.js';
import { profilesOfBlock, renderAwsConfig } from '../src/render/render.js';
import { resolveAwsConfig } from '../src/render/resolve.js';
import { validateDefinitions } from '../src/validate/validate.js';
import { intendedConfig, loadManyWithBotocore } from './helpers/botocore.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-props-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SEED = Number(process.env.ROBO_PROPERTY_SEED ?? 424242);
const RUNS = Number(process.env.ROBO_PROPERTY_RUNS ?? 150);

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];
const accountName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
const profileName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/);
const roleName = fc.stringMatching(/^([A-Za-z0-9+=,.@_-]{1,8}\/){0,2}[A-Za-z0-9+=,.@_-]{1,20}$/);

interface Sample {
  organization: Organization;
  team: Team;
}

const validSample: fc.Arbitrary<Sample> = fc
  .record({
    accounts: fc.uniqueArray(fc.tuple(accountName, fc.option(fc.constantFrom(...REGIONS), { nil: undefined })), {
      minLength: 1,
      maxLength: 8,
      selector: ([name]) => name,
    }),
    ids: fc.uniqueArray(fc.stringMatching(/^[0-9]{12}$/), { minLength: 8, maxLength: 8 }),
    region: fc.constantFrom(...REGIONS),
    hubProfile: profileName.filter((name) => name !== 'okta' && name !== 'default'),
    hubRole: roleName,
    mfa: fc.option(fc.constantFrom('DUO', 'OKTA', 'GOOGLE'), { nil: undefined }),
    spokes: fc.array(
      fc.record({
        name: profileName,
        role: roleName,
        region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
        every: fc.boolean(),
        pick: fc.nat(),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ accounts, ids, region, hubProfile, hubRole, mfa, spokes }) => {
    const registry: Organization['accounts'] = {};
    accounts.forEach(
      ([name, accountRegion], index) =>
        (registry[name] = accountRegion ? { id: ids[index]!, region: accountRegion } : { id: ids[index]! }),
    );
    const names = accounts.map(([name]) => name);
    const organization: Organization = {
      okta: { aws_saml_url: 'home/amazon_aws/0oaPROP/1', ...(mfa ? { mfa_provider: mfa } : {}) },
      hub: { account: names[0]!, profile: hubProfile },
      region,
      accounts: registry,
    };
    // Unique profile names: drop generated spokes whose names would clash.
    const used = new Set([hubProfile, 'okta', 'default']);
    const profiles: Team['profiles'] = [];
    for (const spoke of spokes) {
      const name = spoke.every ? `${spoke.name}-{account}` : spoke.name;
      const expanded = spoke.every ? names.map((account) => name.replace('{account}', account)) : [name];
      if (expanded.some((item) => used.has(item)) || new Set(expanded).size !== expanded.length) continue;
      expanded.forEach((item) => used.add(item));
      profiles.push({
        name,
        account: spoke.every ? '*' : names[spoke.pick % names.length]!,
        role: spoke.role,
        ...(spoke.region ? { region: spoke.region } : {}),
      });
    }
    return { organization, team: { hub_role: hubRole, profiles } };
  });

/**
 * The same organisations signing in through IAM Identity Center: a session
 * name or none, scopes or none, and the hub_role a permission set name (IAM
 * Identity Center's rule: [\w+=,.@-], at most 32, no path).
 */
const validSsoSample: fc.Arbitrary<Sample> = fc
  .record({
    sample: validSample,
    permissionSet: fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,32}$/),
    portal: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/),
    slash: fc.boolean(),
    region: fc.constantFrom(...REGIONS),
    session: fc.option(profileName, { nil: undefined }),
    scopes: fc.option(fc.stringMatching(/^[A-Za-z0-9:_./-]{1,20}(,[A-Za-z0-9:_./-]{1,20}){0,2}$/), { nil: undefined }),
  })
  .map(({ sample, permissionSet, portal, slash, region, session, scopes }) => {
    const rest = { ...sample.organization };
    delete rest.okta;
    const sso: NonNullable<Organization['sso']> = {
      start_url: `https://${portal}.awsapps.com/start${slash ? '/' : ''}`,
      region,
      ...(session ? { session_name: session } : {}),
      ...(scopes ? { registration_scopes: scopes } : {}),
    };
    return { organization: { ...rest, sso }, team: { ...sample.team, hub_role: permissionSet } };
  });

function definitionsOf(sample: Sample): Definitions {
  const file = (name: string, data: unknown) => {
    const text = JSON.stringify(data);
    return { file: name, text, size: Buffer.byteLength(text) };
  };
  return {
    root: '/virtual',
    organization: file('organization.json', sample.organization),
    teamNames: ['t'],
    teams: new Map([['t', file('teams/t.json', sample.team)]]),
  };
}

/** Render every accepted sample, read them all back with one botocore process, compare. */
function checkWithBotocore(samples: Sample[]): { refused: number; accepted: number } {
  const accepted: Array<{ sample: Sample; file: string }> = [];
  samples.forEach((sample, index) => {
    const validation = validateDefinitions(definitionsOf(sample), 't');
    if (validation.errors.length > 0 || !validation.organization || !validation.team) return;
    const file = path.join(scratch, `sample-${index}.config`);
    const model = resolveAwsConfig(validation.organization, 't', validation.team);
    const block = renderAwsConfig(model);
    writeFileSync(file, block);
    // What the renderer writes is what a cached block is checked against: it passes, with its own profiles.
    expect(profilesOfBlock(Buffer.from(block, 'utf8'), 't'), JSON.stringify(sample)).toEqual([
      model.hub.name,
      ...model.spokes.map((spoke) => spoke.name),
    ]);
    expect(profilesOfBlock(Buffer.from(block, 'utf8'), 'other'), JSON.stringify(sample)).toBeUndefined();
    accepted.push({ sample, file });
  });
  const results = accepted.length > 0 ? loadManyWithBotocore(accepted.map(({ file }) => file)) : [];
  results.forEach((result, index) => {
    const { sample } = accepted[index]!;
    const context = JSON.stringify(sample);
    expect(result.ok, `botocore refused the rendered file for ${context}`).toBe(true);
    if (!result.ok) return;
    expect(result.config, context).toEqual(intendedConfig(sample.organization, sample.team));
  });
  return { refused: samples.length - accepted.length, accepted: accepted.length };
}

describe('properties checked by botocore', () => {
  it(`valid definitions read back exactly as intended (${RUNS} cases, seed ${SEED})`, () => {
    const samples = fc.sample(validSample, { numRuns: RUNS, seed: SEED });
    const { refused, accepted } = checkWithBotocore(samples);
    expect(refused).toBe(0);
    expect(accepted).toBe(RUNS);
  });

  it(`valid sso definitions read back exactly as intended (${RUNS} cases, seed ${SEED})`, () => {
    const samples = fc.sample(validSsoSample, { numRuns: RUNS, seed: SEED + 2 });
    const { refused, accepted } = checkWithBotocore(samples);
    expect(refused).toBe(0);
    expect(accepted).toBe(RUNS);
  });

  // Characters that could break out of a value in either reader.
  const nasty = fc.string({
    unit: fc.oneof(
      fc.constantFrom(
        '\n',
        '\r',
        '\u0000',
        '\t',
        '\u000b',
        '\u0085',
        '\u2028',
        '[',
        ']',
        '=',
        ':',
        ';',
        '#',
        '"',
        "'",
        ' ',
        '\\',
        '%',
        '{',
        '}',
        'profile ',
      ),
      fc.constantFrom('a', 'Z', '0', '-', '_', '.', '/'),
    ),
    minLength: 1,
    maxLength: 12,
  });
  const fields: Array<[string, (sample: Sample, value: string) => void]> = [
    ['okta.mfa_provider', (s, v) => (s.organization.okta!.mfa_provider = v)],
    ['okta.mfa_factor_type', (s, v) => (s.organization.okta!.mfa_factor_type = v)],
    ['okta.aws_saml_url', (s, v) => (s.organization.okta!.aws_saml_url = `home/amazon_aws/${v}/1`)],
    ['hub.profile', (s, v) => (s.organization.hub.profile = v)],
    ['region', (s, v) => (s.organization.region = v)],
    ['account id', (s, v) => (Object.values(s.organization.accounts)[0]!.id = v)],
    ['account region', (s, v) => (Object.values(s.organization.accounts)[0]!.region = v)],
    [
      'account name',
      (s, v) => {
        const [first] = Object.keys(s.organization.accounts);
        s.organization.accounts[v] = s.organization.accounts[first!]!;
        delete s.organization.accounts[first!];
        s.organization.hub.account = v;
      },
    ],
    ['hub_role', (s, v) => (s.team.hub_role = v)],
    ['profile name', (s, v) => s.team.profiles[0] && (s.team.profiles[0].name = v)],
    ['profile role', (s, v) => s.team.profiles[0] && (s.team.profiles[0].role = v)],
    ['profile region', (s, v) => s.team.profiles[0] && (s.team.profiles[0].region = v)],
  ];

  const ssoFields: Array<[string, (sample: Sample, value: string) => void]> = [
    ['sso.start_url', (s, v) => (s.organization.sso!.start_url = `https://${v}.awsapps.com/start`)],
    ['sso.start_url path', (s, v) => (s.organization.sso!.start_url = `https://a.awsapps.com/${v}`)],
    ['sso.region', (s, v) => (s.organization.sso!.region = v)],
    ['sso.session_name', (s, v) => (s.organization.sso!.session_name = v)],
    ['sso.registration_scopes', (s, v) => (s.organization.sso!.registration_scopes = v)],
    [
      'sso.custom_host',
      (s, v) => Object.assign(s.organization.sso!, { custom_host: v, start_url: `https://${v}/start` }),
    ],
    ['hub_role (permission set)', (s, v) => (s.team.hub_role = v)],
  ];

  it(`hostile strings in any sso field are refused or read back exactly (${RUNS} cases, seed ${SEED})`, () => {
    const hostile = fc.tuple(validSsoSample, fc.constantFrom(...ssoFields), nasty).map(([sample, [, set], value]) => {
      const copy = structuredClone(sample);
      set(copy, value);
      return copy;
    });
    const { refused } = checkWithBotocore(fc.sample(hostile, { numRuns: RUNS, seed: SEED + 3 }));
    expect(refused).toBeGreaterThan(RUNS / 2);
  });

  it(`hostile strings in any field are refused or read back exactly (${RUNS} cases, seed ${SEED})`, () => {
    const hostile = fc.tuple(validSample, fc.constantFrom(...fields), nasty).map(([sample, [, set], value]) => {
      const copy = structuredClone(sample);
      set(copy, value);
      return copy;
    });
    const samples = fc.sample(hostile, { numRuns: RUNS, seed: SEED + 1 });
    const { refused } = checkWithBotocore(samples);
    // Most of these must be refused; the rest (harmless characters) passed the botocore comparison above.
    expect(refused).toBeGreaterThan(RUNS / 2);
  });
});
