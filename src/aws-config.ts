/**
 * The aws.config job, as one core function: source → definitions → validate
 * → render → plan → apply. It returns what happened and never prints; the
 * command layer (commands/aws-config.ts) decides what a person sees.
 *
 * Order matters for safety: everything that can fail on bad input (fetch,
 * validation, render) runs before the first byte is written, so a failed run
 * changes nothing.
 */
import { DefinitionsError, UsageError } from './errors.js';
import { resolvePaths } from './paths.js';
import { applyPlan } from './pipeline/apply.js';
import { ORGANIZATION_FILE, TEAMS_DIR, loadDefinitions } from './pipeline/definitions.js';
import { planConfig } from './pipeline/plan.js';
import { formatProblem, type Problem } from './pipeline/problems.js';
import { renderAwsConfig } from './pipeline/render.js';
import { resolveAwsConfig } from './pipeline/resolve.js';
import { checkoutSource, describeSpec, resolveSourceSpec, type SourceSpec } from './pipeline/source.js';
import { TEAM_NAME, validateDefinitions } from './pipeline/validate.js';
import { readSettings } from './settings.js';
import type { GitProgress } from './system/git.js';
import { readTarget } from './system/target.js';

export interface AwsConfigOptions {
  team: string | undefined;
  /** Where the team came from, for messages: "--team" or "$SEGMENT_TEAM". */
  teamOrigin: string;
  repo?: string;
  ref?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  progress?: GitProgress;
}

export interface AwsConfigResult {
  team: string;
  source: { spec: SourceSpec; description: string; commit: string | undefined };
  /** The config file as configured, and the file really written (differs for a symlink). */
  target: string;
  targetFile: string;
  /** False when the config already held exactly these bytes. */
  changed: boolean;
  /** False when there was no config file before this run. */
  hadConfig: boolean;
  backup: string | undefined;
  profiles: string[];
  warnings: Problem[];
}

export async function syncAwsConfig(options: AwsConfigOptions): Promise<AwsConfigResult> {
  const { team } = options;
  if (team !== undefined && !TEAM_NAME.test(team)) {
    throw new UsageError(`${options.teamOrigin} ${JSON.stringify(team)}: not a team name (lowercase letters, digits, - and _; no paths)`);
  }
  const paths = resolvePaths(options.env);
  const settings = await readSettings(paths.settingsFile);
  const spec = resolveSourceSpec({ repo: options.repo, ref: options.ref, env: options.env, cwd: options.cwd, settings });
  const checkout = await checkoutSource(spec, { cacheDir: paths.cacheDir, env: options.env, progress: options.progress });

  let rendered: string;
  let profiles: string[];
  let warnings: Problem[];
  try {
    const definitions = await loadDefinitions(checkout.dir);
    if (!definitions.organization) {
      throw new DefinitionsError(`${describeSpec(spec)} is not a dotfiles source: it has no ${ORGANIZATION_FILE} at its root`, [
        `expected ${ORGANIZATION_FILE} and ${TEAMS_DIR}/<team>.json (see "Dotfiles repo format" in robo's README)`,
      ]);
    }
    const known = [...definitions.teams.keys()];
    if (team === undefined) {
      throw new UsageError('no team given: pass --team TEAM or set SEGMENT_TEAM', [`known teams: ${known.join(', ') || '(none)'}`]);
    }
    if (!definitions.teams.has(team)) {
      throw new UsageError(`unknown team "${team}" (from ${options.teamOrigin}) in ${describeSpec(spec)}`, [`known teams: ${known.join(', ') || '(none)'}`]);
    }
    const validation = validateDefinitions(definitions, team);
    warnings = validation.warnings;
    if (validation.errors.length > 0 || !validation.organization || !validation.team) {
      const others = warnings.length > 0 ? [`also in other teams' files (not blocking):`, ...warnings.map(formatProblem)] : [];
      throw new DefinitionsError(`invalid definitions in ${describeSpec(spec)}; nothing was written`, [...validation.errors.map(formatProblem), ...others]);
    }
    const model = resolveAwsConfig(validation.organization, team, validation.team);
    rendered = renderAwsConfig(model);
    profiles = [model.hub.name, ...model.spokes.map((spoke) => spoke.name)];
  } catch (error) {
    await checkout.discard();
    throw error;
  }
  await checkout.keep();

  const target = await readTarget(paths.targetFile);
  const plan = planConfig(target, rendered);
  const applied = await applyPlan(plan, paths.backupDir);
  return {
    team,
    source: { spec, description: describeSpec(spec), commit: checkout.commit },
    target: target.path,
    targetFile: target.file,
    changed: applied.written,
    hadConfig: target.content !== undefined,
    backup: applied.backup,
    profiles,
    warnings,
  };
}
