/** `robo aws.remove`: take robo's block out of the AWS config (after a backup). */
import { ExitCode, ExitSignal } from '../errors.js';
import { DRY_RUN, printDiff } from './diff.js';
import { tilde } from '../paths.js';
import type { BuiltinTask } from './types.js';

interface RemoveArgs {
  'dry-run': boolean;
}

export const awsRemoveTask: BuiltinTask<RemoveArgs> = {
  name: 'aws.remove',
  aliases: [],
  summary: "Take robo's block out of your AWS config (after a backup): the way back from aws.config",
  usage:
    "robo aws.remove [--dry-run]\n\nRemoves the lines between robo's two marker lines from your AWS config, after backing the file up " +
    '(robo aws.backups lists it, robo aws.restore puts it back). Everything else in the file stays byte for byte. ' +
    "A config without robo's block is left alone (exit 0); damaged markers are refused (exit 7).",
  options: {
    'dry-run': DRY_RUN,
  },
  examples: [
    ['robo aws.remove --dry-run', 'see what would go'],
    ['robo aws.remove', "undo robo's part of the file; robo aws.restore undoes this"],
  ],
  async run(args, context) {
    const { removeAwsConfig } = await import('../aws-config/remove.js');
    const result = await removeAwsConfig({ env: context.env, dryRun: args['dry-run'] });
    const { reporter } = context;
    const where = tilde(result.target, context.env);
    if (context.json) {
      const { target, targetFile, changed, dryRun, backup, team, profiles } = result;
      reporter.json({
        ok: true,
        task: 'aws.remove',
        target,
        targetFile,
        changed,
        dryRun,
        backup: backup ?? null,
        team: team ?? null,
        profiles,
      });
    } else if (!result.changed) {
      reporter.success(`There is no robo block in ${where}: nothing to remove.`);
    } else if (result.dryRun) {
      await printDiff(reporter, result.target, result.before, result.after);
      reporter.info(
        `--dry-run: robo's block (team ${result.team ?? 'unknown'}, ${result.profiles.length} profile(s)) would be removed from ${where}; nothing was written.`,
      );
    } else {
      if (result.backup) reporter.success(`Your old aws config has been backed up in ${result.backup}`);
      reporter.success(
        `Removed robo's block (team ${result.team ?? 'unknown'}, ${result.profiles.length} profile(s)) from ${where}. robo aws.restore puts it back.`,
      );
    }
    if (result.dryRun && result.changed) throw new ExitSignal(ExitCode.changesPending);
  },
};
