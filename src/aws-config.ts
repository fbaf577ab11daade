/**
 * The aws.config job, as one core function: source → definitions → validate
 * → render → plan → apply. It returns what happened and never prints; the
 * command layer (commands/aws-config.ts) decides what a person sees.
 *
 * Order matters for safety: everything that can fail on bad input (fetch,
 * validation, render, reading the markers) runs before the first byte is
 * written, so a failed run changes nothing.
 */
import { DefinitionsError, NoTeamError, UsageError, WriteError } from './errors.js';
import { TEAM_NAME, type Organization, type Team } from './model.js';
import { resolvePaths, type RoboPaths } from './paths.js';
import type { Settings } from './settings.js';
import { applyPlan } from './pipeline/apply.js';
import { readBlock } from './pipeline/block.js';
import { ORGANIZATION_FILE, TEAMS_DIR, loadDefinitions, type Definitions } from './pipeline/definitions.js';
import { planConfig, type Plan, type RemovedSection } from './pipeline/plan.js';
import {
  readValidationCache,
  validatedBytes,
  writeValidationCache,
  type TeamProblems,
} from './pipeline/validation-cache.js';
import { formatProblem, type Problem } from './pipeline/problems.js';
import { profilesOfBlock, renderAwsConfig } from './pipeline/render.js';
import { suggestName } from './pipeline/regions.js';
import { resolveAwsConfig } from './pipeline/resolve.js';
import { resolveSource, type OpenSource } from './pipeline/open-source.js';
import { readRenderCache, writeRenderCache } from './pipeline/render-cache.js';
import { recordUpToDate, upToDateCommit } from './pipeline/up-to-date.js';
import {
  askRemote,
  cacheFolder,
  checkoutSource,
  describeSpec,
  type Checkout,
  type RemoteAnswer,
  type SourceSpec,
} from './pipeline/source.js';
import type { RemoteListener } from './system/git.js';
import { lockPath, withLock } from './system/lock.js';
import { readTarget, resolveTarget, unchangedSince, type Target } from './system/target.js';

export interface AwsConfigOptions {
  team: string | undefined;
  /** Where the team came from, for messages: "--team" or "$SEGMENT_TEAM". */
  teamOrigin: string;
  repo?: string;
  ref?: string;
  /** Write nothing; report what would change. */
  dryRun?: boolean;
  /** Replace the whole file instead of merging robo's block into it. */
  replace?: boolean;
  /** A failed fetch is an error even when a cached clone exists. */
  strict?: boolean;
  /** Accept only commits signed by an allowed signer (also [trust] require_signed in the settings). */
  requireSigned?: boolean;
  /** With signatures required: accept a commit that does not descend from the last one accepted. */
  allowRollback?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Told when git contacts the remote, and of its progress (the command layer shows it on a terminal). */
  onRemote?: RemoteListener;
  /** robo's settings, when the caller read them for the team (teamFrom): not read again. */
  settings?: Settings;
  /**
   * Called with the block last rendered for the team while git is asked
   * whether it is still current; syncAwsConfig plans against it meanwhile.
   * The block prepareAwsConfig returns is this very object if it was.
   */
  onCandidate?: (candidate: Rendered) => void;
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
  /** User sections taken out because robo now generates them. */
  removed: RemovedSection[];
  /** Problems in other teams' files. */
  warnings: Problem[];
  /** The file before and after, for a diff (dry run only). */
  before?: Buffer;
  after?: Buffer;
  /** The config was not read: an earlier run found it up to date for this commit, and it is untouched since. */
  unread?: boolean;
  /** The team robo's block in the config was written for before this run (undefined: no block, or no team in it). */
  previousTeam?: string;
}

