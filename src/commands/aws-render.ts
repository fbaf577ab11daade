/** `robo aws.render`: the block aws.config would write for a team, printed; nothing is written but robo's cache. */
import { formatProblem } from '../validate/problems.js';
import { chooseTeam } from '../team-places.js';
import { offlineWarning } from './format.js';
import { remoteLineFor } from './remote-line.js';
import { sourceOptions, sourceRequest, type SourceArgs } from './teams.js';
import type { BuiltinTask } from './types.js';

interface RenderArgs extends SourceArgs {
  team: string | undefined;
}

export const awsRenderTask: BuiltinTask<RenderArgs> = {
  name: 'aws.render',
  aliases: [],
  summary: 'Print the AWS config robo would write for a team; writes no config and no backup',
  usage:
    "robo aws.render [--team TEAM] [--repo URL|PATH] [--ref REF]\n\nPrints robo's block of ~/.aws/config for a team (the [okta] or [sso-session] section, the hub and the spokes) to stdout.\nWrites no config and no backup; a git source's cached clone is fetched as for aws.config.",
  options: {
    team: {
      type: 'string',
      value: 'team',
      describe: 'The team (default: $SEGMENT_TEAM, then team in ~/.config/robo/config)',
    },
    ...sourceOptions,
  },
  examples: [['robo aws.render --team fpa', "see what the fpa team's engineers get"]],
  async run(args, context) {
    const [{ renderTeam }, { describeSpec }, { loadSettings }] = await Promise.all([
      import('../aws-config/sync.js'),
      import('../source/source.js'),
      import('../settings.js'),
    ]);
    const settings = await loadSettings(context.env);
    const line = remoteLineFor(context);
    const { rendered, source, checkout } = await renderTeam({
      ...chooseTeam(args.team, context.env, settings),
      settings,
      ...sourceRequest(args, context, line.listener),
    }).finally(line.clear);
    if (checkout.offline)
      context.reporter.warnAlways(offlineWarning(describeSpec(source.spec), checkout.commit, checkout.offline));
    if (rendered.warnings.length > 0)
      context.reporter.warn(
        `ignored ${rendered.warnings.length} problem(s) in other teams' files`,
        rendered.warnings.map(formatProblem),
      );
    if (context.json)
      context.reporter.json({
        ok: true,
        task: 'aws.render',
        team: rendered.team,
        profiles: rendered.profiles,
        config: rendered.text,
      });
    else context.reporter.print(rendered.text);
  },
};
