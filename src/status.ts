/**
 * `robo status`: the state a person is in, from local files only: no
 * network, no git fetch (only `git log` in the cached clone). Which team and
 * where that came from, which source, the cached clone's commit, and what
 * the config's block says. `robo doctor` builds on the same facts.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resolvePaths } from './paths.js';
import { readBlock, type BlockInfo } from './plan/block.js';
import { cacheFolder, describeSpec, resolveSourceSpec, type SourceSpec } from './source/source.js';
import { readSettings, type Settings } from './settings.js';
import { runGit } from './system/git.js';
import { readTarget, resolveTarget } from './apply/target.js';
import { chooseTeam, type TeamChoice } from './team-places.js';

export interface CachedClone {
  dir: string;
  commit: string;
  commitDate: Date;
}

export interface ConfigState {
  /** The config as configured, and the file really read (differs for a symlink). */
  path: string;
  file: string;
  exists: boolean;
  block: BlockInfo;
  /** When the config was last written: the file's mtime (robo's block records no time of its own). */
  modified: Date | undefined;
  content: Buffer | undefined;
}

export interface Status {
  team: TeamChoice;
  settings: Settings;
  source: { spec: SourceSpec; description: string };
  /** The cached clone of a git source, when there is one. */
  cache: CachedClone | undefined;
  config: ConfigState;
}

export async function readStatus(options: {
  team?: string;
  repo?: string;
  ref?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<Status> {
  const paths = resolvePaths(options.env);
  const settings = await readSettings(paths.settingsFile);
  const spec = resolveSourceSpec({ ...options, settings });
  const [config, cache] = await Promise.all([
    readConfigState(paths.targetFile),
    spec.kind === 'git' ? cachedClone(cacheFolder(paths.cacheDir, spec.url), options.env) : undefined,
  ]);
  const blockTeam = config.block.kind === 'found' ? config.block.team : undefined;
  return {
    team: chooseTeam(options.team, options.env, settings, { team: blockTeam, file: config.path }),
    settings,
    source: { spec, description: describeSpec(spec) },
    cache,
    config,
  };
}

export async function readConfigState(configured: string): Promise<ConfigState> {
  const file = await resolveTarget(configured);
  const target = await readTarget(configured, file);
  const modified = target.content === undefined ? undefined : (await stat(file)).mtime;
  return {
    path: configured,
    file,
    exists: target.content !== undefined,
    block: readBlock(target.content),
    modified,
    content: target.content,
  };
}

/** The commit the cached clone holds, read locally (no fetch); undefined when there is no usable clone. */
export async function cachedClone(dir: string, env: NodeJS.ProcessEnv): Promise<CachedClone | undefined> {
  // Without its own .git, git would walk up and answer for some repo above it.
  if (!existsSync(path.join(dir, '.git'))) return undefined;
  try {
    const [commit, date] = (await runGit(dir, env, ['log', '-1', '--format=%H %cI', 'HEAD'])).trim().split(' ');
    if (!commit || !date) return undefined;
    return { dir, commit, commitDate: new Date(date) };
  } catch {
    return undefined;
  }
}

/** Your team as aws.config would take it without --team, else the config block's: for marking it (teams.list). */
export async function yourTeam(env: NodeJS.ProcessEnv): Promise<TeamChoice> {
  const paths = resolvePaths(env);
  const settings = await readSettings(paths.settingsFile);
  const fallback =
    env.SEGMENT_TEAM || settings.user.team ? undefined : await readConfigState(paths.targetFile).catch(() => undefined);
  const blockTeam = fallback?.block.kind === 'found' ? fallback.block.team : undefined;
  return chooseTeam(undefined, env, settings, { team: blockTeam, file: paths.targetFile });
}
