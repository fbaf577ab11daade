/** --dry-run of aws.config and aws.remove: the option, and the unified diff it prints (coloured on a terminal). */
import { ExitCode } from '../errors.js';
import type { Reporter } from '../ui.js';
import type { OptionSpec } from './types.js';

export const DRY_RUN: OptionSpec = {
  type: 'boolean',
  aliases: ['diff'],
  default: false,
  describe: `Print the diff of what would change and write nothing; exit ${ExitCode.changesPending} if something would`,
};

export async function printDiff(
  reporter: Reporter,
  target: string,
  before: Buffer | undefined,
  after: Buffer | undefined,
): Promise<void> {
  const { createTwoFilesPatch } = await import('diff');
  const from = before === undefined ? '/dev/null' : `a${target}`;
  const patch = createTwoFilesPatch(
    from,
    `b${target}`,
    before?.toString('utf8') ?? '',
    after?.toString('utf8') ?? '',
    '',
    '',
    { context: 3 },
  );
  const body = patch
    .split('\n')
    .slice(1) // drop the "Index:"/separator line jsdiff puts first
    .filter((line) => line !== '===================================================================')
    .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.replace(/\t$/, '') : line))
    .join('\n');
  reporter.print(body, (line) =>
    line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined,
  );
}
