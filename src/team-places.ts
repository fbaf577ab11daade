/**
 * The places that name your team: which one a run takes (chooseTeam), and
 * whether the others (the config's block, the settings, the rc line, the
 * nightly job) agree (teamDisagreement), as one line for aws.config and doctor:
 * a switch made in one place alone is undone by the next nightly run. Pure.
 */
import { notATeamName, TEAM_NAME } from './definitions/model.js';
import { UsageError } from './errors.js';
import { tilde } from './paths.js';

export type TeamOrigin = '--team' | '$SEGMENT_TEAM' | 'settings' | 'config';

export interface TeamChoice {
  team: string | undefined;
  /** Which place named it; undefined with no team anywhere. */
  origin: TeamOrigin | undefined;
  /** The same, as messages say it: "--team", "$SEGMENT_TEAM", "team in ~/.config/robo/config", "robo's block in ~/.aws/config (…)". */
  teamOrigin: string;
}

/**
 * The team as aws.config takes it (an empty $SEGMENT_TEAM is unset), and
 * else, when given, the team the config's block was last written for: only
 * robo status, doctor and teams.list pass it, to tell a person.
 */
export function chooseTeam(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  settings: { file: string; user: { team?: string } } | undefined,
  block?: { team: string | undefined; file: string },
): TeamChoice {
  if (flag !== undefined) return { team: flag, origin: '--team', teamOrigin: '--team' };
  if (env.SEGMENT_TEAM) return { team: env.SEGMENT_TEAM, origin: '$SEGMENT_TEAM', teamOrigin: '$SEGMENT_TEAM' };
  if (settings?.user.team)
    return { team: settings.user.team, origin: 'settings', teamOrigin: `team in ${tilde(settings.file, env)}` };
  if (block?.team)
    return {
      team: block.team,
      origin: 'config',
      teamOrigin: `robo's block in ${tilde(block.file, env)} (no --team, $SEGMENT_TEAM or settings)`,
    };
  return { team: undefined, origin: undefined, teamOrigin: '$SEGMENT_TEAM' };
}

/** A team from `origin` that is not a team name: refused (exit 2) before anything is written. */
export function checkTeamName(team: string, origin: string): void {
  if (!TEAM_NAME.test(team)) throw new UsageError(`${origin}: ${notATeamName(team)}`);
}

export interface TeamPlaces {
  team: string;
  /** Where `team` came from, as a person reads it: "--team", "$SEGMENT_TEAM", "team in ~/.config/robo/config". */
  origin: string;
  /** The team of robo's block in the config before this run. */
  block?: { team: string | undefined; where: string };
  settings?: { team: string | undefined; where: string };
  /** robo's line in the shell's rc file (shell-rc.ts). */
  rc?: { team: string | undefined; where: string };
  nightly?: { team: string | undefined; scheduler: string };
}

export interface TeamDisagreement {
  level: 'warn' | 'notice';
  message: string;
  /** The command that makes every place name this run's team. */
  fix: string;
}

/**
 * What to say, if anything: a warning when the settings, the rc line or the
 * nightly job name another team (they will bring theirs back); a notice when
 * only the block differs, as nothing will undo the switch.
 */
export function teamDisagreement(places: TeamPlaces): TeamDisagreement | undefined {
  const { team, block, settings, rc, nightly } = places;
  const differs = (place: { team: string | undefined } | undefined): boolean =>
    place?.team !== undefined && place.team !== team;
  const others = [
    differs(block) && `${block!.where} was written for team ${block!.team}`,
    differs(settings) && `${settings!.where} says team ${settings!.team}`,
    differs(rc) && `the rc line in ${rc!.where} says team ${rc!.team}`,
    differs(nightly) && `the nightly job (${nightly!.scheduler}) writes team ${nightly!.team}`,
  ].filter((line) => line !== false);
  if (others.length === 0) return undefined;
  const fix = `robo onboard --team ${team}`;
  if (differs(block) && others.length === 1)
    return { level: 'notice', message: `${others[0]}; this run is for team ${team} (from ${places.origin})`, fix };
  return {
    level: 'warn',
    message: `team ${team} (from ${places.origin}) is not your usual team: ${others.join('; ')}`,
    fix,
  };
}