export async function syncAwsConfig(options: AwsConfigOptions): Promise<AwsConfigResult> {
  // The config is read while the source is looked at, and planned against
  // the block last rendered while git is asked whether that is still
  // current: a warm run mostly waits for git. It is not read at all if an
  // earlier run found it up to date for some commit and it is untouched
  // since (up-to-date.ts): then only that commit being current is in question.
  const { targetFile: configured, cacheDir } = resolvePaths(options.env);
  const team =
    options.replace || options.team === undefined || !TEAM_NAME.test(options.team) ? undefined : options.team;
  const reading = resolveTarget(configured).then(async (file) => {
    const upToDateAt = team === undefined ? undefined : upToDateCommit(cacheDir, team, file);
    return { file, upToDateAt, target: upToDateAt === undefined ? await readTarget(configured, file) : undefined };
  });
  reading.catch(() => {}); // awaited below, after prepare: its errors come first
  const planFrom = (current: Target, rendered: Rendered) =>
    planConfig(current, rendered.text, { generated: new Set(rendered.profiles), replace: options.replace ?? false });
  let early: Promise<{ candidate: Rendered; target: Target; plan: Plan } | undefined> | undefined;
  const onCandidate = (candidate: Rendered) => {
    early = reading.then(({ target }) => {
      if (!target) return undefined;
      return { candidate, target, plan: planFrom(target, candidate) };
    });
    early.catch(() => {}); // a plan that fails is made again below, and fails there
  };
  const { paths, spec, checkout, rendered, useCaches } = await prepareAwsConfig({ ...options, onCandidate });
  const { file, upToDateAt, target: read } = await reading;
  const dryRun = options.dryRun ?? false;
  const result = (
    plan: { target: Pick<Target, 'path' | 'file'>; changed: boolean; removed: RemovedSection[] },
    hadConfig: boolean,
    backup: string | undefined,
  ) => ({
    team: rendered.team,
    source: { spec, description: describeSpec(spec), commit: checkout.commit, offline: checkout.offline },
    target: plan.target.path,
    targetFile: plan.target.file,
    changed: plan.changed,
    dryRun,
    hadConfig,
    backup,
    profiles: rendered.profiles,
    removed: plan.removed,
    warnings: rendered.warnings,
  });
  if (useCaches && upToDateAt !== undefined && upToDateAt === checkout.commit) {
    // Found up to date for this team, and untouched since: its block is this team's.
    return {
      ...result({ target: { path: configured, file }, changed: false, removed: [] }, true, undefined),
      unread: true,
      previousTeam: rendered.team,
    };
  }
  const target = read && unchangedSince(read) ? read : await readTarget(configured, file);
  const speculated = await early?.catch(() => undefined);

  // Read, plan and write under one lock, so concurrent runs never interleave
  // their read-modify-write of the same file. Reading needs no lock (a write
  // is a rename: the file read is old or new, whole). A dry run, or a file
  // already up to date, ends here; otherwise the file is read again under
  // the lock, and planned again if it changed.
  const first =
    speculated?.candidate === rendered && speculated.target === target ? speculated.plan : planFrom(target, rendered);
  const { plan, applied } =
    dryRun || !first.changed
      ? { plan: first, applied: { written: false, backup: undefined } }
      : await withLock(lockPath(paths.cacheDir, 'target', file), paths.targetFile, async (lock) => {
          // The file as it is now; the plan made from the same bytes before still holds.
          const current = await readTarget(paths.targetFile, file);
          const plan =
            current.content && target.content && current.content.equals(target.content)
              ? { ...first, target: current }
              : planFrom(current, rendered);
          if (lock.compromised)
            throw new WriteError(
              `lost the lock on ${paths.targetFile} (${lock.compromised.message}); nothing was written`,
            );
          return { plan, applied: await applyPlan(plan, paths) };
        });
  if (useCaches && !dryRun && !options.replace && !plan.changed && plan.target.content && checkout.commit) {
    await recordUpToDate(paths.cacheDir, rendered.team, file, checkout.commit, plan.target.content);
  }

  const before = readBlock(plan.target.content);
  return {
    ...result(
      { ...plan, changed: dryRun ? plan.changed : applied.written },
      plan.target.content !== undefined,
      applied.backup,
    ),
    previousTeam: before.kind === 'found' ? before.team : undefined,
    ...(dryRun ? { before: plan.target.content, after: plan.next } : {}),
  };
}

export interface PreparedConfig {
  paths: RoboPaths;
  spec: SourceSpec;
  checkout: Checkout;
  rendered: Rendered;
  /** Whether robo's caches of results may be used (not when signed commits are required). */
  useCaches: boolean;
}

