/**
 * IAM's size limits on what iam.terraform writes (docs/iam.md, "Sizes IAM limits"): a role's trust policy, its
 * inline policies together and its managed policies, a permission set's inline policy. Each is measured on the
 * very text terraform.ts writes, white space not counted as IAM counts, so this rule cannot disagree with the
 * output. It needs the resolved model, so it runs where that is built anyway (iam.terraform, teams.validate),
 * after every other rule has passed; validate/ (which teams.access and aws.config use) knows nothing of it.
 */
import { ORGANIZATION_FILE, TEAMS_DIR } from '../definitions/definitions.js';
import type { Team } from '../definitions/model.js';
import { MAX_INLINE_CHARACTERS_PER_ROLE } from '../validate/iam.js';
import { pointerSegment, type Problem } from '../validate/problems.js';
import type { IamModel, IamRole } from './resolve-iam.js';
import { assumeSpokesPolicy, policyTexts, roleInlinePolicies, trustPolicyText } from './terraform.js';

/** IAM quota "Role trust policy length" (L-C07B4B0D): the default, and the most Service Quotas raises it to. */
export const TRUST_POLICY_DEFAULT = 2_048;
export const TRUST_POLICY_MAX = 8_192;
/** IAM's limit on a role's inline policies together (not adjustable; validate/iam.ts checks the files alone). */
export const ROLE_INLINE_MAX = MAX_INLINE_CHARACTERS_PER_ROLE;
/**
 * IAM quota "Managed policies per role" (L-0DA4ABF3): the default, and the most Service Quotas raises it to (the
 * schema's maxItems, so only the default is checked here).
 */
export const MANAGED_POLICIES_DEFAULT = 10;
export const MANAGED_POLICIES_MAX = 20;
/** IAM Identity Center's limit on a permission set's one inline policy (not adjustable). */
export const PERMISSION_SET_INLINE_MAX = 10_240;

/** What IAM counts against its size limits: the characters that are not white space. */
export function iamCharacters(text: string): number {
  return text.replace(/\s/g, '').length;
}

export interface SizeProblems {
  /** Over a limit no quota raises: terraform apply would fail. */
  errors: Problem[];
  /** Over an adjustable default but within its maximum: apply fails unless the quota was raised. */
  warnings: Problem[];
}

/** Every size over IAM's limits in the model, one problem per role (its largest account) or permission set. */
export function checkIamSizes(model: IamModel, teams: ReadonlyMap<string, Team>): SizeProblems {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const policyOf = policyTexts();
  // A role is one definition in many accounts: report it once, at its largest, counting the accounts over.
  const trusts = new Map<string, Largest>();
  const inline = new Map<string, Largest>();
  const keep = (largest: Map<string, Largest>, role: IamRole, account: string, size: number) => {
    const seen = largest.get(role.role);
    const accounts = (seen?.accounts ?? 0) + 1;
    largest.set(role.role, !seen || size > seen.size ? { role, account, size, accounts } : { ...seen, accounts });
  };
  // Managed policies: one definition, the same count in every account the role is in.
  const attached = new Map<string, { role: IamRole; accounts: number }>();
  for (const account of model.accounts) {
    for (const role of account.roles) {
      if ((role.definition.policies?.length ?? 0) > MANAGED_POLICIES_DEFAULT)
        attached.set(role.role, { role, accounts: (attached.get(role.role)?.accounts ?? 0) + 1 });
      const trust = iamCharacters(trustPolicyText(model, role));
      if (trust > TRUST_POLICY_DEFAULT) keep(trusts, role, account.name, trust);
      const policies = roleInlinePolicies(role, policyOf).reduce((sum, { policy }) => sum + iamCharacters(policy), 0);
      if (policies > ROLE_INLINE_MAX) keep(inline, role, account.name, policies);
    }
  }

  for (const { role, account, size, accounts } of trusts.values()) {
    const where = `its trust policy in account ${account}${accounts > 1 ? ` (and ${accounts - 1} more account(s) over ${TRUST_POLICY_DEFAULT})` : ''} holds ${size} characters (white space not counted), trusting ${trusted(role)}`;
    const fewer = 'give some of these teams a role of their own';
    const at = { file: ORGANIZATION_FILE, pointer: `/iam/roles/${pointerSegment(role.role)}` };
    if (size > TRUST_POLICY_MAX)
      errors.push({
        ...at,
        message: `${where}: IAM takes at most ${TRUST_POLICY_MAX}, even with its quota "Role trust policy length" raised; ${fewer}`,
      });
    else
      warnings.push({
        ...at,
        message: `${where}: over IAM's default of ${TRUST_POLICY_DEFAULT}, terraform apply fails (LimitExceeded) unless the quota "Role trust policy length" (L-C07B4B0D) of that account is raised to at least ${size} (at most ${TRUST_POLICY_MAX}); raise it, or ${fewer}`,
      });
  }

  for (const { role, accounts } of attached.values()) {
    const count = role.definition.policies!.length;
    warnings.push({
      file: ORGANIZATION_FILE,
      pointer: `/iam/roles/${pointerSegment(role.role)}/policies`,
      message: `attaches ${count} managed policies, in ${accounts} account(s): over IAM's default of ${MANAGED_POLICIES_DEFAULT} per role, terraform apply fails (LimitExceeded) unless the quota "Managed policies per role" (L-0DA4ABF3) of those accounts is raised to at least ${count} (at most ${MANAGED_POLICIES_MAX}); raise it, or merge some of them into one customer managed policy`,
    });
  }

  for (const { role, account, size } of inline.values()) {
    const own =
      role.assumes.length > 0 ? `, robo's policy to assume ${role.assumes.length} spoke role(s) included` : '';
    errors.push({
      file: ORGANIZATION_FILE,
      pointer: `/iam/roles/${pointerSegment(role.role)}`,
      message: `its inline policies in account ${account} hold ${size} characters together (white space not counted${own}); IAM takes at most ${ROLE_INLINE_MAX} per role: move statements of its inline files to a managed policy, or give its teams fewer spoke roles`,
    });
  }

  for (const { name, assumes } of model.sso?.permissionSets ?? []) {
    const size = iamCharacters(assumeSpokesPolicy(assumes));
    if (size <= PERMISSION_SET_INLINE_MAX) continue;
    const team = [...teams].find(([, definition]) => definition.hub_role === name)?.[0];
    errors.push({
      file: team === undefined ? ORGANIZATION_FILE : `${TEAMS_DIR}/${team}.json`,
      pointer: team === undefined ? '' : '/hub_role',
      message: `the policy permission set ${name} needs (sts:AssumeRole on its teams' ${assumes.length} spoke roles) holds ${size} characters (white space not counted); IAM Identity Center takes at most ${PERMISSION_SET_INLINE_MAX} in a permission set's inline policy: give its teams fewer spoke roles, or split them over more permission sets`,
      value: name,
    });
  }
  return { errors, warnings };
}

interface Largest {
  role: IamRole;
  account: string;
  size: number;
  /** Accounts where the role is over the limit. */
  accounts: number;
}

/** What a trust lists, for the message: the roles that grow it. */
function trusted(role: IamRole): string {
  if (role.trustedSsoRoles.length > 0) return `the roles of ${role.trustedSsoRoles.length / 2} permission set(s)`;
  const saml = role.samlTeams.length > 0 ? 'the SAML provider and ' : '';
  return `${saml}${role.trustedHubRoles.length} hub role(s)`;
}
