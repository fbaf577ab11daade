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
  const { createTwoFilesPatch, FILE_HEADERS_ONLY } = await import('diff');
  const patch = createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a${target}`,
    `b${target}`,
    before?.toString('utf8') ?? '',
    after?.toString('utf8') ?? '',
    undefined,
    undefined,
    { context: 3, headerOptions: FILE_HEADERS_ONLY },
  );
  reporter.print(patch, (line) =>
    line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined,
  );
}
