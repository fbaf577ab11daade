/**
 * validateOrganizationWide: every definition file and every inline policy
 * file of a checkout, on real files in a temp folder. The rules themselves
 * are rows of the hostile corpus (fixtures/hostile.ts); this file checks
 * what the entry point returns to the IAM commands.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/definitions/definitions.js';
import { formatProblem } from '../src/validate/problems.js';
import { validateOrganizationWide } from '../src/validate/organization-wide.js';
import { validateDefinitions } from '../src/validate/validate.js';
import { exampleTree, writeTree } from './helpers/git.js';
import { crowdedTree } from './helpers/iam-org.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** The example organisation with some files changed (undefined deletes), written to a temp folder. */
function checkout(changes: Record<string, string | undefined> = {}): string {
  const dir = `${sandbox().root}/dotfiles`;
  const tree = { ...exampleTree() };
  for (const [file, text] of Object.entries(changes)) {
    if (text === undefined) delete tree[file];
    else tree[file] = text;
  }
  writeTree(dir, tree);
  return dir;
}

const example = exampleTree();
const organization = () => JSON.parse(example['organization.json']!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('validateOrganizationWide', () => {
  it('the bundled example is valid: the organisation, every team sorted by name, every inline policy parsed', async () => {
    const result = await validateOrganizationWide(await loadDefinitions(checkout()));
    expect(result.errors.map(formatProblem)).toEqual([]);
    expect(result.organization?.iam?.saml_provider).toBe('okta');
    expect([...result.teams.keys()]).toEqual(['data', 'foundation', 'fpa', 'growth', 'platform', 'security']);
    expect([...result.inlinePolicies.keys()]).toEqual(['iam/fpa-reserved-instances.json', 'iam/platform-deploy.json']);
    expect(result.inlinePolicies.get('iam/fpa-reserved-instances.json')?.Version).toBe('2012-10-17');
  });

  it('gives every inline policy its statements as an array, also when the file has a single statement object', async () => {
    const file = 'iam/platform-deploy.json';
    const single = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '*' },
    };
    const result = await validateOrganizationWide(await loadDefinitions(checkout({ [file]: JSON.stringify(single) })));
    expect(result.errors).toEqual([]);
    expect(result.inlinePolicies.get(file)).toEqual({ ...single, Statement: [single.Statement] });
  });

  it('with errors: no organisation, every problem of every file, the valid teams and policies still listed', async () => {
    const org = organization();
    delete org.iam.roles['growth-admin'];
    const dir = checkout({
      'organization.json': JSON.stringify(org),
      'iam/platform-deploy.json': '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*"}}',
    });
    const result = await validateOrganizationWide(await loadDefinitions(dir));
    expect(result.organization).toBeUndefined();
    expect(result.errors.map(formatProblem)).toEqual([
      'teams/growth.json: /profiles/0/role: names a role with no definition in organization.json /iam/roles (profile "growth", account growth); did you mean data-admin? (got "growth-admin")',
      'iam/platform-deploy.json: /Statement/Resource: is required (or NotResource)',
    ]);
    expect([...result.teams.keys()]).toEqual(['data', 'foundation', 'fpa', 'platform', 'security']);
    expect([...result.inlinePolicies.keys()]).toEqual(['iam/fpa-reserved-instances.json']);
  });

  it('does not measure IAM’s sizes (iam.terraform and teams.validate do): teams.access reviews such an organisation', async () => {
    const dir = `${sandbox().root}/dotfiles`;
    writeTree(dir, crowdedTree(85)); // ReadOnly's trust in prod over IAM's maximum of 8,192
    const result = await validateOrganizationWide(await loadDefinitions(dir));
    expect(result.errors).toEqual([]);
    expect(result.organization).toBeDefined();
    expect(Object.keys(result)).not.toContain('warnings');
  });

  it('without iam: no role needs a definition and no policy is read', async () => {
    const org = organization();
    delete org.iam;
    const result = await validateOrganizationWide(
      await loadDefinitions(checkout({ 'organization.json': JSON.stringify(org), 'iam/platform-deploy.json': '{' })),
    );
    expect(result.errors).toEqual([]);
    expect(result.organization?.iam).toBeUndefined();
    expect(result.inlinePolicies.size).toBe(0);
  });
});

describe("aws.config's validation (validateDefinitions) and iam", () => {
  it("checks only the engineer's own team's roles, and reads no inline policy file", async () => {
    const org = organization();
    delete org.iam.roles['growth-admin'];
    delete org.iam.roles['platform-admin'];
    // A broken inline file: aws.config does not read it, so it does not block anyone.
    const dir = checkout({ 'organization.json': JSON.stringify(org), 'iam/platform-deploy.json': 'not json' });
    const result = validateDefinitions(await loadDefinitions(dir), 'platform');
    expect(result.errors.map(formatProblem)).toEqual([
      'teams/platform.json: /profiles/0/role: names a role with no definition in organization.json /iam/roles (profile "dev", account dev); did you mean platform? (got "platform-admin")',
      'teams/platform.json: /profiles/1/role: names a role with no definition in organization.json /iam/roles (profile "stage", account stage); did you mean platform? (got "platform-admin")',
    ]);
    expect(result.warnings).toEqual([]);
  });
});
