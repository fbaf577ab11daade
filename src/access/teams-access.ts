/**
 * `robo teams.access`, its core: the dotfiles source read as aws.config reads
 * it (source → definitions → validate, the whole organisation), then the pure
 * review (access-review.ts). Returns the review; the command prints it.
 */
import { DefinitionsError } from '../errors.js';
import type { OpenSourceRequest } from '../source/open-source.js';
import { useSource, type SourceReport } from '../source/use-checkout.js';
import { validateOrganizationWide } from '../validate/organization-wide.js';
import { formatProblem } from '../validate/problems.js';
import { requireTeam, reviewAccess, type AccessFilter, type AccessReview } from './access-review.js';

/**
 * The review of the configured source. Every file must be valid, as for
 * iam.terraform: a review that skipped a broken team or policy file would
 * understate who has access.
 */
export async function teamsAccess(
  options: OpenSourceRequest & AccessFilter,
): Promise<SourceReport & { review: AccessReview }> {
  const { result, ...report } = await useSource(options, async (definitions, source) => {
    // An unknown --team is the usage error it is, even in a source with a broken file.
    if (options.team !== undefined) requireTeam(options.team, definitions.teamNames);
    const { organization, teams, errors } = await validateOrganizationWide(definitions);
    if (errors.length > 0 || !organization)
      throw new DefinitionsError(
        `invalid definitions in ${source}; no access review of them (robo teams.validate lists every problem)`,
        errors.map(formatProblem),
      );
    return reviewAccess(organization, teams, options);
  });
  return { ...report, review: result };
}
