/** `robo teams.validate [PATH]` (every definition file and robo.yml of a checkout, every problem listed) and `robo teams.list`. */
import { DefinitionsError, ExitCode, ExitSignal } from '../errors.js';
import { offlineWarning, problemJson, sizeWarningsHeading, table } from './format.js';
import { remoteLineFor } from './remote-line.js';
import type { OpenSourceRequest } from '../source/open-source.js';
import type { SourceReport } from '../source/use-checkout.js';
import type { RemoteListener } from '../system/git.js';
import { ALLOW_ROLLBACK, type BuiltinTask, type TaskContext } from './types.js';

interface ValidateArgs {
  path: string | undefined;
}

export const teamsValidateTask: BuiltinTask<ValidateArgs> = {
  name: 'teams.validate',
  aliases: [],
  summary: 'Check every definition file and robo.yml of a dotfiles checkout and list all problems (for its CI)',
  usage:
    'robo teams.validate [PATH]\n\nValidates organization.json, every teams/*.json, the inline policy files its IAM roles name and robo.yml (when there is one) of a dotfiles checkout: PATH, or without it the checkout the current folder is in (the nearest folder up that holds organization.json). Exits 0 when all are valid and 3 when any is not, listing every problem; with --json, one JSON document either way.',
  positionals: [
    { name: 'path', value: 'directory', describe: 'A dotfiles checkout (default: the one the current folder is in)' },
  ],
  examples: [
    ['robo teams.validate', 'in the dotfiles repo, or any folder of it, e.g. as a CI step'],
    ['robo teams.validate --json', 'one JSON document for CI, valid or not'],
  ],
  async run(args, context) {
    const { validateTeams, describeCommit, formatCheckoutProblem } = await import('../teams.js');
    const report = await validateTeams({ path: args.path, cwd: context.cwd, env: context.env });
    const lines = report.problems.map(formatCheckoutProblem);
    const warnings = report.warnings.map(formatCheckoutProblem);
    const where = `${report.root}${describeCommit(report.commit)}`;
    if (context.json) {
      const exitCode = report.problems.length === 0 ? ExitCode.ok : ExitCode.invalidDefinitions;
      context.reporter.json({
        ok: exitCode === ExitCode.ok,
        task: 'teams.validate',
        root: report.root,
        commit: report.commit ? { id: report.commit.commit, dirty: report.commit.dirty } : null,
        teams: report.teams,
        files: report.files.map((file) => ({
          file: file.file,
          kind: file.kind,
          team: file.team ?? null,
          ok: file.problems === 0,
          problems: file.problems,
        })),
        problems: report.problems.map((problem, index) => problemJson(problem, lines[index]!)),
        warnings: report.warnings.map((warning, index) => problemJson(warning, warnings[index]!)),
        exitCode,
      });
      // The document says it all; a thrown error would print a second one.
      if (exitCode !== ExitCode.ok) throw new ExitSignal(exitCode);
      return;
    }
    if (warnings.length > 0) context.reporter.warnAlways(sizeWarningsHeading(report.warnings), warnings);
    if (report.problems.length > 0) {
      const files = new Set(report.problems.map((problem) => problem.file));
      throw new DefinitionsError(`${where}: ${report.problems.length} problem(s) in ${files.size} file(s)`, lines);
    }
    const policies = report.files.filter((file) => file.kind === 'policy').length;
    const checked = [
      'organization.json',
      `${report.teams.length} team file(s)`,
      ...(policies > 0 ? [`${policies} inline policy file(s)`] : []),
      ...(report.files.some((file) => file.kind === 'robofile') ? ['robo.yml'] : []),
    ];
    context.reporter.success(`${where}: ${checked.slice(0, -1).join(', ')} and ${checked.at(-1)} are valid.`);
  },
};

export interface SourceArgs {
  repo: string | undefined;
  ref: string | undefined;
  'require-signed': boolean;
  'allow-rollback': boolean;
}

export const sourceOptions = {
  repo: { type: 'string', value: 'directory', describe: 'Dotfiles source (default: as for aws.config)' },
  ref: { type: 'string', describe: 'Branch or tag of a git source' },
  'require-signed': { type: 'boolean', default: false, describe: 'Accept only signed commits, as for aws.config' },
  'allow-rollback': ALLOW_ROLLBACK,
} as const;

/** The source flags as the core takes them: every task that reads the source reads them alike. */
export function sourceRequest(args: SourceArgs, context: TaskContext, onRemote: RemoteListener | undefined) {
  return {
    repo: args.repo,
    ref: args.ref,
    requireSigned: args['require-signed'],
    allowRollback: args['allow-rollback'],
    env: context.env,
    cwd: context.cwd,
    onRemote,
  };
}

/**
 * A report on the source, `read` given the source flags: the remote's status line while git runs, then the
 * warnings: the cached clone stood in for a failed fetch, or (`bundled`) the source is robo's own example.
 */
export async function readSource<T extends SourceReport>(
  args: SourceArgs,
  context: TaskContext,
  read: (request: OpenSourceRequest) => Promise<T>,
  bundled?: string,
): Promise<T> {
  const line = remoteLineFor(context);
  const report = await read(sourceRequest(args, context, line.listener)).finally(line.clear);
  if (report.offline) context.reporter.warnAlways(offlineWarning(report.source, report.commit, report.offline));
  // On stderr, so a CSV on stdout stays clean: a report on the wrong organisation must not pass for the real one.
  if (bundled !== undefined && report.bundledExample) context.reporter.warn(bundled);
  return report;
}

export const teamsListTask: BuiltinTask<SourceArgs> = {
  name: 'teams.list',
  aliases: [],
  summary: 'List the teams of the dotfiles source with their hub role and profile counts',
  usage:
    'robo teams.list [--repo URL|PATH] [--ref REF]\n\nLists every team of the dotfiles source robo uses (as aws.config finds it), with its role in the hub\naccount and how many profiles its engineers get (the hub profile included).',
  options: sourceOptions,
  async run(args, context) {
    const { listTeams } = await import('../teams.js');
    const { source, teams } = await readSource(args, context, listTeams);
    const { yourTeam } = await import('../status.js');
    const you = await yourTeam(context.env);
    if (context.json) {
      context.reporter.json({
        ok: true,
        task: 'teams.list',
        source,
        yourTeam: you.team ?? null,
        yourTeamOrigin: you.origin ?? null,
        teams: teams.map((row) => ({
          ...row,
          hubRole: row.hubRole ?? null,
          profiles: row.profiles ?? null,
          yours: row.team === you.team,
        })),
      });
      return;
    }
    const rows = teams.map((row) => [
      row.team,
      row.hubRole ?? '-',
      row.profiles === undefined ? '-' : String(row.profiles),
      [row.team === you.team ? '(you)' : '', row.problems > 0 ? `${row.problems} problem(s): robo teams.validate` : '']
        .filter(Boolean)
        .join(' '),
    ]);
    context.reporter.print(table(['TEAM', 'HUB ROLE', 'PROFILES', ''], rows, [2]));
    context.reporter.detail(`source: ${source}`);
  },
};
