/**
 * Stage 3: definitions in, the typed organisation and team plus every problem
 * out (size, strict JSON, hygiene, schema, cross-file rules); never throws for
 * bad input. Problems in organization.json or your own team are errors, in
 * other teams' files warnings: someone else's typo must not block everyone.
 */
import {
  ACCOUNT_PLACEHOLDER,
  EVERY_ACCOUNT,
  OKTA_DURATION_KEYS,
  notATeamName,
  TEAM_NAME,
  type Organization,
  type Team,
} from '../definitions/model.js';
import { readDocument, regionProblem, samlUrlProblem, startUrlProblem } from './checks.js';
import { ORGANIZATION_FILE, type DefinitionFile, type Definitions } from '../definitions/definitions.js';
import { parseGoDuration } from './go-duration.js';
import { PERMISSION_SET_MESSAGE, checkIamSettings, checkPermissionSetName, checkRolesDefined } from './iam.js';
import type { Problem } from './problems.js';
import { partitionOf, suggestName } from './regions.js';
import { checkOrganizationSchema, checkTeamSchema, type Explainer } from './schema.js';

export interface ValidationResult {
  organization: Organization | undefined;
  team: Team | undefined;
  errors: Problem[];
  warnings: Problem[];
}

const ONE_HOUR = 3600n * 1_000_000_000n;

/** Profiles one team may expand to: far above any real team, far below what would hurt. */
export const MAX_PROFILES_PER_TEAM = 20_000;

export function validateDefinitions(definitions: Definitions, teamName: string): ValidationResult {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const organization = checkOrganizationFile(definitions.organization, errors);
  let team: Team | undefined;
  for (const [name, file] of definitions.teams) {
    const own = name === teamName;
    // Only the engineer's own roles: someone else's missing role definition is not this run's business.
    const checked = checkTeamFile(name, file, organization, own ? errors : warnings, { roles: own });
    if (own) team = checked;
  }
  const ok = errors.length === 0;
  return { organization: ok ? organization : undefined, team: ok ? team : undefined, errors, warnings };
}

/**
 * Every definition file, each problem an error, with the organisation (if
 * its file is valid) and every team whose file is; no inline policy file is
 * read (organization-wide.ts adds those).
 */
export function checkEveryFile(definitions: Definitions): {
  organization: Organization | undefined;
  teams: Map<string, Team>;
  errors: Problem[];
} {
  const errors: Problem[] = [];
  const organization = checkOrganizationFile(definitions.organization, errors);
  const teams = new Map<string, Team>();
  for (const [name, file] of definitions.teams) {
    const team = checkTeamFile(name, file, organization, errors, { roles: true });
    if (team) teams.set(name, team);
  }
  return { organization, teams, errors };
}

/** Problems listed for one file: enough to fix it, not a flood (a file of 100,000 unknown keys is 100,000 problems). */
export const MAX_PROBLEMS_PER_FILE = 50;

export function atMost(problems: Problem[], file: string): Problem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
  return [
    ...problems.slice(0, MAX_PROBLEMS_PER_FILE),
    {
      file,
      pointer: '',
      message: `and ${problems.length - MAX_PROBLEMS_PER_FILE} more problem(s) in this file, not listed`,
    },
  ];
}

function checkOrganizationFile(file: DefinitionFile | undefined, sink: Problem[]): Organization | undefined {
  const problems: Problem[] = [];
  const organization = checkOrganization(file, problems);
  sink.push(...atMost(problems, ORGANIZATION_FILE));
  return organization;
}

function checkTeamFile(
  name: string,
  file: DefinitionFile,
  organization: Organization | undefined,
  sink: Problem[],
  options: { roles: boolean },
): Team | undefined {
  if (!TEAM_NAME.test(name)) {
    sink.push({ file: file.file, pointer: '', message: `file name ${notATeamName(name)}` });
    return undefined;
  }
  const problems: Problem[] = [];
  const team = checkTeam(file, organization, problems, options);
  sink.push(...atMost(problems, file.file));
  return team;
}

const explainOrganization: Explainer = (pointer, value) => {
  if (typeof value !== 'string') return undefined;
  if (pointer === '/okta/aws_saml_url') return samlUrlProblem(value);
  if (pointer === '/region' || pointer === '/sso/region' || /^\/accounts\/[^/]+\/region$/.test(pointer))
    return regionProblem(value);
  return undefined;
};

const explainTeam: Explainer = (pointer, value) =>
  typeof value === 'string' && /\/region$/.test(pointer) ? regionProblem(value) : undefined;

