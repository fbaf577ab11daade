/**
 * The access review (`robo teams.access`), its pure stage: validated
 * definitions in, one row per team, profile and role out. The ARNs come from
 * resolve.ts, so they are exactly the ones aws.config writes; the policies
 * from organization.json's iam registry, when there is one.
 */
import { UsageError } from '../errors.js';
import { EVERY_ACCOUNT, type Organization, type Team } from '../definitions/model.js';
import { identityCenterRole } from '../iam/resolve-iam.js';
import { resolveAwsConfig } from '../render/resolve.js';
import { partitionOf, suggestName } from '../validate/regions.js';

/** One grant: a team's engineers reach `role` in `account` through `profile`. */
export interface AccessRow {
  team: string;
  profile: string;
  /** The account's name in organization.json. */
  account: string;
  accountId: string;
  role: string;
  roleArn: string;
  /** Managed policy ARNs, then `inline:<repo path>` of each inline policy; empty without organization.json's iam. */
  policies: string[];
}

export interface AccessFilter {
  /** A team name. */
  team?: string | undefined;
  /** An account's name or its 12-digit id. */
  account?: string | undefined;
}

export interface AccessReview {
  rows: AccessRow[];
  /** Teams with at least one row, in the order the definitions list them. */
  teams: string[];
  /** Account names reached by at least one row, in organization.json's order. */
  accounts: string[];
}

/**
 * Every team's grants, the hub profile first (the team's hub_role in the hub
 * account), then its spokes in the order aws.config writes them. An unknown
 * --team or --account is a UsageError naming the flag, with a did-you-mean.
 */
export function reviewAccess(
  organization: Organization,
  teams: ReadonlyMap<string, Team>,
  filter: AccessFilter = {},
): AccessReview {
  const teamNames = [...teams.keys()];
  if (filter.team !== undefined) requireTeam(filter.team, teamNames);
  const account = filter.account === undefined ? undefined : accountNamed(organization, filter.account);

  const rows: AccessRow[] = [];
  for (const [name, team] of teams) {
    if (filter.team !== undefined && name !== filter.team) continue;
    for (const row of teamRows(organization, name, team))
      if (account === undefined || row.account === account) rows.push(row);
  }
  const reached = new Set(rows.map((row) => row.account));
  const withRows = new Set(rows.map((row) => row.team));
  return {
    rows,
    teams: teamNames.filter((name) => withRows.has(name)),
    accounts: Object.keys(organization.accounts).filter((name) => reached.has(name)),
  };
}

/** One team's rows: aws.config's model of it, with the account and role each profile came from. */
function teamRows(organization: Organization, teamName: string, team: Team): AccessRow[] {
  const model = resolveAwsConfig(organization, teamName, team);
  const row = (profile: string, account: string, role: string, roleArn: string): AccessRow => ({
    team: teamName,
    profile,
    account,
    accountId: organization.accounts[account]!.id,
    role,
    roleArn,
    policies: policiesOf(organization, role),
  });
  // resolve.ts expands "*" over the registry in its order; the same walk names each spoke's account and role.
  const sources = team.profiles.flatMap((spoke) =>
    (spoke.account === EVERY_ACCOUNT ? Object.keys(organization.accounts) : [spoke.account]).map((account) => ({
      account,
      role: spoke.role,
    })),
  );
  if (sources.length !== model.spokes.length)
    throw new Error(`team ${teamName}: ${sources.length} profiles expected, resolve.ts made ${model.spokes.length}`);
  const hub = row(model.hub.name, organization.hub.account, team.hub_role, model.hub.role_arn);
  return [
    organization.sso ? { ...hub, roleArn: permissionSetRole(organization, team.hub_role), policies: [] } : hub,
    ...model.spokes.map((spoke, index) => {
      const { account, role } = sources[index]!;
      // Holds by construction; checked so that a change to resolve.ts cannot make the review name the wrong account.
      if (!spoke.role_arn.endsWith(`:${organization.accounts[account]!.id}:role/${role}`))
        throw new Error(`team ${teamName}: profile ${spoke.name} is ${spoke.role_arn}, not ${role} in ${account}`);
      return row(spoke.name, account, role, spoke.role_arn);
    }),
  ];
}

/**
 * With sso the hub role is the one IAM Identity Center makes from the
 * permission set, under a path that names Identity Center's region unless it
 * is us-east-1; the suffix as the spoke trusts match it. Its policies are the
 * permission set's, kept in Identity Center, not in organization.json.
 */
function permissionSetRole(organization: Organization, permissionSet: string): string {
  const { region } = organization.sso!;
  const hubId = organization.accounts[organization.hub.account]!.id;
  return identityCenterRole(partitionOf(region), hubId, permissionSet, region === 'us-east-1' ? '' : `${region}/`);
}

/** The role's managed policy ARNs, then its inline policy files as `inline:<path>`. */
function policiesOf(organization: Organization, role: string): string[] {
  const roles = organization.iam?.roles;
  const definition = roles && Object.hasOwn(roles, role) ? roles[role] : undefined;
  if (!definition) return [];
  return [...(definition.policies ?? []), ...(definition.inline ?? []).map((file) => `inline:${file}`)];
}

/** A UsageError naming --team, with a did-you-mean, unless `team` is one of `known`. */
export function requireTeam(team: string, known: readonly string[]): void {
  if (!known.includes(team)) throw unknown('--team', 'team', team, known);
}

/** The account --account names, by name or by id. */
function accountNamed(organization: Organization, given: string): string {
  if (Object.hasOwn(organization.accounts, given)) return given;
  const byId = Object.entries(organization.accounts).find(([, account]) => account.id === given);
  if (byId) return byId[0];
  throw unknown(
    '--account',
    'account',
    given,
    Object.keys(organization.accounts),
    " (an account's name or 12-digit id)",
  );
}

/** Names listed after an unknown --team or --account: enough to spot the right one, not a screenful. */
const MAX_NAMES_LISTED = 20;

function unknown(flag: string, kind: string, given: string, known: readonly string[], what = ''): UsageError {
  const guess = suggestName(given, known);
  const listed = known.slice(0, MAX_NAMES_LISTED).join(', ');
  const more = known.length > MAX_NAMES_LISTED ? ` and ${known.length - MAX_NAMES_LISTED} more` : '';
  return new UsageError(
    `${flag} ${JSON.stringify(given)}: no such ${kind} in the definitions${what}${guess ? `; did you mean ${guess}?` : ''}`,
    [`known: ${listed || '(none)'}${more}`],
  );
}
