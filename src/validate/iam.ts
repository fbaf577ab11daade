/**
 * The IAM side's rules across files (docs/iam.md), as problems: every role a team uses is defined, managed
 * policies are of the organisation's partition, inline policy files are IAM policies. With sso a hub_role is
 * a permission set, so a definition or saml_provider for it would apply to nothing and is refused.
 */
import { ORGANIZATION_FILE, type DefinitionFile } from '../definitions/definitions.js';
import type { InlinePolicyFiles } from '../definitions/inline-policies.js';
import {
  EVERY_ACCOUNT,
  type InlinePolicies,
  type Organization,
  type PolicyDocument,
  type Team,
} from '../definitions/model.js';
import { POLICY_TEXT, readDocument } from './checks.js';
import { checkPolicyDocument } from './policy-document.js';
import { pointerSegment, type Problem } from './problems.js';
import { partitionOf, suggestName } from './regions.js';

/** IAM's limit on a role's inline policies together, in characters, white space not counted. */
export const MAX_INLINE_CHARACTERS_PER_ROLE = 10_240;
/** IAM Identity Center's CreatePermissionSet Name: [\w+=,.@-], 1 to 32 characters (\w in ASCII). */
export const PERMISSION_SET_NAME = /^[A-Za-z0-9_+=,.@-]{1,32}$/;

type Report = (pointer: string, message: string, value?: unknown) => void;

/**
 * The partition of the hub. Every account a team reaches is in it too (a
 * profile in another partition is refused), so every role robo knows lives
 * in this partition, and so must every policy the roles use.
 */
export function organizationPartition(organization: Organization): string {
  const hub = organization.accounts[organization.hub.account];
  return partitionOf(hub?.region ?? organization.region);
}

/**
 * organization.json's own iam rules: two definitions are two IAM roles, and
 * managed policy ARNs are in the organisation's partition. No file is read.
 */
export function checkIamSettings(organization: Organization, problem: Report): void {
  if (!organization.iam) return;
  const samlProvider = organization.iam.saml_provider;
  if (organization.okta && samlProvider === undefined)
    problem(
      '/iam/saml_provider',
      'is required with okta: every hub role trusts this SAML provider (Okta) in the hub account',
    );
  if (organization.sso && samlProvider !== undefined)
    problem(
      '/iam/saml_provider',
      'is refused with sso: IAM Identity Center makes the hub roles and their trust itself, so no SAML provider is trusted; remove it',
      samlProvider,
    );
  const partition = organizationPartition(organization);
  // IAM role names are unique in an account without their path and regardless of case:
  // deploy/ci and ci, or Admin and admin, are one role to IAM, and the second could not be created.
  const names = new Map<string, string>();
  for (const role of Object.keys(organization.iam.roles)) {
    const name = iamName(role);
    const first = names.get(name);
    if (first === undefined) names.set(name, role);
    else
      problem(
        `/iam/roles/${pointerSegment(role)}`,
        `is the same IAM role as /iam/roles/${pointerSegment(first)}: IAM compares role names without their path and regardless of case, so one account cannot hold both`,
      );
  }
  // The role Terraform signs in with must stay outside what it generates: a trust policy robo
  // wrote for it would name only teams' hub roles, and lock Terraform out of the account.
  const terraform = organization.iam.terraform_role;
  const generated = terraform === undefined ? undefined : names.get(iamName(terraform));
  if (terraform !== undefined && generated !== undefined)
    problem(
      '/iam/terraform_role',
      `is the same IAM role as /iam/roles/${pointerSegment(generated)}: the role Terraform assumes must not be one it generates (its new trust policy would lock Terraform out)`,
      terraform,
    );
  for (const [role, definition] of Object.entries(organization.iam.roles)) {
    // robo generates every defined role: never one under a path AWS keeps for its own roles,
    // where (with sso) a role named like an Identity Center role would pass a permission set's trust.
    const reserved = RESERVED_ROLE_PATHS.find((path) => role.startsWith(path));
    if (reserved !== undefined)
      problem(
        `/iam/roles/${pointerSegment(role)}`,
        `is under ${reserved}, a path AWS keeps for its own roles (aws-reserved/ holds IAM Identity Center's, aws-service-role/ the service-linked ones): robo would generate a role there, and one named AWSReservedSSO_<permission set>_<suffix> would pass that permission set's trust; give it another path`,
      );
    for (const [index, arn] of (definition.policies ?? []).entries()) {
      const arnPartition = arn.split(':')[1];
      if (arnPartition !== partition)
        problem(
          `/iam/roles/${pointerSegment(role)}/policies/${index}`,
          `is in partition ${arnPartition}, but the hub (${organization.hub.account}) and every account its teams reach are in ${partition}: IAM cannot attach a policy from another partition`,
          arn,
        );
    }
  }
}

