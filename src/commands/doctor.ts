/** `robo doctor`: one line per check, ✔ ⚠ or ✖, with the fix for each problem. */
import { ExitCode, ExitSignal } from '../errors.js';
import type { BuiltinTask } from './types.js';

interface DoctorArgs {
  team: string | undefined;
}

export const doctorTask: BuiltinTask<DoctorArgs> = {
  name: 'doctor',
  aliases: [],
  summary:
    'Check node, git, your team, the source, your AWS config, aws-okta, the nightly job and the backups; say how to fix each problem',
  usage:
    'robo doctor [--team TEAM]\n\nRuns every check and prints one line each: ✔ fine, ⚠ works but something is off, ✖ a problem, each ⚠ and ✖ with its fix. ' +
    `Asks the source's remote once (a 10 s limit) and plans your config as aws.config --dry-run would; writes nothing to it. Exits 0 without a ✖, else ${ExitCode.doctorFailed}.`,
  options: {
    team: { type: 'string', describe: 'The team to check (default: as for aws.config)' },
  },
  examples: [['robo doctor --json', 'one JSON object with every check']],
  async run(args, context) {
    const [{ runDoctor }, { SYMBOL }] = await Promise.all([
      import('../doctor/doctor.js'),
      import('../doctor/checks.js'),
    ]);
    const checks = await runDoctor({
      team: args.team,
      env: context.env,
      cwd: context.cwd,
      now: new Date(),
      nodeVersion: process.version,
    });
    const failed = checks.some((check) => check.status === 'fail');
    if (context.json) {
      context.reporter.json({
        ok: !failed,
        task: 'doctor',
        checks: checks.map((check) => ({ ...check, fix: check.fix ?? null })),
        exitCode: failed ? ExitCode.doctorFailed : ExitCode.ok,
      });
    } else {
      const width = Math.max(...checks.map((check) => check.name.length));
      const lines = checks.flatMap((check) => [
        `${SYMBOL[check.status]} ${check.name.padEnd(width)}  ${check.message}`,
        ...(check.fix ? [`  ${' '.repeat(width)}  → ${check.fix}`] : []),
      ]);
      context.reporter.print(lines.join('\n'), (line) =>
        line.startsWith('✖') ? 'red' : line.startsWith('⚠') ? 'yellow' : line.startsWith('✔') ? 'green' : undefined,
      );
    }
    if (failed) throw new ExitSignal(ExitCode.doctorFailed);
  },
};
