/**
 * robo doctor's core: gather the facts (files, git, the scheduler, one
 * `git ls-remote` with a short limit, a plan of the config that writes
 * nothing), then run the pure checks of checks.ts on them. Returns the
 * checks; the command layer prints them.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { listBackups } from '../aws-config/backups.js';
import { syncAwsConfig } from '../aws-config/sync.js';
import { RoboError, messageOf } from '../errors.js';
import { markedLine } from '../marked-lines.js';
import { expandHome, resolvePaths, tilde } from '../paths.js';
import { nightlyStatus } from '../nightly/status.js';
import { findOnPath, runTool } from '../nightly/system.js';
import { askRemote } from '../source/source.js';
import { gitVersion as askGitVersion } from '../system/git.js';
import { readStatus } from '../status.js';
import { RC_MARKER, rcFileFor, rcTeam } from '../shell-rc.js';
import * as checks from './checks.js';
import type { Check, DriftFacts, RemoteFacts, SsoTokenFacts } from './checks.js';
import type { Login } from '../plan/block.js';

/** Doctor asks the remote with a shorter limit than a sync: it is a look, not a fetch. */
export const DOCTOR_REMOTE_TIMEOUT_MS = 10_000;

export interface DoctorOptions {
  team?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  /** The version of node running robo (process.version). */
  nodeVersion: string;
}

export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const { env, now } = options;
  const paths = resolvePaths(env);
  const status = await readStatus({ team: options.team, env, cwd: options.cwd });
  const { spec } = status.source;
  const configFile = tilde(status.config.path, env);
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE
    ? path.resolve(expandHome(env.AWS_SHARED_CREDENTIALS_FILE, paths.home))
    : path.join(paths.home, '.aws', 'credentials');
  const rc = rcFileFor(env);
  const login = checks.loginOfBlock(status.config.content, status.config.block);
  const loginTool = login.kind === 'sso' ? 'aws' : 'aws-okta';
  const tokenFile = login.kind === 'sso' ? ssoTokenFile(paths.home, login.session) : '';
  const [gitVersion, rcText, nightly, backups, credentials, toolVersion, token, remote] = await Promise.all([
    askGitVersion(env),
    readFile(rc.file, 'latin1').catch(() => ''),
    nightlyStatus({ env, now }).catch(() => undefined),
    listBackups(env).catch(() => undefined),
    readFile(credentialsPath).catch(() => undefined),
    findOnPath(loginTool, env)
      ? runTool(loginTool, login.kind === 'sso' ? ['--version'] : ['version'], env).then(
          (result) => result.stdout || result.stderr,
        )
      : Promise.resolve(undefined),
    login.kind === 'sso' ? readSsoToken(tokenFile) : Promise.resolve(undefined),
    spec.kind === 'git' ? askRemoteBriefly(spec, paths.cacheDir, env) : Promise.resolve(undefined),
  ]);
  const block = status.config.block;
  const blockTeam = block.kind === 'found' ? block.team : undefined;
  const aboutTeam =
    status.team.origin === 'config'
      ? { team: undefined, origin: 'none' }
      : { team: status.team.team, origin: status.team.teamOrigin };
  const installed = nightly?.installed[0];
  const robos = block.kind === 'found' ? block.profiles : [];
  const credentialNames = checks.credentialProfiles(credentials);
  const list: Check[] = [
    checks.checkNode(options.nodeVersion),
    checks.checkGit(gitVersion),
    checks.checkTeam({
      ...aboutTeam,
      block: { team: blockTeam, where: configFile },
      settings: { team: status.settings.user.team, where: tilde(status.settings.file, env) },
      rc: { team: rcTeam(markedLine(rcText, RC_MARKER)), where: tilde(rc.file, env) },
      nightly: installed && { team: installed.team, scheduler: installed.scheduler },
    }),
    checks.checkSource(spec.kind, status.source.description),
  ];
  if (spec.kind === 'git') list.push(checks.checkRemote(remote ?? { kind: 'no-clone' }, status.cache, now));
  const parse = checks.checkConfigParse(configFile, status.config.content);
  list.push(parse);
  if (status.config.exists) list.push(checks.checkMarkers(configFile, block));
  list.push(checks.checkDrift(await drift(aboutTeam, parse, block.kind === 'broken', remote, options)));
  list.push(checks.checkShadows(tilde(credentialsPath, env), credentialNames, robos));
  list.push(
    checks.checkProfileVariables(env, new Set([...checks.configProfiles(status.config.content), ...credentialNames])),
  );
  list.push(...loginChecks(login, findOnPath(loginTool, env), toolVersion, token, tilde(tokenFile, env), now));
  list.push(
    checks.checkNightly(
      installed && `${installed.scheduler}, team ${installed.team ?? '(none)'}`,
      nightly?.lastRun,
      now,
    ),
  );
  if (backups)
    list.push(
      checks.checkBackups(
        backups.backups.length,
        backups.backups.reduce((sum, backup) => sum + backup.size, 0),
        tilde(backups.dir, env),
      ),
    );
  return list;
}