/**
 * Everything up to the rendered block, with nothing written but the cache:
 * source, definitions, validation, render. aws.config goes on to plan and
 * apply; aws.render prints the block.
 */
export async function prepareAwsConfig(options: AwsConfigOptions): Promise<PreparedConfig> {
  const { team } = options;
  if (team !== undefined && !TEAM_NAME.test(team)) {
    throw new UsageError(
      `${options.teamOrigin} ${JSON.stringify(team)}: not a team name (lowercase letters, digits, - and _; no paths)`,
    );
  }
  const source = await resolveSource(options);
  const { paths, spec } = source;
  // With signed commits required, robo trusts git and the signatures only,
  // not its own caches of results: every run checks out, validates and
  // renders the verified commit, and reads the config.
  const useCaches = !source.trust;
  let remote: RemoteAnswer | undefined;
  if (spec.kind === 'git' && team !== undefined) {
    // The block last rendered for this team from this source, its commit, and its clone's folder.
    const last = useCaches ? readRenderCache(paths.cacheDir, team, spec.url) : undefined;
    // Ask the remote first: git starts now. If nothing changed since a run
    // that rendered or validated this commit, it is the only git command.
    const asking = askRemote(spec, {
      cacheDir: paths.cacheDir,
      env: options.env,
      timeout: source.timeout,
      onRemote: options.onRemote,
      dir: last?.dir,
    });
    // Meanwhile: a cached block is used only if the renderer could have written it.
    const profiles = last && profilesOfBlock(last.bytes, team);
    // Checked bytes are valid UTF-8, so this text becomes exactly these bytes again when planned.
    const candidate: Rendered | undefined = last &&
      profiles && { team, text: last.bytes.toString('utf8'), profiles, warnings: last.warnings };
    if (candidate) options.onCandidate?.(candidate);
    const warm = await asking;
    remote = warm?.remote;
    const commit = remote?.status === 'fulfilled' ? remote.value.commit : undefined;
    if (warm && last && candidate && commit === last.commit) {
      return { paths, spec, checkout: unmoved(spec, warm.dir, commit), rendered: candidate, useCaches };
    }
    const rendered = useCaches && warm && commit ? await renderValidated(source, warm.dir, commit, team) : undefined;
    if (warm && commit && rendered) {
      await writeRenderCache(paths.cacheDir, { url: spec.url, dir: warm.dir, commit, ...rendered });
      return { paths, spec, checkout: unmoved(spec, warm.dir, commit), rendered, useCaches };
    }
  }

  const checkout = await checkoutSource(spec, {
    cacheDir: paths.cacheDir,
    env: options.env,
    timeout: source.timeout,
    onRemote: options.onRemote,
    strict: options.strict,
    trust: source.trust,
    remote,
  });
  let rendered: Rendered;
  try {
    rendered = await renderFromCheckout(checkout, team, options.teamOrigin, useCaches ? paths.cacheDir : undefined);
  } catch (error) {
    await checkout.discard();
    throw error;
  }
  await checkout.keep();
  if (useCaches && spec.kind === 'git' && checkout.commit && !checkout.offline) {
    await writeRenderCache(paths.cacheDir, {
      url: spec.url,
      dir: cacheFolder(paths.cacheDir, spec.url),
      commit: checkout.commit,
      ...rendered,
    });
  }
  return { paths, spec, checkout, rendered, useCaches };
}

/** A checkout that was not moved: the warm paths read what is there (or nothing at all). */
function unmoved(spec: SourceSpec, dir: string, commit: string): Checkout {
  return { spec, dir, commit, keep: async () => {}, discard: async () => {} };
}

/**
 * The warm path, without the clone's lock and without moving it: the remote
 * is at `commit`, an earlier run validated that commit and this team passed,
 * and the two files this run needs are byte for byte the ones validated. Then
 * whatever state the clone is in (edited by someone, being updated by another
 * run right now), what was read is that commit's, and the result is the one
 * the full path would give. Anything else (no record, other bytes) is
 * undefined: the full path runs and says what is wrong. Not used when
 * signed commits are required.
 */
