/**
 * Whether a standard stream is a terminal. isatty on the descriptor, not
 * process.stdin.isTTY or process.stderr.isTTY: those set the stream up,
 * which costs a few ms in runs that never use it. node:tty is fetched on
 * first use, so start-up does not load it.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/**
 * How many columns wide stdout is: $COLUMNS when it is a positive number (as
 * ls and git read it), else the terminal's width; undefined when stdout is no
 * terminal and $COLUMNS says nothing (a file or a pipe has no width).
 */
export function terminalColumns(env: NodeJS.ProcessEnv): number | undefined {
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return isTerminal(1) ? process.stdout.columns : undefined;
}
