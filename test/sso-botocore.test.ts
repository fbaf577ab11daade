/**
 * Issue #15 part 4: the config robo writes for the sso example
 * (examples/sso, team platform) carries a person from the SSO session
 * through the hub to a spoke, read by the real AWS CLI (botocore).
 * The sandbox HOME holds an unexpired token for the session, as
 * `aws sso login` leaves it; a loopback stub answers the portal's
 * GetRoleCredentials (test/helpers/sso-portal.ts) and moto's server answers
 * STS. `aws sts get-caller-identity --profile <spoke>` must then print the
 * spoke role's assumed-role ARN. Config, credentials and caches are temp
 * files: never the real ~/.aws.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsExecutable } from './helpers/botocore.js';
import { sharedMoto } from './helpers/moto.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { startSsoPortal, type SsoPortal } from './helpers/sso-portal.js';

// The bundled sso example (examples/sso): its session, its hub account, team platform's permission set.
const SESSION = 'robo-example';
const START_URL = 'https://robo-example.awsapps.com/start';
const HUB_ACCOUNT = '100000000001';
const PERMISSION_SET = 'platform';
const TOKEN = 'sso-access-token-from-aws-sso-login';

let box: Sandbox;
let portal: SsoPortal | undefined;
let sts = '';

beforeAll(async () => {
  box = makeSandbox();
  // moto starts (in the first file of the run that asks) while robo writes the config.
  const moto = sharedMoto();
  moto.catch(() => undefined); // awaited below; a failed robo run must not leave it unhandled
  // The config under test is the one robo writes for team platform of the sso example.
  const run = await runRobo(['aws.config', '--team', 'platform', '--repo', path.join(projectRoot, 'examples', 'sso')], {
    env: box.env,
  });
  if (run.code !== 0) throw new Error(`aws.config failed: ${run.stderr}`);
  portal = await startSsoPortal({
    token: TOKEN,
    accountId: HUB_ACCOUNT,
    roleName: PERMISSION_SET,
    credentials: { accessKeyId: 'ASIAHUBFROMSSO', secretAccessKey: 'hub-secret', sessionToken: 'hub-session' },
    expiration: Date.now() + 3_600_000,
  });
  sts = await moto;
}, 60_000);

afterAll(async () => {
  await portal?.close();
  box?.cleanup();
});

/** What `aws sso login --sso-session NAME` leaves: ~/.aws/sso/cache/<sha1 of the session name>.json. */
function writeToken(home: string, expiresAt: Date): void {
  const cache = path.join(home, '.aws', 'sso', 'cache');
  mkdirSync(cache, { recursive: true });
  const key = createHash('sha1').update(SESSION).digest('hex');
  writeFileSync(
    path.join(cache, `${key}.json`),
    JSON.stringify({
      startUrl: START_URL,
      region: 'us-east-1',
      accessToken: TOKEN,
      expiresAt: expiresAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      clientId: 'client-id',
      clientSecret: 'client-secret',
      registrationExpiresAt: new Date(expiresAt.getTime() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      refreshToken: 'refresh-token',
    }),
  );
}

/** The AWS CLI, run without blocking: the portal stub answers from this process. */
function awsCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const options = {
    encoding: 'utf8' as const,
    timeout: 60_000,
    env: {
      ...box.env,
      AWS_CONFIG_FILE: box.awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: path.join(box.root, 'no-credentials'),
      AWS_ENDPOINT_URL_SSO: portal!.endpoint,
      AWS_ENDPOINT_URL_STS: sts,
      // botocore refreshes a token near its end at the OIDC service: that too stays on loopback.
      AWS_ENDPOINT_URL_SSO_OIDC: portal!.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  };
  return new Promise((resolve) => {
    execFile(awsExecutable(), args, options, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('the sso form, read by the AWS CLI', () => {
  it('session token → portal (hub account, permission set) → STS AssumeRole → spoke', async () => {
    // The token is valid for hours: botocore would try to refresh one that ends within 15 minutes.
    writeToken(box.home, new Date(Date.now() + 8 * 3_600_000));
    const result = await awsCli(['sts', 'get-caller-identity', '--profile', 'prod-deploy', '--output', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const identity = JSON.parse(result.stdout) as { Arn: string; Account: string };
    expect(identity.Arn).toMatch(/^arn:aws:sts::200000000004:assumed-role\/platform-deploy\/[^/]+$/);
    expect(identity.Account).toBe('200000000004');
    expect(portal!.requests).toEqual([`${PERMISSION_SET}@${HUB_ACCOUNT}`]);
  }, 90_000);

  it('an expired token stops at the session: the CLI asks for a new login and the portal is not asked', async () => {
    const before = portal!.requests.length;
    writeToken(box.home, new Date(Date.now() - 60_000));
    // The CLI keeps the credentials of the first test in ~/.aws/cli/cache until they expire.
    rmSync(path.join(box.home, '.aws', 'cli', 'cache'), { recursive: true, force: true });
    // No refresh either: the stub has no OIDC CreateToken, so botocore's attempt to refresh fails.
    const result = await awsCli(['sts', 'get-caller-identity', '--profile', 'prod-deploy']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/sso/i);
    expect(portal!.requests.slice(before)).toEqual(['unknown POST /token']);
  }, 90_000);
});
