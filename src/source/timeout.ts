/**
 * How long git may wait for the dotfiles remote: $ROBO_DOTFILES_TIMEOUT, then
 * [dotfiles] timeout, then 30 s; a limit on silence, not on the transfer
 * (runGitRemote). Then the remote counts as offline. Pure.
 */
import { parseDuration, type DurationRule } from '../duration.js';
import { UsageError } from '../errors.js';

export const TIMEOUT_VARIABLE = 'ROBO_DOTFILES_TIMEOUT';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface NetworkTimeout {
  /** How long git may go without a word from the remote; undefined: no limit (0 or off). */
  ms: number | undefined;
  /** Where it was set, for messages. */
  origin: 'default' | '$ROBO_DOTFILES_TIMEOUT' | 'settings';
  /** robo's settings file, where a lasting change goes. */
  settingsFile: string;
}

/**
 * How the limit is written (duration.ts): a bare number is seconds, `0` and
 * `off` turn it off, and it is at most a day (setTimeout cannot wait longer
 * than ~24.8 days; nobody means more than a day).
 */
export const TIMEOUT_DURATION: DurationRule = {
  format: 'a duration such as 30s, 2m, 1m30s or 500ms (a bare number is seconds; 0 or off means no limit), at most 24h',
  bareSeconds: true,
  off: true,
  max: { ms: 24 * 60 * 60 * 1000, text: '24h' },
};

/** The timeout in force: $ROBO_DOTFILES_TIMEOUT, then the settings' [dotfiles] timeout (already checked), then 30 s. */
export function resolveTimeout(
  env: NodeJS.ProcessEnv,
  settings: { file: string; dotfiles: { timeout?: string } },
): NetworkTimeout {
  const fromEnv = env[TIMEOUT_VARIABLE];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const parsed = parseDuration(fromEnv, TIMEOUT_DURATION);
    if ('problem' in parsed) throw new UsageError(`$${TIMEOUT_VARIABLE}: ${parsed.problem}`);
    return { ms: parsed.ms, origin: '$ROBO_DOTFILES_TIMEOUT', settingsFile: settings.file };
  }
  const fromSettings = settings.dotfiles.timeout;
  if (fromSettings !== undefined) {
    const parsed = parseDuration(fromSettings, TIMEOUT_DURATION);
    // readSettings refuses a bad value; this only guards a Settings made elsewhere.
    if ('problem' in parsed) throw new UsageError(`${settings.file}: [dotfiles] timeout: ${parsed.problem}`);
    return { ms: parsed.ms, origin: 'settings', settingsFile: settings.file };
  }
  return { ms: DEFAULT_TIMEOUT_MS, origin: 'default', settingsFile: settings.file };
}

/** 30000 → "30 s", 500 → "0.5 s", 90000 → "90 s": as the messages say it. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The line under a timeout error: where the limit came from, and how to change it. */
export function timeoutAdvice(timeout: NetworkTimeout): string {
  const limit = timeout.ms === undefined ? 'off' : seconds(timeout.ms);
  const from = {
    default: 'the default',
    $ROBO_DOTFILES_TIMEOUT: `from $${TIMEOUT_VARIABLE}`,
    settings: `from timeout under [dotfiles] in ${timeout.settingsFile}`,
  }[timeout.origin];
  return `the limit is ${limit} (${from}); to wait longer, set ${TIMEOUT_VARIABLE}=2m, or "timeout = 2m" under [dotfiles] in ${timeout.settingsFile} (0 or off: no limit)`;
}
