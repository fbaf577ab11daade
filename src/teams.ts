/**
 * Tasks for the dotfiles repo's maintainers: validate a whole checkout, as
 * its own CI would, and list the teams of the configured source.
 */
import path from 'node:path';
import { SourceError } from './errors.js';
import type { Organization, Team } from './model.js';
import { resolvePaths } from './paths.js';
import { ORGANIZATION_FILE, loadDefinitions } from './pipeline/definitions.js';
import type { Problem } from './pipeline/problems.js';
import { resolveAwsConfig } from './pipeline/resolve.js';
import { checkoutSource, describeSpec, resolveSourceSpec } from './pipeline/source.js';
import { validateCheckout } from './pipeline/validate.js';
import { readSettings } from './settings.js';

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

export interface TeamRow {
  team: string;
  hubRole: string | undefined;
  /** Profiles the team's file gives, the hub profile included (undefined when the file is invalid). */
  profiles: number | undefined;
  problems: number;
}

/** Every team of the configured dotfiles source, with its hub role and how many profiles it gets. */
export async function listTeams(options: { repo?: string; ref?: string; env: NodeJS.ProcessEnv; cwd: string }): Promise<{ source: string; teams: TeamRow[] }> {
  const paths = resolvePaths(options.env);
  const settings = await readSettings(paths.settingsFile);
  const spec = resolveSourceSpec({ repo: options.repo, ref: options.ref, env: options.env, cwd: options.cwd, settings });
  const checkout = await checkoutSource(spec, { cacheDir: paths.cacheDir, env: options.env });
  try {
    const definitions = await loadDefinitions(checkout.dir);
    const problems = validateCheckout(definitions);
    const organization = parsed(definitions.organization?.text) as Organization | undefined;
    const organizationOk = !problems.some((problem) => problem.file === ORGANIZATION_FILE) && organization !== undefined;
    const teams = definitions.teamNames.map((team): TeamRow => {
      const file = definitions.teams.get(team);
      const count = problems.filter((problem) => problem.file === file?.file).length;
      const data = count === 0 ? (parsed(file?.text) as Team | undefined) : undefined;
      return {
        team,
        hubRole: data?.hub_role,
        profiles: data && organizationOk ? resolveAwsConfig(organization, team, data).spokes.length + 1 : undefined,
        problems: count,
      };
    });
    await checkout.keep();
    return { source: describeSpec(spec), teams };
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
