/**
 * A small organisation with its IAM side, in memory, for the iam.terraform
 * tests: a team without spokes (fpa), a shared spoke role (ReadOnly, by
 * foundation's "*" and platform), a role with a path (deploy/ci-deployer),
 * managed and inline policies.
 */
import type { InlinePolicies, Organization, PolicyDocument, Team } from '../../src/definitions/model.js';
import { exampleTree, type FileTree } from './git.js';

export const RESERVED_INSTANCES: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeReservedInstances'], Resource: '*' }],
};

export function smallOrg(region = 'us-west-2'): {
  organization: Organization;
  teams: Map<string, Team>;
  inlinePolicies: InlinePolicies;
} {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const organization: Organization = {
    okta: { aws_saml_url: 'home/amazon_aws/0oaTEST/1' },
    hub: { account: 'ops', profile: 'hub' },
    region,
    accounts: {
      ops: { id: '100000000001' },
      dev: { id: '200000000002' },
      prod: { id: '200000000004' },
    },
    iam: {
      saml_provider: 'okta',
      terraform_role: 'terraform',
      roles: {
        fpa: {
          description: 'Financial planning: billing',
          policies: [`arn:${partition}:iam::aws:policy/job-function/Billing`],
          inline: ['policies/reserved-instances.json'],
          max_session_duration: 43200,
        },
        platform: { policies: [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`] },
        foundation: {},
        ReadOnly: { policies: [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`] },
        'platform-admin': { policies: [`arn:${partition}:iam::aws:policy/AdministratorAccess`] },
        'deploy/ci-deployer': { description: 'Deploys ${var.nothing} %{ if x }', inline: ['deploy.json'] },
      },
    },
  };
  const teams = new Map<string, Team>([
    [
      'platform',
      {
        hub_role: 'platform',
        profiles: [
          { name: 'dev', account: 'dev', role: 'platform-admin' },
          { name: 'prod-deploy', account: 'prod', role: 'deploy/ci-deployer' },
          { name: 'prod', account: 'prod', role: 'ReadOnly' },
        ],
      },
    ],
    ['fpa', { hub_role: 'fpa', profiles: [] }],
    ['foundation', { hub_role: 'foundation', profiles: [{ name: '{account}-ro', account: '*', role: 'ReadOnly' }] }],
  ]);
  const inlinePolicies = new Map<string, PolicyDocument>([
    ['policies/reserved-instances.json', RESERVED_INSTANCES],
    [
      'deploy.json',
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::deploys/${aws:username}/*' }],
      },
    ],
  ]);
  return { organization, teams, inlinePolicies };
}

/**
 * The same organisation signing in through IAM Identity Center: the hub
 * roles are the teams' permission sets, so no saml_provider and no
 * definitions for them (fpa's role and its inline policy go with it).
 */
export function smallSsoOrg(region = 'us-west-2'): ReturnType<typeof smallOrg> {
  const { organization, teams, inlinePolicies } = smallOrg(region);
  const hubRoles = new Set([...teams.values()].map((team) => team.hub_role));
  const iam = organization.iam!;
  delete organization.okta;
  delete iam.saml_provider;
  organization.sso = { start_url: 'https://corp.awsapps.com/start', region: 'eu-west-1' };
  iam.roles = Object.fromEntries(Object.entries(iam.roles).filter(([role]) => !hubRoles.has(role)));
  return {
    organization,
    teams,
    inlinePolicies: new Map([...inlinePolicies].filter(([file]) => file === 'deploy.json')),
  };
}

/**
 * The bundled example plus `count` teams whose hub roles (64-character names)
 * all reach ReadOnly in prod, as files: ReadOnly's trust there grows by 98
 * characters a team (20 teams: over IAM's default of 2,048; 85: over 8,192).
 */
export function crowdedTree(count: number): FileTree {
  const tree = exampleTree();
  const organization = JSON.parse(tree['organization.json']!) as { iam: { roles: Record<string, object> } };
  for (let index = 0; index < count; index++) {
    const hub = `hub-${index}-`.padEnd(64, 'x');
    organization.iam.roles[hub] = {};
    tree[`teams/crowd-${index}.json`] = JSON.stringify({
      hub_role: hub,
      profiles: [{ name: 'prod', account: 'prod', role: 'ReadOnly' }],
    });
  }
  tree['organization.json'] = JSON.stringify(organization, null, 2);
  return tree;
}