/** Role paths AWS keeps for the roles it makes (IAM Identity Center's, service-linked roles). */
const RESERVED_ROLE_PATHS = ['aws-reserved/', 'aws-service-role/'];

/** What IAM compares role names by: the name without its path, case folded. */
function iamName(role: string): string {
  return role.slice(role.lastIndexOf('/') + 1).toLowerCase();
}

/**
 * Each role the team uses (its hub_role, each profile's role) that has no
 * definition in organization.json's iam.roles; only when iam is present.
 * With sso the hub_role is a permission set, whose role Identity Center
 * makes: only the profiles' roles need definitions.
 */
export function checkRolesDefined(team: Team, organization: Organization, problem: Report): void {
  const roles = organization.iam?.roles;
  if (!roles) return;
  const missing = (role: string, where: string) => {
    // Listed only for a missing role: once per team for every team was a tenth of iam.terraform at 500 teams.
    const guess = suggestName(role, Object.keys(roles));
    return `names a role with no definition in ${ORGANIZATION_FILE} /iam/roles (${where})${guess ? `; did you mean ${guess}?` : ''}`;
  };
  if (!organization.sso && !Object.hasOwn(roles, team.hub_role))
    problem(
      '/hub_role',
      missing(team.hub_role, `hub profile "${organization.hub.profile}", account ${organization.hub.account}`),
      team.hub_role,
    );
  for (const [index, profile] of team.profiles.entries()) {
    if (Object.hasOwn(roles, profile.role)) continue;
    // An unknown account is its own problem already: a role in no account needs no definition yet.
    if (profile.account !== EVERY_ACCOUNT && !Object.hasOwn(organization.accounts, profile.account)) continue;
    const account =
      profile.account === EVERY_ACCOUNT ? `every account ("${EVERY_ACCOUNT}")` : `account ${profile.account}`;
    problem(`/profiles/${index}/role`, missing(profile.role, `profile "${profile.name}", ${account}`), profile.role);
  }
}

/**
 * With sso, the team's hub_role is written as sso_role_name and names an IAM
 * Identity Center permission set, whose names are shorter than role names
 * and have no path. Checked with or without iam: aws.config writes it.
 */
export function checkPermissionSetName(team: Team, organization: Organization, problem: Report): void {
  if (organization.sso && !PERMISSION_SET_NAME.test(team.hub_role))
    problem('/hub_role', PERMISSION_SET_MESSAGE, team.hub_role);
}

/** Also what the team schema's role-name message becomes with sso, whose "optionally after a path" would mislead. */
export const PERMISSION_SET_MESSAGE =
  'must be an IAM Identity Center permission set name with sso (letters, digits and +=,.@_-, 1 to 32 characters, no path): it is the sso_role_name of the hub profile';

/**
 * With sso, a role definition named after a team's permission set that no
 * profile uses as a role would apply to nothing: Identity Center makes that
 * hub role, with the permission set's policies. Refused rather than ignored,
 * so no one reads it as the hub role's policies. Needs every team.
 */
export function checkPermissionSetDefinitions(
  organization: Organization,
  teams: ReadonlyMap<string, Team>,
  teamFile: (team: string) => string,
): Problem[] {
  const roles = organization.iam?.roles;
  if (!organization.sso || !roles) return [];
  const permissionSets = new Map<string, string>(); // permission set → the first team that names it
  const spokeRoles = new Set<string>();
  for (const [name, team] of teams) {
    if (!permissionSets.has(team.hub_role)) permissionSets.set(team.hub_role, name);
    for (const profile of team.profiles) spokeRoles.add(profile.role);
  }
  return [...permissionSets]
    .filter(([permissionSet]) => Object.hasOwn(roles, permissionSet) && !spokeRoles.has(permissionSet))
    .map(([permissionSet, team]) => ({
      file: ORGANIZATION_FILE,
      pointer: `/iam/roles/${pointerSegment(permissionSet)}`,
      message: `is the permission set of ${teamFile(team)} /hub_role, and no profile uses it as a role: with sso, IAM Identity Center makes the hub role from the permission set (its policies are set there), so this definition would apply to nothing; remove it`,
    }));
}

/**
 * A customer managed policy (arn:...:iam::<account id>:policy/...) can be
 * attached only to roles of its own account: each one must belong to every
 * account where some team uses the role (the hub for a hub_role, each
 * account a profile reaches). Needs every team, so teams.validate and the
 * IAM commands check it, not aws.config.
 */
