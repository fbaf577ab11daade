/**
 * Whether the places that name your team agree: the team a run uses (from
 * --team, $SEGMENT_TEAM or the settings), the team robo's block in the
 * config was written for, the settings' [user] team (robo onboard), and the
 * nightly job's. A switch by one of them alone goes unnoticed until the
 * nightly job writes the other team back; this says so in one line. Pure.
 */
export interface TeamPlaces {
  team: string;
  /** Where `team` came from, as a person reads it: "--team", "$SEGMENT_TEAM", "team in ~/.config/robo/config". */
  origin: string;
  /** The team of robo's block in the config before this run. */
  block?: { team: string | undefined; where: string };
  settings?: { team: string | undefined; where: string };
  nightly?: { team: string | undefined; scheduler: string };
}

/**
 * What to say, if anything. A warning when the settings or the nightly job
 * name another team: they will write theirs back (the block is named too, for
 * context). When only the block differs, nothing will undo the switch: a
 * notice, not a warning.
 */
export function teamDisagreement(places: TeamPlaces): { level: 'warn' | 'notice'; line: string } | undefined {
  const others: string[] = [];
  const blockDiffers = places.block?.team !== undefined && places.block.team !== places.team;
  if (blockDiffers) others.push(`${places.block!.where} was written for team ${places.block!.team}`);
  if (places.settings?.team !== undefined && places.settings.team !== places.team)
    others.push(`${places.settings.where} says team ${places.settings.team}`);
  if (places.nightly?.team !== undefined && places.nightly.team !== places.team)
    others.push(`the nightly job (${places.nightly.scheduler}) writes team ${places.nightly.team}`);
  if (others.length === 0) return undefined;
  if (blockDiffers && others.length === 1)
    return {
      level: 'notice',
      line: `${places.block!.where} was written for team ${places.block!.team}; this run is for team ${places.team} (from ${places.origin})`,
    };
  return {
    level: 'warn',
    line: `team ${places.team} (from ${places.origin}) is not your usual team: ${others.join('; ')}. To switch for good: robo onboard --team ${places.team}`,
  };
}
