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
}

/** Keys written to [okta]; aws_saml_url is required, the rest are optional org-wide aws-okta settings. */
export interface OktaSettings {
  aws_saml_url: string;
  mfa_provider?: string;
  mfa_factor_type?: string;
  session_ttl?: string;
  assume_role_ttl?: string;
}

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

export interface ProfileModel {
  name: string;
  roleArn: string;
  /** Only spokes have one: always the hub profile (aws-okta follows one hop). */
  sourceProfile?: string;
  region: string;
}
