/**
 * The aws.config job, top to bottom: source → definitions → validate → render
 * → plan → apply, each stage in its folder. Returns what happened and never
 * prints. Everything that can fail on bad input runs before the first byte is
 * written, so a failed run changes nothing.
 */
import { DefinitionsError, NoTeamError, UsageError } from '../errors.js';
import { checkTeamName } from '../team-places.js';
import { applyUnderLock } from '../apply/apply.js';
import type { DefinitionFile, Definitions } from '../definitions/definitions.js';
import { checkoutOptions, resolveSource, type OpenSource, type OpenSourceRequest } from '../source/open-source.js';
import { planConfig, type RemovedSection } from '../plan/plan.js';
import { formatProblem, type Problem } from '../validate/problems.js';
import { suggestName } from '../validate/regions.js';
import { readRendered, writeRendered, type Rendered } from '../render/render-cache.js';
import { renderAwsConfig } from '../render/render.js';
import { resolveAwsConfig } from '../render/resolve.js';
import {
  askRemote,
  checkoutSource,
  describeSpec,
  type Checkout,
  type RemoteAnswer,
  type SourceSpec,
} from '../source/source.js';
import { readTarget, resolveTarget, type Target } from '../apply/target.js';
import { useCheckout } from '../source/use-checkout.js';
import { loginOf, type Login } from '../plan/block.js';

export type { Rendered } from '../render/render-cache.js';

/** Where the source is and how it is trusted (OpenSourceRequest), and what to do with the team's block. */
export interface AwsConfigOptions extends OpenSourceRequest {
  team: string | undefined;
  /** Where the team came from, for messages: "--team" or "$SEGMENT_TEAM". */
  teamOrigin: string;
  /** Write nothing; report what would change. */
  dryRun?: boolean;
  /** Replace the whole file instead of merging robo's block into it. */
  replace?: boolean;
}

export interface AwsConfigResult {
  team: string;
  source: {
    spec: SourceSpec;
    description: string;
    commit: string | undefined;
    /** Set when the fetch failed and the cached clone was used. */
    offline: { reason: string; commitDate: Date } | undefined;
  };
  /** The config file as configured, and the file really written (differs for a symlink). */
  target: string;
  targetFile: string;
  /** True when the file differs (dry run) or was rewritten. */
  changed: boolean;
  dryRun: boolean;
  /** False when there was no config file before this run. */
  hadConfig: boolean;
  backup: string | undefined;
  profiles: string[];
  /** How the block signs in (aws-okta or an sso-session), for the login tool's next steps. */
  login: Login;
  /** User sections taken out because robo now generates them. */
  removed: RemovedSection[];
  /** Problems in other teams' files. */
  warnings: Problem[];
  /** The file before and after, for a diff (dry run only). */
  before?: Buffer;
  after?: Buffer;
  /** The team robo's block in the config was written for before this run (undefined: no block, or no team in it). */
  previousTeam?: string;
}

export async function syncAwsConfig(options: AwsConfigOptions): Promise<AwsConfigResult> {
  // Source, definitions, validate, render.
  const { source, checkout, rendered } = await renderTeam(options);
  const { paths, spec } = source;

  // Plan: the config as it is, with robo's block merged in (or refused).
  const file = await resolveTarget(paths.targetFile);
  const planFor = (target: Target) =>
    planConfig(target, rendered.text, { generated: new Set(rendered.profiles), replace: options.replace ?? false });
  const first = planFor(await readTarget(paths.targetFile, file));

  // Apply: backup, then one atomic write, under the config's lock.
  const dryRun = options.dryRun ?? false;
  const { plan, applied } =
    dryRun || !first.changed
      ? { plan: first, applied: { written: false, backup: undefined } }
      : await applyUnderLock(paths, file, first, planFor);

  return {
    team: rendered.team,
    source: { spec, description: describeSpec(spec), commit: checkout.commit, offline: checkout.offline },
    target: plan.target.path,
    targetFile: plan.target.file,
    changed: dryRun ? plan.changed : applied.written,
    dryRun,
    hadConfig: plan.target.content !== undefined,
    backup: applied.backup,
    profiles: rendered.profiles,
    login: loginOf(rendered.text),
    removed: plan.removed,
    warnings: rendered.warnings,
    previousTeam: plan.previousTeam,
    ...(dryRun ? { before: plan.target.content, after: plan.next } : {}),
  };
}

