/**
 * Whether a standard stream is a terminal. isatty on the descriptor, not
 * process.stdin.isTTY or process.stderr.isTTY: those set the stream up,
 * which costs a few ms in runs that never use it. node:tty is fetched on
 * first use, so start-up does not load it.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  return process.getBuiltinModule('node:tty').isatty(fd);
}
