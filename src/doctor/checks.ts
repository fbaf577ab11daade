/**
 * robo doctor's checks, each a pure function of facts gathered elsewhere
 * (doctor/doctor.ts): facts in, one line out, with the fix for a problem.
 * ✔ ok, ⚠ warn (robo works, but something is off), ✖ fail (something a
 * person must fix: doctor exits ExitCode.doctorFailed).
 */
import { BotocoreLines, botocoreProfile } from '../plan/config-readers.js';
import { loginOf, type BlockInfo, type Login } from '../plan/block.js';
import { age, size } from '../commands/format.js';
import type { LogEntry } from '../nightly/log.js';
import { notATeamName, TEAM_NAME } from '../definitions/model.js';
import { teamDisagreement, type TeamPlaces } from '../team-places.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

const ok = (name: string, message: string): Check => ({ name, status: 'ok', message });
const warn = (name: string, message: string, fix: string): Check => ({ name, status: 'warn', message, fix });
const fail = (name: string, message: string, fix: string): Check => ({ name, status: 'fail', message, fix });

/** Node >= 20.19 (robo's engines field): `version` as process.version gives it. */
export function checkNode(version: string): Check {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > 20 || (major === 20 && minor >= 19)) return ok('node', `node ${version}`);
  return fail(
    'node',
    `node ${version} is older than 20.19, which robo needs`,
    'install Node.js 20.19 or newer (e.g. the current LTS)',
  );
}

/** `git --version`'s output, or undefined when git could not be started. */
export function checkGit(output: string | undefined): Check {
  if (output === undefined)
    return fail(
      'git',
      'git is not installed or not on PATH',
      'install git (robo clones and fetches the dotfiles source with it)',
    );
  return ok('git', output.trim());
}

type Place = { team: string | undefined; where: string };

/**
 * The team, where it came from, and whether every place that names it agrees,
 * in aws.config's words (team-places.ts); any disagreement is a warn here,
 * a block of another team too. `team` undefined: no team at all.
 */
export function checkTeam(
  places: Omit<TeamPlaces, 'team' | 'block' | 'settings'> & { team: string | undefined; block: Place; settings: Place },
): Check {
  const { team, block } = places;
  if (team === undefined) {
    const hint = block.team ? ` (${block.where} was last written for team ${block.team})` : '';
    return fail(
      'team',
      `no team: no --team, $SEGMENT_TEAM or team in ${places.settings.where}${hint}`,
      `robo onboard --team ${block.team ?? 'TEAM'}`,
    );
  }
  if (!TEAM_NAME.test(team))
    return fail('team', `${places.origin}: ${notATeamName(team)}`, `robo onboard --team ${block.team ?? 'TEAM'}`);
  const disagreement = teamDisagreement({ ...places, team });
  if (disagreement) return warn('team', disagreement.message, disagreement.fix);
  return ok('team', `team ${team} (from ${places.origin})`);
}

/** The source robo uses; the bundled example is only for trying robo out. */
export function checkSource(kind: 'embedded' | 'path' | 'git', description: string): Check {
  if (kind === 'embedded')
    return warn(
      'source',
      `no dotfiles repo configured: using ${description}`,
      "robo onboard --repo URL (your company's dotfiles repo)",
    );
  return ok('source', description);
}

export type RemoteFacts = { kind: 'commit'; commit: string } | { kind: 'error'; reason: string } | { kind: 'no-clone' };

/** A git source: whether the remote answers (within doctor's limit), and whether the cached clone is behind it. */
export function checkRemote(
  remote: RemoteFacts,
  cache: { commit: string; commitDate: Date } | undefined,
  now: Date,
): Check {
  const cached = cache
    ? `cached clone at ${cache.commit.slice(0, 12)}, committed ${age(cache.commitDate, now)} ago`
    : 'no cached clone';
  if (remote.kind === 'no-clone')
    return warn('remote', 'no cached clone of the source yet, so it was not asked', 'robo aws.config clones it');
  if (remote.kind === 'error') {
    const message = `the source did not answer: ${remote.reason} (${cached})`;
    return cache
      ? warn('remote', message, 'robo keeps using the cached clone; check the network, VPN or your git credentials')
      : fail('remote', message, 'check the URL, the network and your git credentials');
  }
  if (cache && cache.commit !== remote.commit)
    return warn(
      'remote',
      `the source is at ${remote.commit.slice(0, 12)}, ${cached}: robo.yml and the profiles may be behind`,
      'robo aws.config',
    );
  return ok('remote', `reachable, at ${remote.commit.slice(0, 12)}; ${cached}`);
}

