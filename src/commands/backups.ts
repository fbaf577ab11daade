/** `robo aws.backups` and `robo aws.restore [BACKUP]`. */
import { size, table } from './format.js';
import { tilde } from '../paths.js';
import type { BuiltinTask } from './types.js';

export const awsBackupsTask: BuiltinTask = {
  name: 'aws.backups',
  aliases: [],
  summary: "List robo's backups of your AWS config, newest first",
  usage:
    "robo aws.backups\n\nLists the backups robo made before changing your AWS config ($ROBO_BACKUP_DIR or /tmp), newest first. Only backups in robo's record (in $XDG_STATE_HOME/robo) that are unchanged, yours and mode 0600 are listed.",
  async run(_args, context) {
    const { listBackups } = await import('../aws-config/backups.js');
    const { dir, target, backups } = await listBackups(context.env);
    if (context.json) {
      context.reporter.json({
        ok: true,
        task: 'aws.backups',
        dir,
        target,
        backups: backups.map((backup) => ({ ...backup, time: backup.time.toISOString(), team: backup.team ?? null })),
      });
      return;
    }
    if (backups.length === 0) {
      context.reporter.info(`No robo backups of ${tilde(target, context.env)}.`);
      return;
    }
    const rows = backups.map((backup) => [
      backup.time.toISOString().replace('T', ' ').slice(0, 19),
      size(backup.size),
      backup.team ?? '-',
      backup.path,
    ]);
    context.reporter.print(table(['TIME (UTC)', 'SIZE', 'TEAM', 'PATH'], rows));
  },
};

interface RestoreArgs {
  backup: string | undefined;
}

export const awsRestoreTask: BuiltinTask<RestoreArgs> = {
  name: 'aws.restore',
  aliases: [],
  summary: 'Put a backup of your AWS config back (the newest, or the one named)',
  usage:
    'robo aws.restore [BACKUP]\n\nRestores the newest robo backup, or BACKUP, to your AWS config. The current file is backed up first. A file robo did not make for this config, or that changed since, is refused (exit 2).',
  positionals: [
    { name: 'backup', value: 'file', describe: 'Path of the backup (default: the newest, see robo aws.backups)' },
  ],
  examples: [
    ['robo aws.restore', 'undo the last change robo made'],
    ['robo aws.restore /tmp/awsconfig-0123…', 'restore a particular backup'],
  ],
  async run(args, context) {
    const { restoreBackup } = await import('../aws-config/backups.js');
    const result = await restoreBackup({ backup: args.backup, env: context.env, cwd: context.cwd });
    if (context.json) {
      context.reporter.json({ ok: true, task: 'aws.restore', ...result, backup: result.backup ?? null });
      return;
    }
    const where = tilde(result.target, context.env);
    if (!result.changed) {
      context.reporter.success(`${where} already holds ${result.restored}; nothing to do.`);
      return;
    }
    if (result.backup) context.reporter.success(`Your current aws config has been backed up in ${result.backup}`);
    context.reporter.success(`Restored ${result.restored} to ${where}.`);
  },
};
