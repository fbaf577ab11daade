/**
 * Typed errors and the exit codes they map to. Core code throws these; only
 * the CLI's single exit point (cli.ts) turns them into a message and a code.
 * The codes are documented in docs/exit-codes.md: keep both in step.
 */
export const ExitCode = {
  ok: 0,
  /** A bug in robo: an error nobody anticipated. */
  internal: 1,
  /** Bad flags, a missing or unknown team, an invalid value on the command line. */
  usage: 2,
  /** The organisation file or the engineer's own team file is invalid. */
  invalidDefinitions: 3,
  /** The dotfiles source could not be cloned, fetched or read. */
  sourceUnreachable: 4,
  /** The backup or the new config could not be written. */
  writeFailed: 5,
  /** --dry-run: the config differs from what robo would write (a drift check). */
  changesPending: 6,
  /**
   * The config needs a hand edit before robo can merge into it: its robo markers are doubled, unmatched
   * or out of order, or robo's change would alter how the AWS CLI or aws-okta reads your own lines.
   */
  brokenMarkers: 7,
  /** Another robo run held the lock on the config or the source for too long. */
  busy: 8,
  /** Signatures required: the commit is not signed by a signer the settings name, or it does not descend from the last one accepted. */
  untrusted: 9,
  /** robo doctor found a problem (a ✖ line); warnings (⚠) alone exit 0. */
  doctorFailed: 10,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class RoboError extends Error {
  override name = 'RoboError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Extra lines printed under the message, one per line (e.g. each validation error). */
    readonly details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class UsageError extends RoboError {
  override name = 'UsageError';
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.usage, details);
  }
}

/** No team from --team, $SEGMENT_TEAM or the settings (exit 2); the command layer may add where to find one. */
export class NoTeamError extends UsageError {
  override name = 'NoTeamError';
}

export class DefinitionsError extends RoboError {
  override name = 'DefinitionsError';
  constructor(message: string, details: readonly string[]) {
    super(message, ExitCode.invalidDefinitions, details);
  }
}

export class SourceError extends RoboError {
  override name = 'SourceError';
  constructor(message: string, options?: { cause?: unknown; details?: readonly string[] }) {
    super(message, ExitCode.sourceUnreachable, options?.details ?? [], { cause: options?.cause });
  }
}

export class WriteError extends RoboError {
  override name = 'WriteError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.writeFailed, [], options);
  }
}

export class BrokenMarkersError extends RoboError {
  override name = 'BrokenMarkersError';
  constructor(message: string, details: readonly string[]) {
    super(message, ExitCode.brokenMarkers, details);
  }
}

/** Merging would change how a reader sees lines robo keeps for the user (ExitCode.brokenMarkers: same remedy). */
export class UnmergeableConfigError extends RoboError {
  override name = 'UnmergeableConfigError';
  constructor(message: string, details: readonly string[]) {
    super(message, ExitCode.brokenMarkers, details);
  }
}

export class UntrustedError extends RoboError {
  override name = 'UntrustedError';
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.untrusted, details);
  }
}

export class BusyError extends RoboError {
  override name = 'BusyError';
  constructor(message: string) {
    super(message, ExitCode.busy);
  }
}

/**
 * Not a failure of robo's: a result that must end with a particular exit
 * code (--dry-run with changes, a shared task's own exit code).
 */
export class ExitSignal extends RoboError {
  override name = 'ExitSignal';
  constructor(exitCode: number) {
    super('', exitCode as ExitCode);
  }
}

/** The message of anything thrown, for wrapping with context. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
