/**
 * The shapes of validated definitions (what the JSON Schemas in schemas/
 * accept) and of the resolved AWS config that the renderer turns into text.
 */

/** organization.json */
export interface Organization {
  description?: string;
  okta: OktaSettings;
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
  /** Name of the IAM SAML provider (the Okta identity provider) in the hub account. */
  saml_provider: string;
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
 * The keys robo writes to the AWS config, in the order it writes them: the
 * one table resolve.ts, render.ts (its allow-list) and validate.ts read.
 * [okta]'s keys come from organization.json's okta object under the same
 * names, so a new one is a row here and a property in
 * schemas/organization.schema.json (which gives its pattern).
 */
export const OKTA_KEYS = ['aws_saml_url', 'mfa_provider', 'mfa_factor_type', 'session_ttl', 'assume_role_ttl'] as const;
export type OktaKey = (typeof OKTA_KEYS)[number];
/** The [okta] keys aws-okta parses with Go's time.ParseDuration: validate.ts holds them to Go's rules. */
export const OKTA_DURATION_KEYS = ['session_ttl', 'assume_role_ttl'] as const satisfies readonly OktaKey[];
/** The keys of every profile section robo writes (ProfileModel holds their values). */
export const PROFILE_KEYS = ['role_arn', 'source_profile', 'region'] as const;

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
export const ACCOUNT_PLACEHOLDER = '{account}';

/** What ends up in the config file, in order: [okta], the hub profile, the spokes. */
export interface AwsConfigModel {
  team: string;
  okta: ReadonlyArray<readonly [key: string, value: string]>;
  hub: ProfileModel;
  spokes: ProfileModel[];
}

/** A profile section: its name, and the value of each of PROFILE_KEYS (undefined: the key is not written). */
export interface ProfileModel {
  name: string;
  role_arn: string;
  /** Only spokes have one: always the hub profile (aws-okta follows one hop). */
  source_profile?: string;
  region: string;
}
