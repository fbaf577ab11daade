/**
 * Tasks for the dotfiles repo's maintainers: validate a whole checkout, as
 * its own CI would, and list the teams of the configured source.
 */
import path from 'node:path';
import { DefinitionsError, SourceError } from './errors.js';
import type { Organization, Team } from './model.js';
import { ORGANIZATION_FILE, loadDefinitions } from './pipeline/definitions.js';
import type { Problem } from './pipeline/problems.js';
import { resolveAwsConfig } from './pipeline/resolve.js';
import { openSource, type OpenSourceRequest } from './pipeline/open-source.js';
import { formatProblem } from './pipeline/problems.js';
import { describeSpec, type Checkout } from './pipeline/source.js';
import { validateCheckout } from './pipeline/validate.js';
import { exists } from './system/fs.js';

export interface CheckoutReport {
  root: string;
  teams: string[];
  /** Every problem in every file; empty when the checkout is valid. */
  problems: Problem[];
}

export async function validateTeams(options: { path: string | undefined; cwd: string }): Promise<CheckoutReport> {
  const root = path.resolve(options.cwd, options.path ?? '.');
  if (!(await exists(root))) throw new SourceError(`${root}: no such folder`);
  const definitions = await loadDefinitions(root);
  if (!definitions.organization && definitions.teams.size === 0) {
    throw new DefinitionsError(`${root} is not a dotfiles checkout: it has no ${ORGANIZATION_FILE} and no teams/*.json`, []);
  }
  return { root, teams: [...definitions.teams.keys()], problems: validateCheckout(definitions) };
}

export interface TeamRow {
  team: string;
  hubRole: string | undefined;
  /** Profiles the team's file gives, the hub profile included (undefined when the file is invalid). */
  profiles: number | undefined;
  problems: number;
}

/** Every team of the configured dotfiles source, with its hub role and how many profiles it gets. */
export async function listTeams(options: OpenSourceRequest): Promise<{ source: string; commit: string | undefined; offline: Checkout['offline']; teams: TeamRow[] }> {
  const { spec, checkout } = await openSource(options);
  try {
    const definitions = await loadDefinitions(checkout.dir);
    if (!definitions.organization) {
      throw new DefinitionsError(`${describeSpec(spec)} is not a dotfiles source: it has no ${ORGANIZATION_FILE} at its root`, []);
    }
    const problems = validateCheckout(definitions);
    const organizationProblems = problems.filter((problem) => problem.file === ORGANIZATION_FILE);
    if (organizationProblems.length > 0) {
      throw new DefinitionsError(`invalid ${ORGANIZATION_FILE} in ${describeSpec(spec)}`, organizationProblems.map(formatProblem));
    }
    const organization = parsed(definitions.organization.text) as Organization;
    const teams = definitions.teamNames.map((team): TeamRow => {
      const file = definitions.teams.get(team);
      const count = problems.filter((problem) => problem.file === file?.file).length;
      const data = count === 0 ? (parsed(file?.text) as Team | undefined) : undefined;
      return {
        team,
        hubRole: data?.hub_role,
        profiles: data ? resolveAwsConfig(organization, team, data).spokes.length + 1 : undefined,
        problems: count,
      };
    });
    await checkout.keep();
    return { source: describeSpec(spec), commit: checkout.commit, offline: checkout.offline, teams };
  } catch (error) {
    await checkout.discard();
    throw error;
  }
}

function parsed(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
