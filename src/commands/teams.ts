/** `robo teams.validate [PATH]`: every definition file of a checkout, every problem listed. */
import { DefinitionsError } from '../errors.js';
import { formatProblem } from '../pipeline/problems.js';
import type { BuiltinTask } from './types.js';

interface ValidateArgs {
  path: string | undefined;
}

export const teamsValidateTask: BuiltinTask<ValidateArgs> = {
  name: 'teams.validate',
  aliases: [],
  summary: 'Check every definition file of a dotfiles checkout and list all problems (for its CI)',
  usage: 'robo teams.validate [PATH]\n\nValidates organization.json and every teams/*.json under PATH (default: the current folder).\nExits 0 when all are valid and 3 when any is not, listing every problem.',
  positionals: [{ name: 'path', describe: 'A dotfiles checkout (default: .)' }],
  examples: [['robo teams.validate', 'in the dotfiles repo, e.g. as a CI step']],
  async run(args, context) {
    const { validateTeams } = await import('../teams.js');
    const report = await validateTeams({ path: args.path, cwd: context.cwd });
    const files = new Set(report.problems.map((problem) => problem.file));
    if (context.json) {
      context.reporter.print(JSON.stringify({ ok: report.problems.length === 0, task: 'teams.validate', root: report.root, teams: report.teams, problems: report.problems.map(formatProblem) }, null, 2));
    } else if (report.problems.length === 0) {
      context.reporter.success(`${report.root}: organization.json and ${report.teams.length} team file(s) are valid.`);
    }
    if (report.problems.length > 0) {
      throw new DefinitionsError(`${report.root}: ${report.problems.length} problem(s) in ${files.size} file(s)`, report.problems.map(formatProblem));
    }
  },
};
