/**
 * `robo teams.access`, its core: the dotfiles source read as aws.config reads
 * it (source → definitions → validate, the whole organisation), then the pure
 * review (access-review.ts). Returns the review; the command prints it.
 */
import { DefinitionsError } from '../errors.js';
import { openSource, type OpenSourceRequest } from '../source/open-source.js';
import { describeSpec, type Checkout } from '../source/source.js';
import { useCheckout } from '../source/use-checkout.js';
import { validateOrganizationWide } from '../validate/organization-wide.js';
import { formatProblem } from '../validate/problems.js';
import { requireTeam, reviewAccess, type AccessFilter, type AccessReview } from './access-review.js';

export interface TeamsAccessResult {
  source: string;
  /** No source configured: the review is of the example organisation bundled with robo, not the user's. */
  bundledExample: boolean;
  commit: string | undefined;
  offline: Checkout['offline'];
  review: AccessReview;
}

/**
 * The review of the configured source. Every file must be valid, as for
 * iam.terraform: a review that skipped a broken team or policy file would
 * understate who has access.
 */
export async function teamsAccess(options: OpenSourceRequest & AccessFilter): Promise<TeamsAccessResult> {
  const { spec, checkout } = await openSource(options);
  const review = await useCheckout(checkout, async (definitions) => {
    // An unknown --team is the usage error it is, even in a source with a broken file.
    if (options.team !== undefined) requireTeam(options.team, definitions.teamNames);
    const { organization, teams, errors } = await validateOrganizationWide(definitions);
    if (errors.length > 0 || !organization)
      throw new DefinitionsError(
        `invalid definitions in ${describeSpec(spec)}; no access review of them (robo teams.validate lists every problem)`,
        errors.map(formatProblem),
      );
    return reviewAccess(organization, teams, options);
  });
  return {
    source: describeSpec(spec),
    bundledExample: spec.kind === 'embedded',
    commit: checkout.commit,
    offline: checkout.offline,
    review,
  };
}
