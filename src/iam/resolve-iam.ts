/**
 * Stage 3c, beside resolve.ts: the IAM side of a validated organisation, pure. Every spoke ARN comes from
 * resolveAwsConfig, so the roles Terraform creates and trusts are the ones the engineers' configs name.
 * okta: robo makes each team's hub role; sso: Identity Center does, and spokes trust it by pattern (docs/iam.md).
 */
import { resolveAwsConfig, roleArn } from '../render/resolve.js';
import { partitionOf } from '../validate/regions.js';
import type { InlinePolicies, Organization, PolicyDocument, RoleDefinition, Team } from '../definitions/model.js';
import { byCodePoints } from '../order.js';

/** Everything the Terraform emitter needs, sorted, with every ARN spelled out. */
export interface IamModel {
  partition: string;
  /** With okta: robo creates each team's hub role, trusting this SAML provider (Okta) in the hub account. */
  okta?: { samlProviderArn: string };
  /** With sso: Identity Center makes the hub roles; the spoke roles trust them through the hub account's root. */
  sso?: {
    /** arn:<partition>:iam::<hub id>:root, the trust's principal (a condition names the roles). */
    hubRootArn: string;
    /** Each permission set (a team's hub_role) whose teams reach a spoke, by name: what its policy must allow. */
    permissionSets: IamPermissionSet[];
  };
  /** Accounts that hold at least one role, by account name. */
  accounts: IamAccount[];
  /** Every team, by name: its hub role and the spoke roles its profiles reach. */
  teams: IamTeam[];
}

export interface IamAccount {
  /** The account's name in organization.json. */
  name: string;
  id: string;
  /** The account's region, else the organisation's: where its provider points. */
  region: string;
  /** The role Terraform assumes in this account (iam.terraform_role), as an ARN. */
  terraformRoleArn: string | undefined;
  roles: IamRole[];
}

export interface IamRole {
  /** The role as teams write it, with its path: "deploy/ci-deployer". */
  role: string;
  /** IAM's split of it: path "/deploy/", name "ci-deployer". */
  name: string;
  path: string;
  arn: string;
  definition: RoleDefinition;
  /** Teams whose hub role this is: the role trusts the SAML provider (okta only). */
  samlTeams: string[];
  /** Hub role ARNs of the teams whose profiles use this role: the role trusts them (okta only). */
  trustedHubRoles: string[];
  /**
   * With sso: ArnLike patterns of the Identity Center roles of the permission
   * sets whose teams use this role (permissionSetRoles), sorted: the role trusts them.
   */
  trustedSsoRoles: string[];
  /** For a hub role (okta): the spoke role ARNs it may assume (every team in samlTeams). */
  assumes: string[];
  /** The definition's inline policies, in the order it lists them. */
  inline: Array<{ file: string; document: PolicyDocument }>;
}

export interface IamPermissionSet {
  name: string;
  /** Sorted, without duplicates: the spoke role ARNs of every team whose hub_role this is. */
  assumes: string[];
}

export interface IamTeam {
  team: string;
  hubRoleArn: string;
  /** Sorted, without duplicates: the role_arn of every spoke profile aws.config writes for the team. */
  spokeArns: string[];
}

export function resolveIam(
  organization: Organization,
  teams: ReadonlyMap<string, Team>,
  inlinePolicies: InlinePolicies,
): IamModel {
  const iam = organization.iam;
  if (!iam) throw new Error('organization.json has no iam object (the caller should have refused it)');
  const hubName = organization.hub.account;
  const hub = organization.accounts[hubName];
  if (!hub) throw new Error(`hub account ${hubName} is not in the registry (validation should have caught this)`);
  const partition = partitionOf(hub.region ?? organization.region);
  const sso = organization.sso !== undefined;
  const accountById = new Map(Object.entries(organization.accounts).map(([name, account]) => [account.id, name]));

  // Roles per account, found as the teams use them.
  const roles = new Map<string, Map<string, RoleUse>>();
  const use = (account: string, role: string): RoleUse => {
    const inAccount = roles.get(account) ?? roles.set(account, new Map()).get(account)!;
    return (
      inAccount.get(role) ??
      inAccount
        .set(role, { samlTeams: new Set(), trustedHubRoles: new Set(), permissionSets: new Set(), assumes: new Set() })
        .get(role)!
    );
  };
  // With sso: permission set → the spoke ARNs it may assume (its hub role is Identity Center's, not robo's).
  const permissionSets = new Map<string, Set<string>>();

  const iamTeams: IamTeam[] = [];
  for (const [teamName, team] of [...teams].sort(([a], [b]) => byCodePoints(a, b))) {
    const config = resolveAwsConfig(organization, teamName, team);
    let assumes: Set<string>;
    if (sso) {
      assumes = permissionSets.get(team.hub_role) ?? permissionSets.set(team.hub_role, new Set()).get(team.hub_role)!;
    } else {
      const hubRole = use(hubName, team.hub_role);
      hubRole.samlTeams.add(teamName);
      assumes = hubRole.assumes;
    }
    const spokeArns = new Set<string>();
    for (const spoke of config.spokes) {
      const { accountId, role } = splitRoleArn(spoke.role_arn);
      const account = accountById.get(accountId);
      if (account === undefined) throw new Error(`${spoke.role_arn}: no account has id ${accountId}`);
      if (sso) use(account, role).permissionSets.add(team.hub_role);
      else use(account, role).trustedHubRoles.add(config.hub.role_arn);
      assumes.add(spoke.role_arn);
      spokeArns.add(spoke.role_arn);
    }
    iamTeams.push({ team: teamName, hubRoleArn: config.hub.role_arn, spokeArns: [...spokeArns].sort(byCodePoints) });
  }

  const accounts = [...roles]
    .sort(([a], [b]) => byCodePoints(a, b))
    .map(([name, used]): IamAccount => {
      const account = organization.accounts[name]!;
      const region = account.region ?? organization.region;
      return {
        name,
        id: account.id,
        region,
        terraformRoleArn:
          iam.terraform_role === undefined ? undefined : roleArn(account.id, iam.terraform_role, region),
        roles: [...used]
          .sort(([a], [b]) => byCodePoints(a, b))
          .map(([role, roleUse]) => iamRole(account.id, role, roleUse, hub.id, partition, iam.roles, inlinePolicies)),
      };
    });

  if (sso) {
    const sets = [...permissionSets]
      .filter(([, arns]) => arns.size > 0)
      .sort(([a], [b]) => byCodePoints(a, b))
      .map(([name, arns]) => ({ name, assumes: [...arns].sort(byCodePoints) }));
    return {
      partition,
      sso: { hubRootArn: `arn:${partition}:iam::${hub.id}:root`, permissionSets: sets },
      accounts,
      teams: iamTeams,
    };
  }
  if (iam.saml_provider === undefined)
    throw new Error('iam.saml_provider is not set with okta (validation should have caught this)');
  return {
    partition,
    okta: { samlProviderArn: `arn:${partition}:iam::${hub.id}:saml-provider/${iam.saml_provider}` },
    accounts,
    teams: iamTeams,
  };
}