function checkOrganization(file: DefinitionFile | undefined, errors: Problem[]): Organization | undefined {
  if (!file) {
    errors.push({
      file: ORGANIZATION_FILE,
      pointer: '',
      message: 'missing: a dotfiles source needs an organisation file at its root',
    });
    return undefined;
  }
  const data = readDocument(file, errors);
  if (data === undefined) return undefined;
  const signIn = signInProblem(data);
  if (signIn) errors.push({ file: file.file, ...signIn });
  const schemaProblems = checkOrganizationSchema(data, file.file, explainOrganization);
  if (schemaProblems.length > 0 || signIn) {
    errors.push(...schemaProblems);
    return undefined;
  }
  const organization = data as Organization;
  const before = errors.length;
  const problem = (pointer: string, message: string, value?: unknown) =>
    errors.push({ file: file.file, pointer, message, value });
  const accounts = Object.keys(organization.accounts);

  if (!Object.hasOwn(organization.accounts, organization.hub.account)) {
    const guess = suggestName(organization.hub.account, accounts);
    problem(
      '/hub/account',
      `is not an account in /accounts${guess ? `; did you mean ${guess}?` : ` (known: ${accounts.join(', ')})`}`,
      organization.hub.account,
    );
  }
  const reserved = reservedProblem(organization.hub.profile, organization);
  if (reserved) problem('/hub/profile', reserved, organization.hub.profile);

  const regionIssue = regionProblem(organization.region);
  if (regionIssue) problem('/region', regionIssue, organization.region);
  const seenIds = new Map<string, string>();
  for (const [name, account] of Object.entries(organization.accounts)) {
    if (account.region) {
      const issue = regionProblem(account.region);
      if (issue) problem(`/accounts/${name}/region`, issue, account.region);
    }
    const other = seenIds.get(account.id);
    if (other)
      problem(
        `/accounts/${name}/id`,
        `is also the id of account ${other}: one id, one name, or people end up in an account they did not mean`,
        account.id,
      );
    else seenIds.set(account.id, name);
  }
  // A name that is another account's id reads as that account: in profile names, and to
  // teams.access --account (name or id), which would show the one and hide the other.
  for (const name of Object.keys(organization.accounts)) {
    const owner = seenIds.get(name);
    if (owner !== undefined && owner !== name)
      problem(
        `/accounts/${name}`,
        `is named after the id of account ${owner}: a name that reads as another account's id sends people to the wrong one`,
        name,
      );
  }

  // aws-okta reads both with Go's time.ParseDuration: robo accepts exactly
  // what it does. It looks a key up in the profile, its source profile, then
  // [okta]: every spoke inherits [okta]'s assume_role_ttl, and AWS caps a
  // chained role session at one hour (aws-okta #95).
  for (const key of OKTA_DURATION_KEYS) {
    const text = organization.okta?.[key];
    if (text === undefined) continue;
    const duration = parseGoDuration(text);
    if (!duration.ok) problem(`/okta/${key}`, `must be a Go duration, like 1h or 30m (${duration.reason})`, text);
    else if (key === 'assume_role_ttl' && duration.nanoseconds > ONE_HOUR) {
      problem(
        '/okta/assume_role_ttl',
        'is over 1h: spokes inherit it through aws-okta, and AWS refuses chained role sessions over one hour (aws-okta #95)',
        text,
      );
    }
  }
  if (organization.sso) {
    const { start_url: url, region, custom_host: customHost } = organization.sso;
    const urlIssue = startUrlProblem(url, customHost);
    if (urlIssue) problem('/sso/start_url', urlIssue, url);
    const ssoRegionIssue = regionProblem(region);
    if (ssoRegionIssue) problem('/sso/region', ssoRegionIssue, region);
    // An Identity Center instance serves the accounts of its own partition only: one in
    // cn-north-1 cannot sign anyone in to an account of aws, and the reverse.
    const hubAccount = organization.accounts[organization.hub.account];
    const hubRegion = hubAccount?.region ?? organization.region;
    if (!ssoRegionIssue && hubAccount && !regionProblem(hubRegion) && partitionOf(region) !== partitionOf(hubRegion))
      problem(
        '/sso/region',
        `is in partition ${partitionOf(region)}, but the hub (${organization.hub.account}, region ${hubRegion}) is in ${partitionOf(hubRegion)}: IAM Identity Center signs in only to accounts of its own partition`,
        region,
      );
  }
  checkIamSettings(organization, problem);

  return errors.length === before ? organization : undefined;
}

/** organization.json signs in one way: both okta and sso, or neither, is refused with both named. */
function signInProblem(data: unknown): { pointer: string; message: string } | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const okta = Object.hasOwn(data, 'okta');
  const sso = Object.hasOwn(data, 'sso');
  const rule = 'keep exactly one of okta (aws-okta) and sso (IAM Identity Center)';
  if (okta && sso)
    return { pointer: '/sso', message: `is set beside /okta: an organisation signs in one way, so ${rule}` };
  if (!okta && !sso) return { pointer: '/okta', message: `or /sso is required: engineers sign in somehow, so ${rule}` };
  return undefined;
}

