/**
 * `robo aws.config` (alias `config.aws`): flags in, syncAwsConfig() called,
 * its result printed (or given as JSON). No logic about files or git here.
 */
import type { AwsConfigResult } from '../aws-config/sync.js';
import { ExitCode, ExitSignal, NoTeamError } from '../errors.js';
import { formatProblem } from '../validate/problems.js';
import type { Settings } from '../settings.js';
import type { Reporter } from '../ui.js';
import { DRY_RUN, printDiff } from './diff.js';
import { chooseTeam } from '../team-places.js';
import { offlineWarning } from './format.js';
import { resolvePaths, tilde } from '../paths.js';
import { remoteLineFor } from './remote-line.js';
import { sourceRequest, type SourceArgs } from './teams.js';
import { ALLOW_ROLLBACK, type BuiltinTask, type TaskContext } from './types.js';

interface AwsConfigArgs extends SourceArgs {
  team: string | undefined;
  'dry-run': boolean;
  replace: boolean;
  strict: boolean;
}

export const awsConfigTask: BuiltinTask<AwsConfigArgs> = {
  name: 'aws.config',
  aliases: ['config.aws'],
  summary: "Write your team's AWS profiles (hub and spokes, Okta) to ~/.aws/config",
  usage:
    'robo aws.config [--team TEAM] [--repo URL|PATH] [--ref REF] [--dry-run] [--replace] [--strict] [--require-signed] [--allow-rollback]\n\n' +
    'Clones or updates the team dotfiles repo, validates the definitions, backs up your AWS config to\n' +
    "/tmp/awsconfig-<random> ($ROBO_BACKUP_DIR replaces /tmp) and writes your team's profiles plus the\n[okta] section aws-okta needs (or the [sso-session] aws sso login uses) " +
    'between two marker lines. Everything else in the file stays as you wrote it.',
  options: {
    team: {
      type: 'string',
      value: 'team',
      describe: 'Your team (default: $SEGMENT_TEAM, then team in ~/.config/robo/config)',
    },
    repo: {
      type: 'string',
      value: 'directory',
      describe:
        'Dotfiles source: a git URL or a local folder (default: $ROBO_DOTFILES_REPO, then repo in ~/.config/robo/config, then the bundled example)',
    },
    ref: {
      type: 'string',
      describe:
        'Branch or tag of a git source, or refs/heads/X, refs/tags/X, a full commit id (default: $ROBO_DOTFILES_REF, then ref in the settings file, then the remote HEAD)',
    },
    'dry-run': DRY_RUN,
    replace: {
      type: 'boolean',
      default: false,
      describe: "Replace the whole file (after a backup) instead of only robo's block",
    },
    strict: {
      type: 'boolean',
      default: false,
      describe: 'Fail when the source cannot be fetched, instead of using the cached clone',
    },
    'require-signed': {
      type: 'boolean',
      default: false,
      describe:
        'Accept only commits signed by a key the settings allow (allowed_signers, allowed_pgp_fingerprints), never older than the last one accepted ([trust] require_signed = true does the same)',
    },
    'allow-rollback': ALLOW_ROLLBACK,
  },
  examples: [
    ['SEGMENT_TEAM=platform robo aws.config', "write platform's profiles"],
    ['robo aws.config --dry-run', 'drift check: show what would change'],
    ['robo aws.config --repo ~/src/dotfiles', 'use a local checkout'],
  ],
  async run(args, context) {
    const [{ syncAwsConfig }, { loadSettings }] = await Promise.all([
      import('../aws-config/sync.js'),
      import('../settings.js'),
    ]);
    const settings = await loadSettings(context.env);
    const line = remoteLineFor(context);
    let result: AwsConfigResult;
    try {
      result = await syncAwsConfig({
        ...chooseTeam(args.team, context.env, settings),
        settings,
        ...sourceRequest(args, context, line.listener),
        dryRun: args['dry-run'],
        replace: args.replace,
        strict: args.strict,
      });
    } catch (error) {
      throw error instanceof NoTeamError ? await withLastTeam(error, context.env) : error;
    } finally {
      line.clear();
    }
    // Even with --json (where the JSON has it too) and --quiet: a log must show the config may be stale.
    if (context.json) warnIfOffline(result, context.reporter);
    const { team, teamOrigin } = chooseTeam(args.team, context.env, settings);
    if (team !== undefined) await warnIfTeamsDisagree({ ...result, team }, teamOrigin, settings, context);
    if (context.json) context.reporter.json(toJson(result));
    else if (result.dryRun) await reportDryRun(result, context);
    else report(result, context.reporter, context.env);
    if (result.dryRun && result.changed) throw new ExitSignal(ExitCode.changesPending);
  },
};

/** With no team anywhere: the team the config was last written for is the likely one. */
async function withLastTeam(error: NoTeamError, env: NodeJS.ProcessEnv): Promise<NoTeamError> {
  const { readConfigState } = await import('../status.js');
  const config = await readConfigState(resolvePaths(env).targetFile).catch(() => undefined);
  const team = config?.block.kind === 'found' ? config.block.team : undefined;
  if (team === undefined) return error;
  return new NoTeamError(error.message, [
    `your config (${tilde(config!.path, env)}) was last written for team ${team}: pass --team ${team}, or robo onboard --team ${team} to keep it`,
    ...error.details,
  ]);
}

