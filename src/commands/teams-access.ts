/** `robo teams.access`: the access review, who reaches which role in which account, as a grid, CSV, JSON or Markdown. */
import { UsageError } from '../errors.js';
import { isTerminal, terminalColumns } from '../system/terminal.js';
import { bundledExampleWarning } from './format.js';
import { readSource, sourceOptions, type SourceArgs } from './teams.js';
import type { BuiltinTask } from './types.js';

/** Here, not in access/access-formats.ts: the task table loads this module on every run, the formatters only this task. */
const FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

export const BUNDLED_EXAMPLE = bundledExampleWarning('the access review');

interface AccessArgs extends SourceArgs {
  team: string | undefined;
  account: string | undefined;
  format: Format | undefined;
}

export const teamsAccessTask: BuiltinTask<AccessArgs> = {
  name: 'teams.access',
  aliases: [],
  summary: 'The access review: which roles each team reaches in which account, through which profile',
  usage:
    "robo teams.access [--team TEAM] [--account ACCOUNT] [--format table|csv|json|markdown] [--repo URL|PATH] [--ref REF]\n\nFor every team of the dotfiles source, the roles its engineers reach: the hub role in the hub account and every spoke, with the role ARNs aws.config writes and the role's policies from organization.json's iam (none without it).\nOn a terminal a teams × accounts grid (split into several grids when it is wider than the terminal); when stdout is not a terminal, CSV, one line per team, profile and role. --json is --format json.",
  options: {
    team: { type: 'string', value: 'team', describe: 'Only this team' },
    account: { type: 'string', describe: 'Only this account (its name or 12-digit id)' },
    format: {
      type: 'string',
      choices: FORMATS,
      describe: 'table (a teams × accounts grid), csv, json or markdown (default: table on a terminal, else csv)',
    },
    ...sourceOptions,
  },
  examples: [
    ['robo teams.access', 'the grid of every team and account'],
    ['robo teams.access --account prod --format csv > prod-access.csv', 'who reaches prod, for the reviewer'],
    ['robo teams.access --team fpa --format markdown', 'one team, to paste into a review document'],
  ],
  async run(args, context) {
    if (context.json && args.format !== undefined && args.format !== 'json')
      throw new UsageError(`--json prints JSON, --format ${args.format} asks for ${args.format}: give one of them`);
    const format: Format = context.json ? 'json' : (args.format ?? (isTerminal(1) ? 'table' : 'csv'));
    const [{ teamsAccess }, formats] = await Promise.all([
      import('../access/teams-access.js'),
      import('../access/access-formats.js'),
    ]);
    const { source, commit, review } = await readSource(
      args,
      context,
      (request) => teamsAccess({ ...request, team: args.team, account: args.account }),
      BUNDLED_EXAMPLE,
    );
    switch (format) {
      case 'json':
        return context.reporter.json({
          ok: true,
          task: 'teams.access',
          source,
          commit: commit ?? null,
          rows: review.rows,
        });
      case 'csv':
        return context.reporter.print(formats.accessCsv(review.rows));
      case 'markdown':
        return context.reporter.print(formats.accessMarkdown(review.rows));
      case 'table':
        if (review.rows.length === 0)
          return context.reporter.info(
            args.team !== undefined
              ? `${args.team} reaches no role in account ${args.account}`
              : args.account !== undefined
                ? `no team reaches account ${args.account}`
                : 'the source has no teams',
          );
        return context.reporter.print(formats.accessGrid(review, terminalColumns(context.env)));
    }
  },
};
