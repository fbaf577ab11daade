/**
 * `robo onboard`: a laptop set up in one idempotent command: the config
 * written, then the source and team recorded in the settings, the rc line and
 * the nightly job. Nothing is recorded before the config was written, so a
 * source or team that does not work changes nothing. Prompts go through `prompt`.
 */
import path from 'node:path';
import type { AwsConfigResult } from './aws-config/sync.js';
import { UsageError } from './errors.js';
import { notATeamName, TEAM_NAME } from './definitions/model.js';
import type { InstallResult } from './nightly/install.js';
import type { SchedulerName } from './nightly/job.js';
import { expandHome, resolvePaths } from './paths.js';
import { suggestName } from './validate/regions.js';
import { isGitUrl } from './source/source.js';
import { loadSettings, updateSettings, type Settings } from './settings.js';
import { checkTeamName, chooseTeam } from './team-places.js';

/** A person at a terminal. */
export interface Prompt {
  /** The answer, or undefined at end of input. */
  ask(question: string): Promise<string | undefined>;
  say(line: string): void;
}

export interface OnboardOptions {
  team: string | undefined;
  repo: string | undefined;
  ref: string | undefined;
  nightly: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** robo's executable, for the nightly job. */
  robo: string;
  /** undefined when nobody is at a terminal: then nothing is asked. */
  prompt: Prompt | undefined;
}

export interface OnboardResult {
  team: string;
  repo: string;
  ref: string | undefined;
  config: AwsConfigResult;
  settings: { file: string; changed: boolean };
  rc: { file: string; line: string; changed: boolean };
  /** The job installed, the reason it was not, or undefined with --no-nightly. */
  nightly: { installed: InstallResult } | { error: unknown } | undefined;
  /** The hub profile, for the login tool's next steps. */
  hub: string;
}

/** How many answers a person gets before robo gives up (a loop must end). */
const ATTEMPTS = 5;

export async function onboard(options: OnboardOptions): Promise<OnboardResult> {
  const { env, cwd } = options;
  const recorded = await loadSettings(env);
  const { repo, ref } = chooseSource(options, recorded);
  // The settings as they will be: the ref recorded for another repo must not apply to this one.
  const settings: Settings = { ...recorded, dotfiles: { repo, ref } };
  const chosen = chooseTeam(options.team, env, recorded);
  if (chosen.team !== undefined) checkTeamName(chosen.team, chosen.teamOrigin);
  // A scheduler that cannot work here is known before anything is written.
  const scheduler = options.nightly ? await nightlyScheduler(env) : undefined;
  let team = chosen.team;
  let teamOrigin = chosen.teamOrigin;
  if (options.prompt) {
    team = await askForTeam(options.prompt, team, await knownTeams({ repo, ref, env, cwd, settings }));
    if (team !== chosen.team) teamOrigin = 'your answer';
  } else if (team === undefined) {
    throw new UsageError(
      'no team given: pass --team TEAM or set SEGMENT_TEAM (stdin is not a terminal, so robo onboard cannot ask)',
    );
  }

  // The config first: if the source or the team does not work, nothing else is written.
  const { syncAwsConfig } = await import('./aws-config/sync.js');
  const config = await syncAwsConfig({ team, teamOrigin, repo, ref, env, cwd, settings });

  const settingsFile = resolvePaths(env).settingsFile;
  const written = await updateSettings(settingsFile, [
    { section: 'dotfiles', key: 'repo', value: repo },
    { section: 'dotfiles', key: 'ref', value: ref },
    { section: 'user', key: 'team', value: team },
  ]);
  const { recordTeam } = await import('./shell-rc.js');
  const rc = await recordTeam(env, team);
  const nightly = scheduler ? await installJob(options, team, scheduler) : undefined;
  return { team, repo, ref, config, settings: written, rc, nightly, hub: config.profiles[0] ?? 'hub' };
}

