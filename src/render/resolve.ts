/**
 * Stage 4a: a validated organisation and team → the profiles the config will
 * hold. Pure: expands account "*", picks each region (profile, account,
 * organisation), builds role ARNs, and signs the hub in through [okta] or an
 * [sso-session] (its permission set the team's hub_role).
 */
import { partitionOf } from '../validate/regions.js';
import {
  ACCOUNT_PLACEHOLDER,
  EVERY_ACCOUNT,
  DEFAULT_SSO_SCOPES,
  OKTA_KEYS,
  type AwsConfigModel,
  type SsoSessionModel,
  type Organization,
  type ProfileModel,
  type Team,
} from '../definitions/model.js';

export function resolveAwsConfig(organization: Organization, teamName: string, team: Team): AwsConfigModel {
  const hubAccount = organization.accounts[organization.hub.account];
  if (!hubAccount)
    throw new Error(
      `hub account ${organization.hub.account} is not in the registry (validation should have caught this)`,
    );
  const hubRegion = hubAccount.region ?? organization.region;

  const hub: ProfileModel = {
    name: organization.hub.profile,
    role_arn: roleArn(hubAccount.id, team.hub_role, hubRegion),
    region: hubRegion,
  };

  const spokes: ProfileModel[] = [];
  for (const spoke of team.profiles) {
    const accountNames = spoke.account === EVERY_ACCOUNT ? Object.keys(organization.accounts) : [spoke.account];
    for (const accountName of accountNames) {
      const account = organization.accounts[accountName];
      if (!account)
        throw new Error(`account ${accountName} is not in the registry (validation should have caught this)`);
      const region = spoke.region ?? account.region ?? organization.region;
      spokes.push({
        name: spoke.name.replaceAll(ACCOUNT_PLACEHOLDER, accountName),
        role_arn: roleArn(account.id, spoke.role, region),
        source_profile: hub.name,
        region,
      });
    }
  }

  const sso = ssoSession(organization);
  if (sso) {
    hub.sso = { sso_session: sso.name, sso_account_id: hubAccount.id, sso_role_name: team.hub_role };
    return { team: teamName, sso, hub, spokes };
  }
  const settings = organization.okta;
  if (!settings) throw new Error('organization has neither okta nor sso (validation should have caught this)');
  const okta = OKTA_KEYS.flatMap((key) => {
    const value = settings[key];
    return value === undefined ? [] : [[key, value] as const];
  });
  return { team: teamName, okta, hub, spokes };
}

/** The [sso-session] of an sso organisation (undefined with okta): doctor and onboard name it too. */
export function ssoSession(organization: Organization): SsoSessionModel | undefined {
  const sso = organization.sso;
  if (!sso) return undefined;
  return {
    name: sso.session_name ?? organization.hub.profile,
    sso_start_url: sso.start_url,
    sso_region: sso.region,
    sso_registration_scopes: sso.registration_scopes ?? DEFAULT_SSO_SCOPES,
  };
}

export function roleArn(accountId: string, role: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${role}`;
}
