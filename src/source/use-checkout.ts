/**
 * A checkout's definitions, used, then the checkout kept or discarded: kept
 * when the use returns, discarded (the cache as it was) when it throws, so
 * broken definitions never replace a good clone. aws.config, aws.render and
 * teams.list read a source through here.
 */
import { DefinitionsError } from '../errors.js';
import {
  ORGANIZATION_FILE,
  TEAMS_DIR,
  loadDefinitions,
  type DefinitionFile,
  type Definitions,
} from '../definitions/definitions.js';
import { describeSpec, type Checkout } from './source.js';

export async function useCheckout<T>(
  checkout: Checkout,
  use: (definitions: Definitions & { organization: DefinitionFile }) => Promise<T> | T,
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
