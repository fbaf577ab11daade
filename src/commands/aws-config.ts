/**
 * `robo aws.config` (alias `config.aws`): flags in, syncAwsConfig() called,
 * its result printed. No logic about files or git lives here.
 */
import path from 'node:path';
import type { AwsConfigResult } from '../aws-config.js';
import { formatProblem } from '../pipeline/problems.js';
import type { Reporter } from '../ui.js';
import type { BuiltinTask, TaskContext } from './types.js';

interface AwsConfigArgs {
  team: string | undefined;
  repo: string | undefined;
  ref: string | undefined;
}

export const awsConfigTask: BuiltinTask<AwsConfigArgs> = {
  name: 'aws.config',
  aliases: ['config.aws'],
  summary: "Write your team's AWS profiles (hub and spokes, Okta) to ~/.aws/config",
  builder: (yargs) =>
    yargs
      .usage(
        'robo aws.config [--team TEAM] [--repo URL|PATH] [--ref REF]\n\n' +
          "Clones or updates the team dotfiles repo, validates the definitions, backs up your AWS config to\n" +
          "/tmp/awsconfig-<random> and writes your team's profiles plus the [okta] section aws-okta needs.",
      )
      .option('team', { type: 'string', describe: 'Your team (default: $SEGMENT_TEAM)' })
      .option('repo', {
        type: 'string',
        describe: 'Dotfiles source: a git URL or a local folder (default: $ROBO_DOTFILES_REPO, then repo in ~/.config/robo/config, then the bundled example)',
      })
      .option('ref', { type: 'string', describe: 'Branch or tag of a git source (default: $ROBO_DOTFILES_REF, then ref in the settings file, then the remote HEAD)' })
      .example('SEGMENT_TEAM=platform robo aws.config', "write platform's profiles")
      .example('robo aws.config --repo ~/src/dotfiles', 'use a local checkout')
      .example('robo aws.config --ref next', 'use the next branch of the dotfiles repo'),
  async run(args, context) {
    const { syncAwsConfig } = await import('../aws-config.js');
    const fromFlag = args.team !== undefined;
    const progress = progressLine(context);
    let result: AwsConfigResult;
    try {
      result = await syncAwsConfig({
        team: fromFlag ? args.team : context.env.SEGMENT_TEAM || undefined,
        teamOrigin: fromFlag ? '--team' : '$SEGMENT_TEAM',
        repo: args.repo,
        ref: args.ref,
        env: context.env,
        cwd: context.cwd,
        progress: progress.update,
      });
    } finally {
      progress.clear();
    }
    report(result, context.reporter, context.env);
  },
};

function report(result: AwsConfigResult, reporter: Reporter, env: NodeJS.ProcessEnv): void {
  const { source } = result;
  if (source.spec.kind === 'embedded') {
    reporter.info('No dotfiles repo configured (--repo, $ROBO_DOTFILES_REPO or ~/.config/robo/config): using the example organisation bundled with robo.');
  }
  reporter.detail(`source: ${source.description}${source.commit ? ` at ${source.commit}` : ''}`);
  if (result.warnings.length > 0) {
    reporter.warn(`ignored ${result.warnings.length} problem(s) in other teams' files (they do not affect team ${result.team}):`, result.warnings.map(formatProblem));
  }
  const where = tilde(result.target, env);
  const summary = `team ${result.team}, ${result.profiles.length} profile${result.profiles.length === 1 ? '' : 's'} in ${where}`;
  if (!result.changed) {
    reporter.success(`Your aws config is already up to date (${summary}).`);
    return;
  }
  if (result.backup) reporter.success(`Your old aws config has been backed up in ${result.backup}`);
  else reporter.info(`There was no aws config at ${where} before, so there was nothing to back up.`);
  if (result.targetFile !== result.target) reporter.detail(`${where} is a symlink: wrote ${result.targetFile} and kept the link`);
  reporter.success(`Your aws config was successfully updated (${summary}).`);
  reporter.detail(`profiles: ${result.profiles.join(', ')}`);
}

function tilde(file: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  return home && file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

/** Clone/fetch progress on a terminal only: logs and timers get clean output. */
function progressLine(context: TaskContext) {
  const shown = process.stderr.isTTY && !context.reporter.quiet;
  let used = false;
  return {
    update: shown
      ? ({ stage, progress }: { stage: string; progress: number }) => {
          used = true;
          process.stderr.write(`\r\x1b[2K  git: ${stage} ${progress}%`);
        }
      : undefined,
    clear: () => {
      if (used) process.stderr.write('\r\x1b[2K');
    },
  };
}
