/**
 * A checkout's definitions, used, then the checkout kept or discarded: kept
 * when the use returns, discarded (the cache as it was) when it throws, so
 * broken definitions never replace a good clone. aws.config and aws.render read
 * the definitions through here; the reports (teams.list, teams.access,
 * iam.terraform) through useSource. robo.yml tasks do not: they keep the
 * checkout as it is and read only robo.yml (robofile/load.ts).
 */
import { DefinitionsError } from '../errors.js';
import {
  ORGANIZATION_FILE,
  TEAMS_DIR,
  loadDefinitions,
  type DefinitionFile,
  type Definitions,
} from '../definitions/definitions.js';
import { openSource, type OpenSourceRequest } from './open-source.js';
import { describeSpec, type Checkout } from './source.js';

type SourceDefinitions = Definitions & { organization: DefinitionFile };

/** Where a report's definitions came from. */
export interface SourceReport {
  /** The source as describeSpec says it. */
  source: string;
  /** No source configured: the report is of the example organisation bundled with robo, not the user's. */
  bundledExample: boolean;
  commit: string | undefined;
  offline: Checkout['offline'];
}

/** The configured source opened and its definitions used (as useCheckout), with where they came from. */
export async function useSource<T>(
  request: OpenSourceRequest,
  use: (definitions: SourceDefinitions, source: string) => Promise<T> | T,
): Promise<SourceReport & { result: T }> {
  const { spec, checkout } = await openSource(request);
  const source = describeSpec(spec);
  const result = await useCheckout(checkout, (definitions) => use(definitions, source));
  return {
    source,
    bundledExample: spec.kind === 'embedded',
    commit: checkout.commit,
    offline: checkout.offline,
    result,
  };
}

export async function useCheckout<T>(
  checkout: Checkout,
  use: (definitions: SourceDefinitions) => Promise<T> | T,
): Promise<T> {
  let result: T;
  try {
    const definitions = await loadDefinitions(checkout.dir);
    const { organization } = definitions;
    if (!organization) {
      throw new DefinitionsError(
        `${describeSpec(checkout.spec)} is not a dotfiles source: it has no ${ORGANIZATION_FILE} at its root`,
        [`expected ${ORGANIZATION_FILE} and ${TEAMS_DIR}/<team>.json (see docs/definitions.md in robo's repository)`],
      );
    }
    result = await use({ ...definitions, organization });
  } catch (error) {
    await checkout.discard();
    throw error;
  }
  await checkout.keep();
  return result;
}