async function renderValidated(
  source: OpenSource,
  dir: string,
  commit: string,
  team: string,
): Promise<Rendered | undefined> {
  const record = await readValidationCache(source.paths.cacheDir, commit);
  if (record?.teams[team]?.length !== 0) return undefined;
  try {
    const definitions = await loadDefinitions(dir, [team]);
    if (!validatedBytes(record, [definitions.organization, definitions.teams.get(team)])) return undefined;
    return renderParsed(definitions, team, record.teams);
  } catch {
    return undefined;
  }
}

export interface Rendered {
  team: string;
  text: string;
  profiles: string[];
  warnings: Problem[];
}

/** `cacheDir`: where validation records are read and written; undefined when robo's caches are not used. */
async function renderFromCheckout(
  checkout: Checkout,
  team: string | undefined,
  teamOrigin: string,
  cacheDir: string | undefined,
): Promise<Rendered> {
  const { spec, commit } = checkout;
  // Other teams' problems at this commit, if an earlier run worked them out: then only two files need reading.
  let known = cacheDir && commit && team ? await readValidationCache(cacheDir, commit) : undefined;
  let definitions = await loadDefinitions(checkout.dir, known && team ? [team] : undefined);
  // The clone was just made clean, so a record that does not match its bytes is damaged: check everything, and record it again.
  if (known && !validatedBytes(known, [definitions.organization, definitions.teams.get(team!)])) {
    known = undefined;
    definitions = await loadDefinitions(checkout.dir);
  }
  if (!definitions.organization) {
    throw new DefinitionsError(
      `${describeSpec(spec)} is not a dotfiles source: it has no ${ORGANIZATION_FILE} at its root`,
      [`expected ${ORGANIZATION_FILE} and ${TEAMS_DIR}/<team>.json (see docs/definitions.md in robo's repository)`],
    );
  }
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
  // A record for this commit exists only if the organisation and the team that
  // ran passed every check; if your team passed too, these exact bytes were
  // already validated (the clone was just made clean), and parsing them is enough.
  if (known && known.teams[team]?.length === 0) return renderParsed(definitions, team, known.teams);
  // Loaded only here: a run on an unchanged, already checked commit needs no validator.
  const { validateDefinitions } = await import('./pipeline/validate.js');
  const validation = validateDefinitions(definitions, team);
  const warnings = known ? otherTeams(known.teams, team) : validation.warnings;
  if (cacheDir && !known && commit && validation.organization) {
    await writeValidationCache(cacheDir, commit, Object.fromEntries(validation.byTeam), [
      definitions.organization,
      ...definitions.teams.values(),
    ]);
  }
  if (validation.errors.length > 0 || !validation.organization || !validation.team) {
    const also =
      warnings.length > 0 ? [`also in other teams' files (not blocking):`, ...warnings.map(formatProblem)] : [];
    throw new DefinitionsError(`invalid definitions in ${describeSpec(spec)}; nothing was written`, [
      ...validation.errors.map(formatProblem),
      ...also,
    ]);
  }
  return renderModel(resolveAwsConfig(validation.organization, team, validation.team), warnings);
}

/** Problems recorded for every team but this one: the warnings of a run. */
function otherTeams(problems: TeamProblems, team: string): Problem[] {
  return Object.entries(problems).flatMap(([name, list]) => (name === team ? [] : list));
}

/** Render definitions already known to be valid: parsing is all the checking they need. */
function renderParsed(definitions: Definitions, team: string, problems: TeamProblems): Rendered {
  const organization = JSON.parse(definitions.organization!.text) as Organization;
  const model = resolveAwsConfig(organization, team, JSON.parse(definitions.teams.get(team)!.text) as Team);
  return renderModel(model, otherTeams(problems, team));
}

function renderModel(model: ReturnType<typeof resolveAwsConfig>, warnings: Problem[]): Rendered {
  return {
    team: model.team,
    text: renderAwsConfig(model),
    profiles: [model.hub.name, ...model.spokes.map((spoke) => spoke.name)],
    warnings,
  };
}