/**
 * One line when another place names another team (team-places.ts). Even
 * with --quiet: a script running aws.config --quiet is where a switch goes
 * unseen. Only the job's files are read, never `crontab -l` (robo doctor does).
 */
async function warnIfTeamsDisagree(
  result: Pick<AwsConfigResult, 'team' | 'previousTeam' | 'target' | 'dryRun'>,
  origin: string,
  settings: Settings,
  context: TaskContext,
): Promise<void> {
  const [{ teamDisagreement }, { nightlyTeamFromFiles }] = await Promise.all([
    import('../team-places.js'),
    import('../nightly/status.js'),
  ]);
  const nightly = await nightlyTeamFromFiles(context.env).catch(() => undefined);
  const disagreement = teamDisagreement({
    team: result.team,
    origin,
    block: { team: result.previousTeam, where: tilde(result.target, context.env) },
    settings: { team: settings.user.team, where: tilde(settings.file, context.env) },
    nightly,
  });
  if (disagreement?.level === 'warn')
    context.reporter.warnAlways(`${disagreement.message}. To switch for good: ${disagreement.fix}`);
  else if (disagreement) context.reporter.info(disagreement.message);
}

function reportCommon(result: AwsConfigResult, reporter: Reporter): void {
  const { source } = result;
  if (source.spec.kind === 'embedded') {
    reporter.info(
      'No dotfiles repo configured (--repo, $ROBO_DOTFILES_REPO or ~/.config/robo/config): using the example organisation bundled with robo.',
    );
  }
  warnIfOffline(result, reporter);
  reporter.detail(`source: ${source.description}${source.commit ? ` at ${source.commit}` : ''}`);
  if (result.warnings.length > 0) {
    reporter.warn(
      `ignored ${result.warnings.length} problem(s) in other teams' files (they do not affect team ${result.team}):`,
      result.warnings.map(formatProblem),
    );
  }
}

function warnIfOffline({ source }: AwsConfigResult, reporter: Reporter): void {
  if (source.offline)
    reporter.warnAlways(offlineWarning(source.description, source.commit, source.offline), [
      '--strict makes this an error',
    ]);
}

export function report(result: AwsConfigResult, reporter: Reporter, env: NodeJS.ProcessEnv): void {
  reportCommon(result, reporter);
  const where = tilde(result.target, env);
  const summary = `team ${result.team}, ${result.profiles.length} profile${result.profiles.length === 1 ? '' : 's'} in ${where}`;
  if (!result.changed) {
    reporter.success(`Your aws config is already up to date (${summary}).`);
    return;
  }
  if (result.backup) reporter.success(`Your old aws config has been backed up in ${result.backup}`);
  else reporter.info(`There was no aws config at ${where} before, so there was nothing to back up.`);
  if (result.removed.length > 0) {
    reporter.warn(
      `took ${result.removed.length} of your own section(s) out of ${where}: robo's block now defines them, and two of a name would break the AWS CLI`,
      [
        ...result.removed.map((section) => `${section.header} (was at line ${section.line})`),
        `the old file, with them, is in ${result.backup}`,
      ],
    );
  }
  if (result.targetFile !== result.target)
    reporter.detail(`${where} is a symlink: wrote ${result.targetFile} and kept the link`);
  reporter.success(`Your aws config was successfully updated (${summary}).`);
  reporter.detail(`profiles: ${result.profiles.join(', ')}`);
}

async function reportDryRun(result: AwsConfigResult, context: TaskContext): Promise<void> {
  const { reporter } = context;
  reportCommon(result, reporter);
  const where = tilde(result.target, context.env);
  if (!result.changed) {
    reporter.success(`Your aws config is up to date (team ${result.team}); --dry-run wrote nothing.`);
    return;
  }
  await printDiff(reporter, result.target, result.before, result.after);
  for (const section of result.removed)
    reporter.warn(`would take out your ${section.header} (line ${section.line}): robo's block defines it`);
  reporter.info(`--dry-run: ${where} would change (team ${result.team}); nothing was written.`);
}

function toJson(result: AwsConfigResult) {
  const { source } = result;
  return {
    ok: true,
    task: 'aws.config',
    team: result.team,
    source: {
      kind: source.spec.kind,
      location: source.spec.kind === 'git' ? source.spec.url : source.spec.dir,
      ref: source.spec.kind === 'git' ? (source.spec.ref ?? null) : null,
      commit: source.commit ?? null,
      offline: source.offline
        ? { reason: source.offline.reason, commitDate: source.offline.commitDate.toISOString() }
        : null,
    },
    target: result.target,
    dryRun: result.dryRun,
    changed: result.changed,
    backup: result.backup ?? null,
    profiles: result.profiles,
    removed: result.removed,
    warnings: result.warnings.map(formatProblem),
  };
}
