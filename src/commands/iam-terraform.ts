/** `robo iam.terraform`: the IAM side of the definitions as Terraform JSON in a folder; --check for CI. */
import path from 'node:path';
import { ExitCode, ExitSignal } from '../errors.js';
import { formatProblem } from '../validate/problems.js';
import { bundledExampleWarning, problemJson, sizeWarningsHeading } from './format.js';
import { readSource, sourceOptions, type SourceArgs } from './teams.js';
import type { BuiltinTask } from './types.js';

interface IamTerraformArgs extends SourceArgs {
  out: string;
  check: boolean;
}

export const DEFAULT_OUT = 'iam-terraform';
export const BUNDLED_EXAMPLE = bundledExampleWarning('the Terraform');

export const iamTerraformTask: BuiltinTask<IamTerraformArgs> = {
  name: 'iam.terraform',
  aliases: [],
  summary: "Write the organisation's IAM roles, trusts and policies as Terraform JSON (--check: CI drift check)",
  usage: `robo iam.terraform [--out DIR] [--check] [--repo URL|PATH] [--ref REF]\n\nWrites providers.tf.json and account-<name>.tf.json into DIR (default ./${DEFAULT_OUT}): the hub roles with their Okta SAML trust, the spoke roles each team's profiles use, trusting exactly those teams' hub roles, and their policies, from the same definitions aws.config reads. Needs the iam object in organization.json (docs/iam.md). Only robo's own *.tf.json files in DIR are rewritten or removed; other files stay. With --check, writes nothing and exits ${ExitCode.changesPending} when DIR differs.`,
  options: {
    out: {
      type: 'string',
      value: 'directory',
      default: DEFAULT_OUT,
      describe: `Output folder (default ./${DEFAULT_OUT})`,
    },
    check: {
      type: 'boolean',
      default: false,
      describe: `Write nothing; list the files that differ and exit ${ExitCode.changesPending} if any does`,
    },
    ...sourceOptions,
  },
  examples: [
    ['robo iam.terraform --repo . --out ../infra/iam', "from the dotfiles repo's folder, into the infrastructure repo"],
    ['robo iam.terraform --out infra/iam --check', 'in CI: fail when the Terraform is not current'],
  ],
  async run(args, context) {
    const { iamTerraform } = await import('../iam/iam-terraform.js');
    const out = path.resolve(context.cwd, args.out);
    const result = await readSource(
      args,
      context,
      (request) => iamTerraform({ ...request, out, check: args.check }),
      BUNDLED_EXAMPLE,
    );
    const differs = result.files.filter((file) => file.change !== 'unchanged');
    const warnings = result.warnings.map(formatProblem);
    // In the document with --json; else on stderr, --quiet or not.
    if (!context.json && warnings.length > 0)
      context.reporter.warnAlways(sizeWarningsHeading(result.warnings), warnings);
    if (context.json) {
      context.reporter.json({
        ok: !(result.check && result.changed),
        task: 'iam.terraform',
        source: result.source,
        commit: result.commit ?? null,
        out: result.dir,
        check: result.check,
        changed: result.changed,
        roles: result.roles,
        files: result.files,
        foreign: result.foreign,
        warnings: result.warnings.map((warning, index) => problemJson(warning, warnings[index]!)),
      });
    } else if (result.check) {
      if (result.changed)
        context.reporter.warnAlways(`${result.dir} is not current with ${result.source}`, [
          ...differs.map((file) => `${file.file}: would be ${file.change}`),
          ...result.foreign.map((file) => `${file}: not robo's (no marker), would be refused`),
        ]);
      else context.reporter.success(`${result.dir} is current (${result.files.length} files, ${result.roles} roles).`);
    } else if (result.changed) {
      const counts = (['created', 'updated', 'removed'] as const)
        .map((change) => [change, differs.filter((file) => file.change === change).length] as const)
        .filter(([, count]) => count > 0)
        .map(([change, count]) => `${count} ${change}`);
      context.reporter.success(`${result.dir}: ${counts.join(', ')} (${result.roles} roles).`);
      for (const file of differs) context.reporter.detail(`${file.file}: ${file.change}`);
    } else
      context.reporter.success(
        `${result.dir} was already current (${result.files.length} files, ${result.roles} roles).`,
      );
    context.reporter.detail(`source: ${result.source}`);
    if (result.check && result.changed) throw new ExitSignal(ExitCode.changesPending);
  },
};