function reservedProblem(name: string, organization: Organization): string | undefined {
  if (name === 'okta')
    return 'is reserved: aws-okta reads [okta] for its own settings, and [profile okta] would collide with it';
  if (name === 'default' && !organization.allow_default_profile) {
    return 'is reserved: the AWS CLI uses "default" when no profile is given; set allow_default_profile in organization.json to allow it';
  }
  return undefined;
}

function checkTeam(
  file: DefinitionFile,
  organization: Organization | undefined,
  problems: Problem[],
  options: { roles: boolean },
): Team | undefined {
  const data = readDocument(file, problems);
  if (data === undefined) return undefined;
  const schemaProblems = checkTeamSchema(data, file.file, explainTeam);
  if (schemaProblems.length > 0) {
    for (const found of schemaProblems)
      problems.push(
        organization?.sso && found.pointer === '/hub_role' && typeof found.value === 'string'
          ? { ...found, message: PERMISSION_SET_MESSAGE }
          : found,
      );
    return undefined;
  }
  const team = data as Team;
  if (!organization) return team;

  const before = problems.length;
  const problem = (pointer: string, message: string, value?: unknown) =>
    problems.push({ file: file.file, pointer, message, value });
  const accounts = Object.keys(organization.accounts);
  const hubAccount = organization.accounts[organization.hub.account]!;
  const hubPartition = partitionOf(hubAccount.region ?? organization.region);
  // Every name the rendered file will hold, with where it came from, so a
  // clash names both places. botocore refuses a file with duplicate sections.
  const seen = new Map<string, string>([[organization.hub.profile, `${ORGANIZATION_FILE} /hub/profile`]]);
  let expanded = 0;

  for (const [index, profile] of team.profiles.entries()) {
    // Stop expanding once over the limit: 5,000 entries of "*" over 5,000 accounts would be 25 million profiles.
    if (expanded > MAX_PROFILES_PER_TEAM) break;
    const at = (field: string) => `/profiles/${index}/${field}`;
    const every = profile.account === EVERY_ACCOUNT;
    if (!every && !Object.hasOwn(organization.accounts, profile.account)) {
      const guess = suggestName(profile.account, accounts);
      problem(
        at('account'),
        `is not an account in ${ORGANIZATION_FILE}${guess ? `; did you mean ${guess}?` : ` (known: ${accounts.join(', ')})`}`,
        profile.account,
      );
      continue;
    }
    if (every !== profile.name.includes(ACCOUNT_PLACEHOLDER)) {
      problem(
        at('name'),
        every
          ? `must contain ${ACCOUNT_PLACEHOLDER} when account is "${EVERY_ACCOUNT}", or every account would get the same name`
          : `may contain ${ACCOUNT_PLACEHOLDER} only when account is "${EVERY_ACCOUNT}"`,
        profile.name,
      );
      continue;
    }
    if (profile.region) {
      const issue = regionProblem(profile.region);
      if (issue) {
        problem(at('region'), issue, profile.region);
        continue;
      }
    }
    for (const account of every ? accounts : [profile.account]) {
      expanded += 1;
      if (expanded > MAX_PROFILES_PER_TEAM) break;
      const entry = organization.accounts[account]!;
      const name = profile.name.replaceAll(ACCOUNT_PLACEHOLDER, account);
      const region = profile.region ?? entry.region ?? organization.region;
      const partition = partitionOf(region);
      if (partition !== hubPartition) {
        problem(
          at(profile.region ? 'region' : 'account'),
          `puts profile "${name}" in partition ${partition} (region ${region}), but the hub is in ${hubPartition}: roles cannot be assumed across partitions`,
          profile.region ?? account,
        );
        continue;
      }
      const earlier = seen.get(name);
      const reserved = reservedProblem(name, organization);
      if (earlier) problem(at('name'), `gives profile "${name}" a second time (first from ${earlier})`, profile.name);
      else if (reserved)
        problem(
          at('name'),
          reserved.replace('is reserved', `gives profile "${name}", which is reserved`),
          profile.name,
        );
      else seen.set(name, `${file.file} ${at('name')}`);
    }
  }
  if (expanded > MAX_PROFILES_PER_TEAM)
    problem('/profiles', `expands to more than ${MAX_PROFILES_PER_TEAM} profiles; robo refuses more for one team`);
  checkPermissionSetName(team, organization, problem);
  if (options.roles) checkRolesDefined(team, organization, problem);
  return problems.length === before ? team : undefined;
}
