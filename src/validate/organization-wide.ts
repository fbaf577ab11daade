/**
 * Stage 3 for the whole organisation: every definition file and every inline
 * policy file the roles name, each problem an error. For the commands about
 * the organisation (iam.terraform, teams.access, teams.validate); aws.config
 * uses validateDefinitions, which reads no policy file.
 */
import { TEAMS_DIR, type DefinitionFile, type Definitions } from '../definitions/definitions.js';
import { loadInlinePolicies, type InlinePolicyFiles } from '../definitions/inline-policies.js';
import type { InlinePolicies, Organization, Team } from '../definitions/model.js';
import { checkInlinePolicies, checkPermissionSetDefinitions, checkPolicyAccounts } from './iam.js';
import type { Problem } from './problems.js';
import { atMost, checkEveryFile } from './validate.js';
import { byCodePoints } from '../order.js';

export interface OrganizationWide {
  /** Undefined when there is any error (in any file): nothing should be generated from it. */
  organization: Organization | undefined;
  /** Every team whose file validated, by name, sorted by name. */
  teams: ReadonlyMap<string, Team>;
  /** Every inline file any role names that is a valid policy, by repo path. */
  inlinePolicies: InlinePolicies;
  /** Every problem of every file (inline policy files included). */
  errors: Problem[];
  /** The inline policy files as read, by repo path (undefined: not there), for the lines of their problems. */
  inlineFiles: ReadonlyMap<string, DefinitionFile | undefined>;
}

/**
 * Every definition file, then the inline policy files a valid organisation
 * names. Bad input is returned as errors; only the reader throws (exit 4, or 3
 * for more bytes than robo reads).
 */
export async function validateOrganizationWide(definitions: Definitions): Promise<OrganizationWide> {
  const checked = checkEveryFile(definitions);
  const { organization } = checked;
  const files: InlinePolicyFiles = organization?.iam
    ? await loadInlinePolicies(definitions.root, organization)
    : new Map();
  const inline = organization
    ? checkInlinePolicies(organization, files, atMost)
    : { policies: new Map(), problems: [] };
  // Over the teams that validated: each conflict found among them is real.
  const teams = new Map([...checked.teams].sort(([a], [b]) => byCodePoints(a, b)));
  const teamFile = (team: string) => `${TEAMS_DIR}/${team}.json`;
  const accounts = organization ? checkPolicyAccounts(organization, checked.teams, teamFile) : [];
  const unused = organization ? checkPermissionSetDefinitions(organization, teams, teamFile) : [];
  const errors = [...checked.errors, ...accounts, ...unused, ...inline.problems];
  return {
    organization: errors.length === 0 ? organization : undefined,
    teams,
    inlinePolicies: inline.policies,
    errors,
    inlineFiles: files,
  };
}
