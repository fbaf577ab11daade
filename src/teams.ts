/**
 * Tasks for the dotfiles repo's maintainers: validate a whole checkout, as
 * its own CI would.
 */
import path from 'node:path';
import { SourceError } from './errors.js';
import { ORGANIZATION_FILE, loadDefinitions } from './pipeline/definitions.js';
import type { Problem } from './pipeline/problems.js';
import { validateCheckout } from './pipeline/validate.js';

export interface CheckoutReport {
  root: string;
  teams: string[];
  /** Every problem in every file; empty when the checkout is valid. */
  problems: Problem[];
}

export async function validateTeams(options: { path: string | undefined; cwd: string }): Promise<CheckoutReport> {
  const root = path.resolve(options.cwd, options.path ?? '.');
  const definitions = await loadDefinitions(root);
  if (!definitions.organization && definitions.teams.size === 0) {
    throw new SourceError(`${root} is not a dotfiles checkout: it has no ${ORGANIZATION_FILE} and no teams/*.json`);
  }
  return { root, teams: [...definitions.teams.keys()], problems: validateCheckout(definitions) };
}