/**
 * --repo, $ROBO_DOTFILES_REPO or the settings' repo, as it will be recorded:
 * a folder as an absolute path, since later shells start elsewhere. The ref
 * likewise, except that the settings' ref belongs to the settings' repo only.
 */
function chooseSource(options: OnboardOptions, settings: Settings): { repo: string; ref: string | undefined } {
  if (options.repo === '') throw new UsageError('--repo is empty: give a git URL or a folder, or leave the flag out');
  if (options.ref === '') throw new UsageError('--ref is empty: give a branch or tag, or leave the flag out');
  const given = options.repo ?? (options.env.ROBO_DOTFILES_REPO || undefined) ?? settings.dotfiles.repo;
  if (given === undefined) {
    throw new UsageError(
      "no dotfiles source: pass your company's dotfiles repo with --repo URL (or set ROBO_DOTFILES_REPO)",
      [
        "robo onboard records it in robo's settings, so your shells and the nightly job use it from then on",
        'it does not set a laptop up from the example organisation bundled with robo; to try robo with that, run: robo aws.config --team platform',
      ],
    );
  }
  const repo = isGitUrl(given) ? given : path.resolve(options.cwd, expandHome(given, resolvePaths(options.env).home));
  const sameRepo = settings.dotfiles.repo !== undefined && settings.dotfiles.repo === given;
  const ref =
    options.ref ?? (options.env.ROBO_DOTFILES_REF || undefined) ?? (sameRepo ? settings.dotfiles.ref : undefined);
  return { repo, ref };
}

/** The source's team names, from one checkout that is kept: the run that follows fetches nothing again. */
async function knownTeams(request: {
  repo: string;
  ref: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  settings: Settings;
}): Promise<string[]> {
  const { listTeams } = await import('./teams.js');
  return (await listTeams(request)).teams.map((row) => row.team);
}

/** The team given if it is one of the source's; else asked for, again after a name that is not, at most ATTEMPTS times. */
async function askForTeam(prompt: Prompt, given: string | undefined, known: readonly string[]): Promise<string> {
  let candidate = given;
  if (candidate === undefined) prompt.say(`Known teams: ${known.join(', ') || '(none)'}`);
  for (let attempt = 0; attempt <= ATTEMPTS; attempt += 1) {
    if (candidate !== undefined) {
      if (!TEAM_NAME.test(candidate)) prompt.say(notATeamName(candidate));
      else if (known.includes(candidate)) return candidate;
      else {
        const guess = suggestName(candidate, known);
        prompt.say(`unknown team "${candidate}"${guess ? `; did you mean ${guess}?` : ''}`);
        prompt.say(`Known teams: ${known.join(', ') || '(none)'}`);
      }
    }
    if (attempt === ATTEMPTS) break;
    const answer = (await prompt.ask('Your team: '))?.trim();
    if (answer === undefined || answer === '') throw new UsageError('no team given');
    candidate = answer;
  }
  throw new UsageError(`no known team given after ${ATTEMPTS} answers`);
}

async function nightlyScheduler(env: NodeJS.ProcessEnv): Promise<SchedulerName> {
  const { chooseScheduler, context } = await import('./nightly/install.js');
  return chooseScheduler(undefined, context(env, false));
}

/** The nightly job for the team; a failure here is reported, not thrown: the rest is done already. */
async function installJob(
  options: OnboardOptions,
  team: string,
  scheduler: SchedulerName,
): Promise<{ installed: InstallResult } | { error: unknown }> {
  try {
    const { installNightly } = await import('./nightly/install.js');
    // The source is in the settings now, which the job reads: it is not copied into the job as well.
    const settings = await loadSettings(options.env);
    const installed = await installNightly({
      team,
      teamOrigin: 'robo onboard',
      scheduler,
      dryRun: false,
      env: options.env,
      settings,
      robo: options.robo,
      passSource: false,
    });
    return { installed };
  } catch (error) {
    return { error };
  }
}