export interface RenderedTeam {
  source: OpenSource;
  checkout: Pick<Checkout, 'commit' | 'offline'>;
  rendered: Rendered;
}

/**
 * The stages up to robo's block, writing nothing but the result cache:
 * source, definitions, validation, render. aws.config goes on to plan and
 * apply; aws.render prints the block.
 */
export async function renderTeam(options: AwsConfigOptions): Promise<RenderedTeam> {
  const { team } = options;
  if (team !== undefined) checkTeamName(team, options.teamOrigin);
  const source = await resolveSource(options);

  // The result cache, for a git source: if the remote's ref is still at the
  // commit the team's block was last rendered from, that block is the result.
  // With signed commits required, robo trusts git and the signatures only.
  const { spec, paths } = source;
  const cacheable = spec.kind === 'git' && team !== undefined && !source.trust;
  const reach = checkoutOptions(source, options);
  let remote: RemoteAnswer | undefined;
  if (cacheable) {
    const last = readRendered(paths.cacheDir, team, spec.url);
    remote = last && (await askRemote(spec, reach))?.remote;
    if (last && remote?.status === 'fulfilled' && remote.value.commit === last.commit)
      return { source, checkout: { commit: last.commit, offline: undefined }, rendered: last.rendered };
  }

  // Source: a checkout of the commit (clone, fetch, or the cached clone when offline).
  const checkout = await checkoutSource(spec, { ...reach, remote });
  const rendered = await useCheckout(checkout, (definitions) =>
    renderDefinitions(definitions, checkout.spec, team, options.teamOrigin),
  );
  if (cacheable && checkout.commit && !checkout.offline)
    await writeRendered(paths.cacheDir, { url: spec.url, commit: checkout.commit, team }, rendered);
  return { source, checkout, rendered };
}

/** Validation and render of a checkout's definitions. */
async function renderDefinitions(
  definitions: Definitions & { organization: DefinitionFile },
  spec: SourceSpec,
  team: string | undefined,
  teamOrigin: string,
): Promise<Rendered> {
  const names = definitions.teamNames;
  if (team === undefined) {
    throw new NoTeamError('no team given: pass --team TEAM or set SEGMENT_TEAM', [
      `known teams: ${names.join(', ') || '(none)'}`,
    ]);
  }
  if (!definitions.teams.has(team)) {
    const guess = suggestName(team, names);
    throw new UsageError(
      `unknown team "${team}" (from ${teamOrigin}) in ${describeSpec(spec)}${guess ? `; did you mean ${guess}?` : ''}`,
      [`known teams: ${names.join(', ') || '(none)'}`],
    );
  }

  // Validate. Loaded only here: a run that finds its block in the result cache needs no validator.
  const { validateDefinitions } = await import('../validate/validate.js');
  const { organization, team: valid, errors, warnings } = validateDefinitions(definitions, team);
  if (errors.length > 0 || !organization || !valid) {
    const also =
      warnings.length > 0 ? [`also in other teams' files (not blocking):`, ...warnings.map(formatProblem)] : [];
    throw new DefinitionsError(`invalid definitions in ${describeSpec(spec)}; nothing was written`, [
      ...errors.map(formatProblem),
      ...also,
    ]);
  }

  // Render.
  const model = resolveAwsConfig(organization, team, valid);
  return {
    team: model.team,
    text: renderAwsConfig(model),
    profiles: [model.hub.name, ...model.spokes.map((spoke) => spoke.name)],
    warnings,
  };
}
