/**
 * The shapes of validated definitions (what the JSON Schemas in schemas/
 * accept) and of the resolved AWS config that the renderer turns into text.
 */

/** organization.json */
export interface Organization {
  description?: string;
  /** The sign-in: exactly one of okta (aws-okta) and sso (IAM Identity Center); validate.ts holds the rule. */
  okta?: OktaSettings;
  sso?: SsoSettings;
  hub: { account: string; profile: string };
  region: string;
  /** Whether a profile may be named "default". */
  allow_default_profile?: boolean;
  accounts: Record<string, Account>;
  /** The IAM side of the same definitions (docs/iam.md); optional: aws.config never needs it. */
  iam?: IamSettings;
}

/** organization.json's iam object: what `robo iam.terraform` generates and `teams.access` reports. */
export interface IamSettings {
  /** Name of the IAM SAML provider (the Okta identity provider) in the hub account: required with okta, refused with sso. */
  saml_provider?: string;
  /** The role Terraform assumes in each account; unset: the provider's own credentials. */
  terraform_role?: string;
  /** Role definitions keyed by role name as teams write it: a hub_role, or a profile's role (paths allowed). */
  roles: Record<string, RoleDefinition>;
}

/** One role, wherever it is used: as a team's hub role in the hub account, or as a spoke role. */
export interface RoleDefinition {
  description?: string;
  /** Managed policy ARNs attached to the role. */
  policies?: string[];
  /** Repo paths of JSON IAM policy documents, attached as inline policies. */
  inline?: string[];
  /** Seconds, as IAM takes it (3600 to 43200). */
  max_session_duration?: number;
}

/**
 * An IAM policy document read from a file that a role's inline list names
 * (validated in stage 3, validate/policy-document.ts). Statement is always an
 * array: a file's single statement object comes back as an array of one,
 * which IAM reads the same.
 */
export interface PolicyDocument {
  Version: string;
  Statement: unknown[];
  Id?: string;
}

/** Inline policy documents by repo path (forward slashes), as role definitions name them. */
export type InlinePolicies = ReadonlyMap<string, PolicyDocument>;

/**
 * The keys robo writes to the AWS config, in order: the one table resolve.ts,
 * render.ts and validate.ts read. [okta]'s come from organization.json's okta
 * object by the same names: a new one is a row here and a schema property.
 */
export const OKTA_KEYS = ['aws_saml_url', 'mfa_provider', 'mfa_factor_type', 'session_ttl', 'assume_role_ttl'] as const;
export type OktaKey = (typeof OKTA_KEYS)[number];
/** The [okta] keys aws-okta parses with Go's time.ParseDuration: validate.ts holds them to Go's rules. */
export const OKTA_DURATION_KEYS = ['session_ttl', 'assume_role_ttl'] as const satisfies readonly OktaKey[];
/** The keys of every profile section robo writes (ProfileModel holds their values). */
export const PROFILE_KEYS = ['role_arn', 'source_profile', 'region'] as const;

/**
 * The sso form's [sso-session NAME] keys (from organization.json's sso object),
 * and the keys the hub profile gets instead of role_arn.
 */
export const SSO_SESSION_KEYS = ['sso_start_url', 'sso_region', 'sso_registration_scopes'] as const;
export const SSO_HUB_KEYS = ['sso_session', 'sso_account_id', 'sso_role_name'] as const;
/** What the AWS CLI asks Identity Center for when sso.registration_scopes is not set. */
export const DEFAULT_SSO_SCOPES = 'sso:account:access';

/** organization.json's sso object: the IAM Identity Center portal engineers sign in through. */
export interface SsoSettings {
  /** The AWS access portal: https://<name>.awsapps.com/start, or a URL on custom_host. */
  start_url: string;
  /** Where Identity Center lives (not necessarily the profiles' region). */
  region: string;
  /** The [sso-session NAME]; unset: the hub profile's name. */
  session_name?: string;
  /** Comma-separated OAuth scopes; unset: sso:account:access. */
  registration_scopes?: string;
  /** A host that is not *.awsapps.com which start_url may use, named here so a typo cannot send people elsewhere. */
  custom_host?: string;
}

/** Written to [okta]; aws_saml_url is required, the rest are optional org-wide aws-okta settings. */
export type OktaSettings = { aws_saml_url: string } & Partial<Record<OktaKey, string>>;

export interface Account {
  id: string;
  region?: string;
  description?: string;
}

/** teams/<team>.json */
export interface Team {
  description?: string;
  hub_role: string;
  profiles: SpokeDefinition[];
}

/** One entry of a team's profiles; account "*" expands to every account. */
export interface SpokeDefinition {
  name: string;
  account: string;
  role: string;
  region?: string;
}

export const EVERY_ACCOUNT = '*';
/** Team names are file names under teams/: never paths, never flags. */
export const TEAM_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** The one message for a string that is not a team name, wherever it came from (the caller says where). */
export function notATeamName(value: string): string {
  return `${JSON.stringify(value)} is not a team name (lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters)`;
}
export const ACCOUNT_PLACEHOLDER = '{account}';

/**
 * What ends up in the config file, in order: the sign-in section ([okta] or
 * [sso-session NAME], exactly one of okta and sso is set), the hub profile,
 * the spokes.
 */
export interface AwsConfigModel {
  team: string;
  /** [okta]'s keys and values, with the okta form. */
  okta?: ReadonlyArray<readonly [key: string, value: string]>;
  /** The [sso-session NAME] section, with the sso form. */
  sso?: SsoSessionModel;
  hub: ProfileModel;
  spokes: ProfileModel[];
}

/** [sso-session NAME]: its name and the value of each of SSO_SESSION_KEYS. */
export type SsoSessionModel = { name: string } & Record<(typeof SSO_SESSION_KEYS)[number], string>;

/** A profile section: its name, and the value of each of PROFILE_KEYS (undefined: the key is not written). */
export interface ProfileModel {
  name: string;
  /**
   * The role the profile ends up in. Written for spokes and for the okta
   * form's hub; with sso, the hub's is the permission set's name in the hub
   * account as the IAM side names roles, and is not written (sso says it).
   */
  role_arn: string;
  /** With the sso form, the hub's sign-in: SSO_HUB_KEYS' values, written instead of role_arn. */
  sso?: Record<(typeof SSO_HUB_KEYS)[number], string>;
  /** Only spokes have one: always the hub profile (aws-okta follows one hop). */
  source_profile?: string;
  region: string;
}
