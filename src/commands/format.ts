/** Small formatting helpers shared by the commands. */
import { visible } from '../ui.js';

/**
 * Said when a command that reports on an organisation ran on the example bundled with robo because no
 * source is configured: a warning, as what follows is not the user's organisation's.
 */
export function bundledExampleWarning(what: string): string {
  return `No dotfiles repo configured (--repo, $ROBO_DOTFILES_REPO or ~/.config/robo/config): this is ${what} of the example organisation bundled with robo, not of yours.`;
}

/**
 * The line over the size warnings of teams.validate and iam.terraform. They go through warnAlways: terraform apply
 * fails unless a quota was raised, which CI (often run with --quiet) must see. --quiet keeps this line alone, so it
 * names where.
 */
export function sizeWarningsHeading(warnings: ReadonlyArray<{ file: string; pointer?: string }>): string {
  const where = warnings.map((warning) => `${warning.file} ${warning.pointer ?? ''}`.trim()).join(', ');
  return `${warnings.length} IAM size(s) over a quota's default: terraform apply fails unless it was raised (${where})`;
}

/**
 * A problem or warning in a `--json` document: teams.validate's and iam.terraform's have this one shape, as a
 * CI script reads both. `text` is the line the human output prints.
 */
export function problemJson(
  problem: { file: string; pointer?: string; line?: number; message: string; value?: unknown },
  text: string,
): { file: string; pointer: string | null; line: number | null; message: string; value?: unknown; text: string } {
  return {
    file: problem.file,
    pointer: problem.pointer ?? null,
    line: problem.line ?? null,
    message: problem.message,
    value: problem.value,
    text,
  };
}

/** "3 days", "5 hours", "12 minutes": how long ago a date was, roughly. */
export function age(date: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.round((now.getTime() - date.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * The warning of a run that used the cached clone because the fetch failed:
 * one line with the commit and its age, so a log read with --quiet still
 * shows the result may be stale.
 */
export function offlineWarning(
  source: string,
  commit: string | undefined,
  offline: { reason: string; commitDate: Date },
  now: Date = new Date(),
): string {
  const when = `${age(offline.commitDate, now)} ago (${offline.commitDate.toISOString()})`;
  return `could not fetch ${source}: ${offline.reason}; using the cached clone at commit ${commit?.slice(0, 12) ?? '(unknown)'}, committed ${when}`;
}

/** 1234 → "1.2 KiB". */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Rows as aligned columns under a header; `right` lists the columns aligned right (numbers).
 * Cells are measured as they will be shown: with their escapes made visible (the Reporter
 * does it again on print; visible text stays as it is).
 */
export function table(header: string[], unsafeRows: string[][], right: readonly number[] = []): string {
  const rows = unsafeRows.map((row) => row.map(visible));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (right.includes(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