/** aws-okta on PATH; or, for an sso-session, the AWS CLI v2 and the session's cached token. */
function loginChecks(
  login: Login,
  found: string | undefined,
  version: string | undefined,
  token: SsoTokenFacts | undefined,
  tokenFile: string,
  now: Date,
): Check[] {
  if (login.kind === 'okta') return [checks.checkLoginTool(found, version)];
  return [
    checks.checkAwsCli(found, version, login.session),
    checks.checkSsoToken(login.session, tokenFile, token ?? { kind: 'missing' }, now),
  ];
}

/** Where `aws sso login --sso-session NAME` caches the token: botocore's SSOTokenLoader names it by the sha1 of NAME. */
export function ssoTokenFile(home: string, session: string): string {
  return path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(session).digest('hex')}.json`);
}

async function readSsoToken(file: string): Promise<SsoTokenFacts> {
  let text: string;
  try {
    // A fifo would hang the read and a link to something huge would be read whole: a token is a small file.
    const found = await stat(file);
    if (!found.isFile()) return { kind: 'unreadable', reason: 'not a regular file' };
    if (found.size > MAX_TOKEN_BYTES) return { kind: 'unreadable', reason: `over ${MAX_TOKEN_BYTES / 1024} KiB` };
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: messageOf(error) };
  }
  let token: unknown;
  try {
    token = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  if (typeof token !== 'object' || token === null || Array.isArray(token))
    return { kind: 'unreadable', reason: 'not a JSON object' };
  const field = (key: string) => {
    const value = (token as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    kind: 'found',
    expiresAt: field('expiresAt'),
    refreshToken: field('refreshToken') !== undefined,
    registrationExpiresAt: field('registrationExpiresAt'),
  };
}

/** The AWS CLI's token files are well under 10 KiB. */
const MAX_TOKEN_BYTES = 64 * 1024;

async function askRemoteBriefly(
  spec: Parameters<typeof askRemote>[0],
  cacheDir: string,
  env: NodeJS.ProcessEnv,
): Promise<RemoteFacts> {
  const timeout = { ms: DOCTOR_REMOTE_TIMEOUT_MS, origin: 'default' as const, settingsFile: '' };
  const answer = await askRemote(spec, { cacheDir, env, timeout }).catch((error: unknown) => ({
    dir: '',
    remote: { status: 'rejected' as const, reason: error },
  }));
  if (!answer) return { kind: 'no-clone' };
  if (answer.remote.status === 'fulfilled') return { kind: 'commit', commit: answer.remote.value.commit };
  return { kind: 'error', reason: messageOf(answer.remote.reason).split('\n')[0] ?? 'no answer' };
}

/** Plan the config as aws.config --dry-run would; nothing is written to it. */
async function drift(
  { team, origin: teamOrigin }: { team: string | undefined; origin: string },
  parse: Check,
  broken: boolean,
  remote: RemoteFacts | undefined,
  options: DoctorOptions,
): Promise<DriftFacts> {
  if (team === undefined) return { kind: 'skipped', reason: 'no team' };
  if (parse.status === 'fail' || broken) return { kind: 'skipped', reason: 'the config cannot be read as it is' };
  if (remote?.kind === 'error') return { kind: 'skipped', reason: 'the source did not answer' };
  try {
    const result = await syncAwsConfig({ team, teamOrigin, dryRun: true, env: options.env, cwd: options.cwd });
    return result.changed ? { kind: 'changed' } : { kind: 'same' };
  } catch (error) {
    if (error instanceof RoboError) return { kind: 'error', reason: error.message };
    throw error;
  }
}
