/**
 * The access review as text (pure): the teams × accounts grid a person reads
 * on a terminal, and one line per grant as CSV or a Markdown table for the
 * reviewer's spreadsheet or document. The JSON rows are the AccessRow objects
 * themselves (commands/teams-access.ts).
 */
import { table } from '../commands/format.js';
import type { AccessReview, AccessRow } from './access-review.js';

/** The columns of the CSV and Markdown forms, and the row's field each holds. */
const COLUMNS = [
  ['team', (row) => row.team],
  ['profile', (row) => row.profile],
  ['account', (row) => row.account],
  ['account_id', (row) => row.accountId],
  ['role', (row) => row.role],
  ['role_arn', (row) => row.roleArn],
  ['policies', (row) => row.policies.join(';')],
] as const satisfies ReadonlyArray<readonly [string, (row: AccessRow) => string]>;

/** Between the columns of the grid, as table() lays them out. */
const GAP = 2;
/** A team that reaches no role in an account. */
const NONE = '-';

/**
 * Teams down, the accounts they reach across, the roles reached in the cells
 * (the hub role first). Given a `width`, columns that do not fit go to further
 * grids below, each with the TEAM column again, so nothing wraps.
 */
export function accessGrid(review: AccessReview, width?: number): string {
  const cells = new Map<string, string[]>();
  for (const row of review.rows) {
    const key = `${row.team}\0${row.account}`;
    const roles = cells.get(key) ?? [];
    if (!roles.includes(row.role)) roles.push(row.role);
    cells.set(key, roles);
  }
  const column = (account: string) => review.teams.map((team) => cells.get(`${team}\0${account}`)?.join(', ') ?? NONE);
  const accountColumns = review.accounts.map((account) => ({ account, cells: column(account) }));

  const teamWidth = Math.max('TEAM'.length, ...review.teams.map((team) => team.length));
  const parts = fitted(accountColumns, teamWidth, width);
  return parts
    .map((part) =>
      table(
        ['TEAM', ...part.map((entry) => entry.account)],
        review.teams.map((team, index) => [team, ...part.map((entry) => entry.cells[index]!)]),
      ),
    )
    .join('\n\n');
}

/** Columns in order, in as many parts as it takes for each to fit `width` (at least one column a part). */
function fitted<T extends { account: string; cells: string[] }>(
  columns: T[],
  teamWidth: number,
  width?: number,
): T[][] {
  if (width === undefined || columns.length === 0) return [columns];
  const parts: T[][] = [];
  let used = 0;
  for (const column of columns) {
    const needed = GAP + Math.max(column.account.length, ...column.cells.map((cell) => cell.length));
    if (parts.length === 0 || used + needed > width) {
      parts.push([column]);
      used = teamWidth + needed;
    } else {
      parts.at(-1)!.push(column);
      used += needed;
    }
  }
  return parts;
}

/**
 * One line per grant after a header, quoted as RFC 4180, LF line ends. A cell
 * a spreadsheet would run as a formula (=, +, -, @, tab or CR first: OWASP's
 * CSV injection list) gets a leading ' (role names may start so).
 */
export function accessCsv(rows: readonly AccessRow[]): string {
  const line = (cells: readonly string[]) => cells.map(csvCell).join(',');
  return [line(COLUMNS.map(([name]) => name)), ...rows.map((row) => line(COLUMNS.map(([, cell]) => cell(row))))]
    .map((text) => `${text}\n`)
    .join('');
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * A GitHub-flavoured Markdown table, one line per grant. In the cells, | and
 * \ are escaped, and so is the inline syntax (_ * ~ ` [ ] < >): role names
 * may hold _, and a role named _admin_ must read _admin_, not an italic admin.
 */
export function accessMarkdown(rows: readonly AccessRow[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(COLUMNS.map(([name]) => name)),
    line(COLUMNS.map(() => '---')),
    ...rows.map((row) => line(COLUMNS.map(([, cell]) => markdownCell(cell(row))))),
  ]
    .map((text) => `${text}\n`)
    .join('');
}

export function markdownCell(value: string): string {
  // One pass, so the backslash written before | or _ is not itself escaped; a line break would end the row.
  return value.replace(/[\\|_*~`[\]<>]/g, '\\$&').replace(/\r\n|\r|\n/g, ' ');
}
