/**
 * The iam.terraform job: source → definitions → validate (the whole
 * organisation, inline policy files included) → resolve → Terraform JSON →
 * plan against the output folder → write, or with `check` only compare.
 * Returns what happened and never prints. Nothing is written unless every
 * stage before succeeded.
 */
import { DefinitionsError } from '../errors.js';
import { ORGANIZATION_FILE } from '../definitions/definitions.js';
import { withLines } from '../definitions/json.js';
import type { OpenSourceRequest } from '../source/open-source.js';
import { useSource, type SourceReport } from '../source/use-checkout.js';
import { formatProblem, type Problem } from '../validate/problems.js';
import { validateOrganizationWide } from '../validate/organization-wide.js';
import { applyOutput, planOutput, type OutputPlan } from './output-dir.js';
import { resolveIam } from './resolve-iam.js';
import { checkIamSizes } from './sizes.js';
import { renderTerraform, type TerraformFiles } from './terraform.js';

/** A size warning, at its line in the file when found. */
export type SizeWarning = Problem & { line?: number };

export interface IamTerraformOptions extends OpenSourceRequest {
  /** The output folder, absolute. */
  out: string;
  /** Compare only: write nothing. */
  check: boolean;
}

export interface IamTerraformResult extends OutputPlan, SourceReport {
  check: boolean;
  /** Roles generated, over all accounts. */
  roles: number;
  /** Sizes over an adjustable IAM quota's default (docs/iam.md, "Sizes IAM limits"): written all the same. */
  warnings: SizeWarning[];
}

export async function iamTerraform(options: IamTerraformOptions): Promise<IamTerraformResult> {
  const { result, ...report } = await useSource(options, generate);
  const plan = await planOutput(options.out, result.files);
  if (!options.check && plan.changed) await applyOutput(plan, result.files);
  return { ...plan, ...report, check: options.check, roles: result.roles, warnings: result.warnings };
}

/** Validation, resolve, IAM's size limits and render of a checkout's definitions: the files, in memory. */
async function generate(
  definitions: Parameters<typeof validateOrganizationWide>[0],
  source: string,
): Promise<{ files: TerraformFiles; roles: number; warnings: SizeWarning[] }> {
  const { organization, teams, inlinePolicies, errors } = await validateOrganizationWide(definitions);
  if (errors.length > 0 || !organization) {
    throw new DefinitionsError(`invalid definitions in ${source}; nothing was written`, errors.map(formatProblem));
  }
  if (!organization.iam) {
    throw new DefinitionsError(`${ORGANIZATION_FILE} in ${source} has no iam object; nothing was written`, [
      `${ORGANIZATION_FILE}: /iam: iam.terraform needs a definition of every role the teams use (and with okta, saml_provider) (docs/iam.md)`,
    ]);
  }
  const model = resolveIam(organization, teams, inlinePolicies);
  const sizes = checkIamSizes(model, teams);
  if (sizes.errors.length > 0) {
    throw new DefinitionsError(
      `invalid definitions in ${source}; nothing was written`,
      sizes.errors.map(formatProblem),
    );
  }
  // Each at its line, as teams.validate gives them (a CI annotation wants FILE:LINE).
  const withLine = withLines((file) => (file === ORGANIZATION_FILE ? definitions.organization?.text : undefined));
  return {
    files: renderTerraform(model),
    roles: model.accounts.reduce((sum, account) => sum + account.roles.length, 0),
    warnings: sizes.warnings.map(withLine),
  };
}
