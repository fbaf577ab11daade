/**
 * `robo teams.access`, its core: the dotfiles source read as aws.config reads
 * it (source → definitions → validate), then the pure review
 * (access-review.ts). Returns the review; the command prints it.
 */
import { DefinitionsError } from '../errors.js';
import { TEAMS_DIR } from '../definitions/definitions.js';
import { openSource, type OpenSourceRequest } from '../source/open-source.js';
import { describeSpec, type Checkout } from '../source/source.js';
import { useCheckout } from '../source/use-checkout.js';
import { validateCheckout } from '../validate/validate.js';
import type { Definitions } from '../definitions/definitions.js';
import type { Organization, Team } from '../definitions/model.js';
import { formatProblem, type Problem } from '../validate/problems.js';
import { requireTeam, reviewAccess, type AccessFilter, type AccessReview } from './access-review.js';

export interface TeamsAccessResult {
  source: string;
  commit: string | undefined;
  offline: Checkout['offline'];
  review: AccessReview;
  /** Problems in team files the review leaves out (--team names another team): they do not block it. */
  warnings: Problem[];
}

/**
 * The review of the configured source. organization.json (with the inline
 * policy files it names) and every team the review covers must be valid: a
 * review that quietly skipped a broken team file would understate who has
 * access. With --team, other teams' problems are warnings, as for aws.config.
 */
export async function teamsAccess(options: OpenSourceRequest & AccessFilter): Promise<TeamsAccessResult> {
  const { spec, checkout } = await openSource(options);
  const { review, warnings } = await useCheckout(checkout, async (definitions) => {
    const checked = await validateOrganizationWide(definitions);
    const covered = (problem: Problem) =>
      options.team === undefined ||
      !problem.file.startsWith(`${TEAMS_DIR}/`) ||
      problem.file === `${TEAMS_DIR}/${options.team}.json`;
    const errors = checked.errors.filter(covered);
    // An unknown --team is a usage error, even when some file is broken.
    if (options.team !== undefined) requireTeam(options.team, definitions.teamNames);
    if (errors.length > 0 || !checked.organization)
      throw new DefinitionsError(
        `invalid definitions in ${describeSpec(spec)}; no access review of them`,
        errors.map(formatProblem),
      );
    return {
      review: reviewAccess(checked.organization, checked.teams, options),
      warnings: checked.errors.filter((problem) => !covered(problem)),
    };
  });
  return { source: describeSpec(spec), commit: checkout.commit, offline: checkout.offline, review, warnings };
}

// TEMPORARY until branch iamdefs lands validateOrganizationWide: every file checked, the valid ones parsed.
async function validateOrganizationWide(
  definitions: Definitions,
): Promise<{ organization: Organization | undefined; teams: Map<string, Team>; errors: Problem[] }> {
  await Promise.resolve();
  const errors = validateCheckout(definitions);
  const broken = new Set(errors.map((problem) => problem.file));
  const organization =
    definitions.organization && !broken.has(definitions.organization.file)
      ? (JSON.parse(definitions.organization.text) as Organization)
      : undefined;
  const teams = new Map<string, Team>();
  for (const [name, file] of definitions.teams)
    if (!broken.has(file.file)) teams.set(name, JSON.parse(file.text) as Team);
  return { organization, teams, errors };
}