/** The config as botocore reads it: lines it cannot parse, and sections twice (botocore refuses the whole file). */
export function checkConfigParse(file: string, content: Buffer | undefined): Check {
  if (content === undefined) return warn('config', `${file} does not exist`, 'robo aws.config writes it');
  const lines = new BotocoreLines(content.toString('latin1'));
  const lineNumber = (index: number) => index + 1;
  const unparsable = Array.from({ length: lines.count }, (_, index) => lines.kind(index)).indexOf('unparsable');
  if (unparsable !== -1)
    return fail(
      'config',
      `${file}: line ${lineNumber(unparsable)} is not a header, a setting or a comment: botocore refuses the file`,
      'edit that line by hand (robo aws.backups lists the copies robo made)',
    );
  const seen = new Map<string, number>();
  for (const [index, section] of lines.sections) {
    const first = seen.get(section);
    if (first !== undefined) {
      return fail(
        'config',
        `${file}: section [${section}] at lines ${lineNumber(first)} and ${lineNumber(index)}: botocore refuses a file with a section twice`,
        'delete or rename one of them by hand',
      );
    }
    seen.set(section, index);
  }
  return ok('config', `${file}: ${seen.size} section(s), botocore can read it`);
}

/** robo's markers: one block, intact. */
export function checkMarkers(file: string, block: BlockInfo): Check {
  if (block.kind === 'broken')
    return fail(
      'markers',
      `${file}: ${block.reason} at line ${block.lines.join(', ')}`,
      'fix or delete the marker lines by hand, or robo aws.config --replace (after a backup)',
    );
  if (block.kind === 'none') return warn('markers', `${file} has no robo block`, 'robo aws.config');
  return ok('markers', `robo's block: team ${block.team ?? '(unknown)'}, ${block.profiles.length} profile(s)`);
}

export type DriftFacts =
  { kind: 'same' } | { kind: 'changed' } | { kind: 'error'; reason: string } | { kind: 'skipped'; reason: string };

/** The config against what the source says now (planned, never written). */
export function checkDrift(drift: DriftFacts): Check {
  switch (drift.kind) {
    case 'same':
      return ok('drift', 'the config is what the source says');
    case 'changed':
      return warn(
        'drift',
        'the config differs from what the source says now',
        'robo aws.config --dry-run shows how; robo aws.config writes it',
      );
    case 'skipped':
      return warn('drift', `not checked: ${drift.reason}`, 'fix the problem above, then run robo doctor again');
    case 'error':
      return fail('drift', drift.reason, 'robo aws.config --dry-run says more');
  }
}

/** Section names of a credentials file (each a profile name as it is). */
export function credentialProfiles(content: Buffer | undefined): string[] {
  if (content === undefined) return [];
  return [...new BotocoreLines(content.toString('latin1')).sections.values()];
}

/** Profiles of the config file (botocore's names). */
export function configProfiles(content: Buffer | undefined): string[] {
  if (content === undefined) return [];
  return [...new BotocoreLines(content.toString('latin1')).sections.values()].flatMap(
    (section) => botocoreProfile(section) ?? [],
  );
}

/** Profiles in the credentials file that have robo's names: their keys win over robo's role settings. */
export function checkShadows(credentialsFile: string, credentials: readonly string[], robos: readonly string[]): Check {
  const shadowed = robos.filter((name) => credentials.includes(name));
  if (shadowed.length === 0) return ok('credentials', `no profile in ${credentialsFile} shadows robo's`);
  return warn(
    'credentials',
    `${credentialsFile} also defines ${shadowed.join(', ')}: its keys are used before robo's role settings`,
    `remove or rename those sections of ${credentialsFile}`,
  );
}

/** AWS_PROFILE and AWS_DEFAULT_PROFILE must name a profile that exists, or every AWS CLI call fails. */
export function checkProfileVariables(env: NodeJS.ProcessEnv, known: ReadonlySet<string>): Check {
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    const value = env[name];
    if (value && !known.has(value))
      return fail(
        'aws-profile',
        `$${name} is ${value}, which is not a profile in your config or credentials`,
        `unset ${name}, or set it to one of robo's profiles (robo status lists them)`,
      );
  }
  const set = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'].filter((name) => env[name]);
  return ok(
    'aws-profile',
    set.length ? set.map((name) => `$${name}=${env[name]}`).join(', ') : 'AWS_PROFILE is not set',
  );
}

/** aws-okta on PATH, with its version. */
export function checkLoginTool(found: string | undefined, version: string | undefined): Check {
  if (!found)
    return warn(
      'aws-okta',
      'aws-okta is not on PATH: robo writes its settings, but you log in with it',
      "install aws-okta (see robo onboard's last lines)",
    );
  return ok('aws-okta', `${found}${version ? ` (${version.trim().split('\n')[0]})` : ''}`);
}