interface RoleUse {
  samlTeams: Set<string>;
  trustedHubRoles: Set<string>;
  /** With sso: the permission sets whose teams use the role. */
  permissionSets: Set<string>;
  assumes: Set<string>;
}

/**
 * The ArnLike patterns (for aws:PrincipalArn) that match exactly the roles
 * IAM Identity Center makes in the hub account for a permission set:
 * AWSReservedSSO_<permission set>_<16 hex digits>, under the path
 * /aws-reserved/sso.amazonaws.com/ (an Identity Center in us-east-1) or
 * /aws-reserved/sso.amazonaws.com/<region>/ (elsewhere). In ArnLike `*` is
 * any run within the ARN's last part ("/" included) and `?` one character.
 * Sixteen `?` so that permission set Admin does not match Admin_Extra's
 * roles; two patterns rather than one `.../sso.amazonaws.com/*AWSReservedSSO_...`,
 * whose `*` would let permission set X_AWSReservedSSO_Admin match Admin's.
 * The suffix changes when Identity Center makes the role again: a pattern,
 * unlike the role's ARN, keeps matching.
 */
export function permissionSetRoles(partition: string, hubId: string, permissionSet: string): string[] {
  return ['', '*/'].map((region) => identityCenterRole(partition, hubId, permissionSet, region));
}

/** The ArnLike pattern of a permission set's role, `region` being "" (us-east-1) or "<region>/" (or "*\/"). */
export function identityCenterRole(partition: string, hubId: string, permissionSet: string, region: string): string {
  return `arn:${partition}:iam::${hubId}:role/aws-reserved/sso.amazonaws.com/${region}AWSReservedSSO_${permissionSet}_${'?'.repeat(16)}`;
}

function iamRole(
  accountId: string,
  role: string,
  roleUse: RoleUse,
  hubId: string,
  partition: string,
  definitions: Record<string, RoleDefinition>,
  inlinePolicies: InlinePolicies,
): IamRole {
  const definition = definitions[role];
  if (!definition) throw new Error(`role ${role} has no definition in iam.roles (validation should have caught this)`);
  const slash = role.lastIndexOf('/');
  return {
    role,
    name: role.slice(slash + 1),
    path: slash < 0 ? '/' : `/${role.slice(0, slash)}/`,
    arn: `arn:${partition}:iam::${accountId}:role/${role}`,
    definition,
    samlTeams: [...roleUse.samlTeams].sort(byCodePoints),
    trustedHubRoles: [...roleUse.trustedHubRoles].sort(byCodePoints),
    trustedSsoRoles: [...roleUse.permissionSets]
      .flatMap((permissionSet) => permissionSetRoles(partition, hubId, permissionSet))
      .sort(byCodePoints),
    assumes: [...roleUse.assumes].sort(byCodePoints),
    inline: (definition.inline ?? []).map((file) => {
      const document = inlinePolicies.get(file);
      if (!document) throw new Error(`inline policy ${file} of role ${role} was not read (validation should have)`);
      return { file, document };
    }),
  };
}

/** "arn:aws:iam::123456789012:role/deploy/x" → its account id and the role with its path. */
export function splitRoleArn(arn: string): { accountId: string; role: string } {
  const match = /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(arn);
  if (!match) throw new Error(`${arn}: not a role ARN`);
  return { accountId: match[1]!, role: match[2]! };
}