export function checkPolicyAccounts(
  organization: Organization,
  teams: ReadonlyMap<string, Team>,
  teamFile: (team: string) => string,
): Problem[] {
  const roles = organization.iam?.roles ?? {};
  // Only roles with a customer managed policy: usually none, and then no team is walked.
  const owned = new Set(
    Object.keys(roles).filter((role) => roles[role]!.policies?.some((arn) => arn.split(':')[4] !== 'aws')),
  );
  if (owned.size === 0) return [];
  // Role → the first use of it in each account id, for the message.
  const uses = new Map<string, Map<string, string>>();
  const use = (role: string, account: string, where: string) => {
    const id = organization.accounts[account]?.id;
    if (id === undefined) return;
    const byId = uses.get(role) ?? new Map<string, string>();
    if (!byId.has(id)) byId.set(id, `${where}, account ${account}`);
    uses.set(role, byId);
  };
  for (const [name, team] of teams) {
    if (owned.has(team.hub_role)) use(team.hub_role, organization.hub.account, `${teamFile(name)} /hub_role`);
    for (const [index, profile] of team.profiles.entries()) {
      if (!owned.has(profile.role)) continue;
      const accounts = profile.account === EVERY_ACCOUNT ? Object.keys(organization.accounts) : [profile.account];
      for (const account of accounts) use(profile.role, account, `${teamFile(name)} /profiles/${index}`);
    }
  }
  const problems: Problem[] = [];
  for (const role of owned) {
    for (const [index, arn] of (roles[role]!.policies ?? []).entries()) {
      const owner = arn.split(':')[4];
      if (owner === 'aws') continue;
      const elsewhere = [...(uses.get(role) ?? [])].find(([id]) => id !== owner);
      if (elsewhere)
        problems.push({
          file: ORGANIZATION_FILE,
          pointer: `/iam/roles/${pointerSegment(role)}/policies/${index}`,
          message: `is a policy of account ${owner}, but ${elsewhere[1]} (${elsewhere[0]}) uses the role: IAM attaches only AWS managed policies and those of the role's own account`,
          value: arn,
        });
    }
  }
  return problems;
}

/**
 * Parse and check every inline policy file, and each role's inline policies
 * together against IAM's size limit. Problems of a file name the file and a
 * pointer in it; a file that is not there is named at the role that lists it.
 */
export function checkInlinePolicies(
  organization: Organization,
  files: InlinePolicyFiles,
  limitPerFile: (problems: Problem[], file: string) => Problem[],
): { policies: InlinePolicies; problems: Problem[] } {
  const partition = organizationPartition(organization);
  const policies = new Map<string, PolicyDocument>();
  const problems: Problem[] = [];
  for (const [path, file] of files) {
    if (!file) continue; // named at each role that lists it, below
    const found: Problem[] = [];
    const document = readPolicy(file, partition, found);
    problems.push(...limitPerFile(found, path));
    if (document) policies.set(path, document);
  }
  for (const [role, definition] of Object.entries(organization.iam?.roles ?? {})) {
    const at = `/iam/roles/${pointerSegment(role)}/inline`;
    let characters = 0;
    for (const [index, path] of (definition.inline ?? []).entries()) {
      if (files.has(path) && !files.get(path))
        problems.push({
          file: ORGANIZATION_FILE,
          pointer: `${at}/${index}`,
          message: 'is not a file in the repo (paths are relative to the repo root)',
          value: path,
        });
      const document = policies.get(path);
      if (document) characters += JSON.stringify(document).replace(/\s/g, '').length;
    }
    if (characters > MAX_INLINE_CHARACTERS_PER_ROLE)
      problems.push({
        file: ORGANIZATION_FILE,
        pointer: at,
        message: `holds ${characters} characters of policy together (white space not counted); IAM takes at most ${MAX_INLINE_CHARACTERS_PER_ROLE} per role: use a managed policy for the rest`,
      });
  }
  return { policies, problems };
}

/** Size, strict JSON, text hygiene and the policy grammar, as for the definition files. */
function readPolicy(file: DefinitionFile, partition: string, problems: Problem[]): PolicyDocument | undefined {
  const data = readDocument(file, problems, POLICY_TEXT);
  if (data === undefined) return undefined;
  const grammar = checkPolicyDocument(data, file.file, { partition });
  problems.push(...grammar);
  if (grammar.length > 0) return undefined;
  const document = data as Omit<PolicyDocument, 'Statement'> & { Statement: unknown };
  // One shape for every reader downstream: IAM reads one statement and an array of one alike.
  return Array.isArray(document.Statement)
    ? (document as PolicyDocument)
    : { ...document, Statement: [document.Statement] };
}
