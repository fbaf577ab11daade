/**
 * `robo onboard`: set this laptop up once (src/onboard.ts), and say what it
 * did and what to do next with the login tool (aws-okta, or the AWS CLI v2's
 * aws sso login for an sso-session).
 */
import { ExitCode, ExitSignal, RoboError, messageOf } from '../errors.js';
import type { OnboardResult, Prompt } from '../onboard.js';
import { isTerminal } from '../system/terminal.js';
import { tilde } from '../paths.js';
import { roboExecutable } from './nightly.js';
import type { BuiltinTask, TaskContext } from './types.js';

interface OnboardArgs {
  team: string | undefined;
  repo: string | undefined;
  ref: string | undefined;
  nightly: boolean;
}

export const onboardTask: BuiltinTask<OnboardArgs> = {
  name: 'onboard',
  aliases: [],
  summary: 'Set this laptop up once: record your dotfiles repo and team, write the config, install the nightly refresh',
  usage:
    'robo onboard [--team TEAM] [--repo URL|PATH] [--ref REF] [--no-nightly]\n\n' +
    "Records the dotfiles source and your team in robo's settings (~/.config/robo/config), writes your team's profiles to " +
    "your AWS config (as robo aws.config does), records the team in your shell's rc file, installs the nightly refresh " +
    '(robo nightly install) and prints the login commands to run next (aws-okta, or aws sso login for an sso-session). Running it again changes only what differs. ' +
    'On a terminal it asks for your team; otherwise the team must be given. See docs/onboarding.md.',
  options: {
    team: {
      type: 'string',
      value: 'team',
      describe: 'Your team (default: $SEGMENT_TEAM, then the settings; asked for on a terminal)',
    },
    repo: {
      type: 'string',
      value: 'directory',
      describe:
        "Your company's dotfiles repo: a git URL or a folder (default: $ROBO_DOTFILES_REPO, then the settings); required once",
    },
    ref: {
      type: 'string',
      describe: 'Branch or tag of the repo (default: $ROBO_DOTFILES_REF, then the settings, then the remote HEAD)',
    },
    nightly: { type: 'boolean', default: true, describe: 'Install the nightly refresh (--no-nightly: do not)' },
  },
  examples: [
    ['robo onboard --repo git@github.com:example/dotfiles.git', 'a new laptop (asks for your team)'],
    ['robo onboard --team data', 'switch teams later: settings, rc file, config and nightly job together'],
  ],
  async run(args, context) {
    const [{ onboard }, { createLinePrompt }] = await Promise.all([import('../onboard.js'), import('../ui.js')]);
    // Ask only when someone is there to answer and to read the question.
    const line = !context.json && isTerminal(0) && isTerminal(1) ? createLinePrompt() : undefined;
    const prompt: Prompt | undefined = line && {
      ask: (question) => line.ask(question),
      say: (text) => context.reporter.info(text),
    };
    let result: OnboardResult;
    try {
      result = await onboard({
        team: args.team,
        repo: args.repo,
        ref: args.ref,
        nightly: args.nightly,
        env: context.env,
        cwd: context.cwd,
        robo: roboExecutable(context),
        prompt,
      });
    } finally {
      line?.close();
    }
    const failed = result.nightly && 'error' in result.nightly ? result.nightly.error : undefined;
    if (context.json) {
      const { installJson } = await import('./nightly.js');
      context.reporter.json({
        ok: failed === undefined,
        task: 'onboard',
        team: result.team,
        source: { repo: result.repo, ref: result.ref ?? null },
        settings: result.settings,
        rc: result.rc,
        config: {
          target: result.config.target,
          changed: result.config.changed,
          backup: result.config.backup ?? null,
          profiles: result.config.profiles,
        },
        nightly:
          result.nightly === undefined
            ? null
            : 'installed' in result.nightly
              ? installJson(result.nightly.installed)
              : { error: messageOf(failed) },
        hub: result.hub,
      });
    } else await report(result, context);
    if (failed !== undefined) throw new ExitSignal(failed instanceof RoboError ? failed.exitCode : ExitCode.internal);
  },
};

async function report(result: OnboardResult, context: TaskContext): Promise<void> {
  const { reporter, env } = context;
  const { report: reportConfig } = await import('./aws-config.js');
  reportConfig(result.config, reporter, env);
  const settingsFile = tilde(result.settings.file, env);
  const source = `${result.repo}${result.ref ? ` (ref ${result.ref})` : ''}`;
  reporter.success(
    result.settings.changed
      ? `Recorded ${source} and team ${result.team} in ${settingsFile}.`
      : `${settingsFile} already has ${source} and team ${result.team}.`,
  );
  const rc = tilde(result.rc.file, env);
  reporter.success(
    result.rc.changed
      ? `SEGMENT_TEAM=${result.team} recorded in ${rc}.`
      : `SEGMENT_TEAM=${result.team} is already set in ${rc}.`,
  );
  if (result.nightly && 'installed' in result.nightly) {
    const { reportInstall } = await import('./nightly.js');
    reportInstall(result.nightly.installed, reporter);
  } else if (result.nightly) {
    const error = result.nightly.error;
    reporter.error(`the nightly refresh was not installed: ${messageOf(error)}`, [
      ...(error instanceof RoboError ? error.details : []),
      'fix the problem, then run: robo nightly install',
    ]);
  }
  reporter.print(nextSteps(result, env));
}

function nextSteps(result: OnboardResult, env: NodeJS.ProcessEnv): string {
  const steps: string[] = [];
  // This shell's $SEGMENT_TEAM outranks the settings until a new one starts.
  if (env.SEGMENT_TEAM && env.SEGMENT_TEAM !== result.team) {
    steps.push(
      `Open a new terminal (or run: export SEGMENT_TEAM=${result.team}): this one still has SEGMENT_TEAM=${env.SEGMENT_TEAM}.`,
    );
  }
  const { login } = result.config;
  if (login.kind === 'sso') {
    steps.push(
      `Sign in to IAM Identity Center with the AWS CLI v2 (v1 has no sso login):\n       aws sso login --sso-session ${login.session}`,
    );
    steps.push(
      `Check who you are through the hub profile:\n       aws sts get-caller-identity --profile ${result.hub}`,
    );
  } else {
    steps.push('Store your Okta credentials for aws-okta:\n       aws-okta add');
    steps.push(
      `Sign in through the hub profile and check who you are:\n       aws-okta exec ${result.hub} -- aws sts get-caller-identity`,
    );
  }
  return `\nNext steps:\n${steps.map((step, index) => `  ${index + 1}. ${step}`).join('\n')}`;
}