/**
 * The login of robo's block in the config: its `[sso-session NAME]` section,
 * or aws-okta (the only other form; also when there is no block yet). The
 * block is what the person's AWS CLI reads, so doctor checks its login, not
 * the source's, which may be ahead of it (the drift check says so).
 */
export function loginOfBlock(content: Buffer | undefined, block: BlockInfo): Login {
  if (!content || block.kind !== 'found') return { kind: 'okta' };
  return loginOf(content.toString('latin1', block.from, block.to));
}

/** `aws --version` (undefined: no aws on PATH): `aws sso login` needs the AWS CLI v2. */
export function checkAwsCli(found: string | undefined, version: string | undefined, session: string): Check {
  const install = `install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), then aws sso login --sso-session ${session}`;
  if (!found) return warn('aws-cli', 'the AWS CLI is not on PATH: you log in with aws sso login (AWS CLI v2)', install);
  const first = version?.trim().split('\n')[0] ?? '';
  const major = /^aws-cli\/(\d+)\./.exec(first)?.[1];
  if (major === undefined)
    return warn(
      'aws-cli',
      `${found} did not say its version (aws --version): aws sso login needs the AWS CLI v2`,
      install,
    );
  if (Number(major) < 2)
    return warn('aws-cli', `${found} is ${first.split(' ')[0]}: aws sso login needs the AWS CLI v2`, install);
  return ok('aws-cli', `${found} (${first.split(' ')[0]})`);
}

/** What ~/.aws/sso/cache/<sha1 of the session name>.json holds, as doctor/doctor.ts read it. */
export type SsoTokenFacts =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'found'; expiresAt?: string; refreshToken: boolean; registrationExpiresAt?: string };

/** The AWS CLI v2 writes `2026-03-10T12:00:00Z`; older ones wrote `...UTC`. */
function tokenTime(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text.replace(/\s*UTC$/, 'Z'));
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * The session's cached token (`aws sso login` writes it; botocore and the SDKs
 * read it): there and unexpired. An expired one that botocore may still
 * refresh (a refresh token and an unexpired client registration) is a warn.
 */
export function checkSsoToken(session: string, where: string, token: SsoTokenFacts, now: Date): Check {
  const login = `aws sso login --sso-session ${session}`;
  if (token.kind === 'missing') return fail('sso-token', `no token for sso-session ${session} in ${where}`, login);
  if (token.kind === 'unreadable')
    return fail('sso-token', `the token for sso-session ${session} (${where}) cannot be read: ${token.reason}`, login);
  const expires = tokenTime(token.expiresAt);
  if (!expires)
    return fail('sso-token', `the token for sso-session ${session} (${where}) has no readable expiresAt`, login);
  if (expires.getTime() > now.getTime())
    return ok('sso-token', `sso-session ${session}: token valid for ${age(now, expires)}`);
  const ago = `${age(expires, now)} ago`;
  const registration = tokenTime(token.registrationExpiresAt);
  if (token.refreshToken && registration && registration.getTime() > now.getTime())
    return warn('sso-token', `the token for sso-session ${session} expired ${ago}; the AWS CLI may refresh it`, login);
  return fail('sso-token', `the token for sso-session ${session} expired ${ago}`, login);
}

/** The nightly refresh: installed, and what its last run did. */
export function checkNightly(installed: string | undefined, lastRun: LogEntry | undefined, now: Date): Check {
  if (!installed)
    return warn(
      'nightly',
      'the nightly refresh is not installed: your profiles change only when you run robo aws.config',
      'robo nightly install',
    );
  if (!lastRun) return ok('nightly', `installed (${installed}); it has not run yet`);
  const when = `${age(lastRun.time, now)} ago`;
  if (lastRun.result === 'failed')
    return fail(
      'nightly',
      `installed (${installed}); its last run ${when} failed: ${lastRun.reason ?? 'see robo nightly status'}`,
      'robo nightly status; fix what it says, then robo nightly run',
    );
  if (lastRun.result === 'offline')
    return warn(
      'nightly',
      `installed (${installed}); its last run ${when} could not reach the source${lastRun.reason ? `: ${lastRun.reason}` : ''}`,
      'check the network or VPN at night, or run robo aws.config',
    );
  return ok('nightly', `installed (${installed}); last run ${when}: ${lastRun.result}`);
}

export function checkBackups(count: number, bytes: number, dir: string): Check {
  return ok('backups', `${count} backup(s) in ${dir}, ${size(bytes)} (robo aws.backups lists them)`);
}

export const SYMBOL: Record<CheckStatus, string> = { ok: '✔', warn: '⚠', fail: '✖' };
