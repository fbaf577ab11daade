/**
 * robo doctor for a config whose block signs in through IAM Identity Center
 * (issue #15 part 3): instead of aws-okta it checks the AWS CLI v2 and the
 * session's cached token in ~/.aws/sso/cache, real files in a sandbox HOME.
 * A fake `aws` first on PATH says which CLI version is installed.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRobo } from './helpers/robo.js';
import { schedulerBoxes, type SchedulerBox } from './helpers/schedulers.js';

const box = schedulerBoxes();

const SSO_BLOCK = `# >>> robo aws.config - team platform - generated, local edits are overwritten
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile hub]
sso_session = acme
sso_account_id = 100000000001
sso_role_name = platform
region = us-west-2

[profile prod]
role_arn = arn:aws:iam::200000000004:role/platform-deploy
source_profile = hub
region = us-west-2
# <<< robo aws.config
`;

interface DoctorJson {
  checks: Array<{ name: string; status: string; message: string; fix: string | null }>;
}

function ssoBox(awsVersion: string | undefined): SchedulerBox {
  const sandbox = box({ SEGMENT_TEAM: 'platform' });
  mkdirSync(path.join(sandbox.home, '.aws'), { recursive: true });
  writeFileSync(path.join(sandbox.home, '.aws', 'config'), SSO_BLOCK);
  // The sandbox PATH keeps the machine's folders, where the AWS CLI v1 may be: a fake aws comes first.
  const aws = path.join(sandbox.root, 'bin', 'aws');
  if (awsVersion) writeFileSync(aws, `#!/bin/sh\necho '${awsVersion}'\n`, { mode: 0o755 });
  else writeFileSync(aws, '', { mode: 0o644 }); // not executable: not found, and it hides any later aws
  return sandbox;
}

const tokenPath = (sandbox: SchedulerBox) =>
  path.join(sandbox.home, '.aws', 'sso', 'cache', `${createHash('sha1').update('acme').digest('hex')}.json`);

function writeToken(sandbox: SchedulerBox, token: Record<string, string>): void {
  mkdirSync(path.dirname(tokenPath(sandbox)), { recursive: true });
  writeFileSync(tokenPath(sandbox), JSON.stringify(token));
}

function mkfifo(file: string): void {
  rmSync(file);
  execFileSync('mkfifo', [file]);
}

async function loginChecks(sandbox: SchedulerBox) {
  const run = await runRobo(['doctor', '--json'], { env: sandbox.env });
  const { checks } = JSON.parse(run.stdout) as DoctorJson;
  return { code: run.code, checks: checks.filter((check) => /^aws-|sso-/.test(check.name)) };
}

describe('robo doctor with an sso-session block', () => {
  it.each([
    ['null', (file: string) => writeFileSync(file, 'null'), 'not a JSON object'],
    ['a JSON list', (file: string) => writeFileSync(file, '[]'), 'not a JSON object'],
    ['broken JSON', (file: string) => writeFileSync(file, '{'), 'not JSON'],
    ['a named pipe, which a read would wait on forever', (file: string) => mkfifo(file), 'not a regular file'],
    ['over 64 KiB', (file: string) => writeFileSync(file, ' '.repeat(65 * 1024)), 'over 64 KiB'],
  ])('a token file that is %s: ✖ saying why it cannot be read, and how to sign in again', async (_, make, reason) => {
    const sandbox = ssoBox('aws-cli/2.17.0 Python/3.11.9 Linux/6.1 exe/x86_64');
    writeToken(sandbox, {});
    make(tokenPath(sandbox));
    const { code, checks } = await loginChecks(sandbox);
    expect(code).toBe(10);
    expect(checks.find((check) => check.name === 'sso-token')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(`cannot be read: ${reason}`),
      fix: 'aws sso login --sso-session acme',
    });
  });

  it('AWS CLI v2 and an unexpired token: ✔ both, no aws-okta check', async () => {
    const sandbox = ssoBox('aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64');
    writeToken(sandbox, {
      startUrl: 'https://acme.awsapps.com/start',
      region: 'us-east-1',
      accessToken: 't',
      expiresAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
    });
    const { checks } = await loginChecks(sandbox);
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ['aws-profile', 'ok'],
      ['aws-cli', 'ok'],
      ['sso-token', 'ok'],
    ]);
    expect(checks[1]!.message).toMatch(/\(aws-cli\/2\.15\.30\)$/);
    expect(checks[2]!.message).toMatch(/^sso-session acme: token valid for (2|3) hours$/);
  });

  it('an expired token: ✖ with aws sso login --sso-session NAME, exit 10; AWS CLI v1: ⚠ it cannot log in', async () => {
    const sandbox = ssoBox('aws-cli/1.45.11 Python/3.11.7 Linux/6.18 botocore/1.43.11');
    writeToken(sandbox, { accessToken: 't', expiresAt: '2026-01-01T00:00:00Z' });
    const { code, checks } = await loginChecks(sandbox);
    expect(code).toBe(10);
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
    expect(byName['aws-cli']).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/aws-cli\/1\.45\.11: aws sso login needs the AWS CLI v2/),
    });
    expect(byName['sso-token']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^the token for sso-session acme expired .* ago$/),
      fix: 'aws sso login --sso-session acme',
    });
  });

  it('no token and no AWS CLI: ✖ no token, ⚠ install the AWS CLI v2', async () => {
    const sandbox = ssoBox(undefined);
    const { checks } = await loginChecks(sandbox);
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
    expect(byName['aws-cli']).toMatchObject({ status: 'warn', fix: expect.stringMatching(/install the AWS CLI v2/) });
    expect(byName['sso-token']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^no token for sso-session acme in ~\/\.aws\/sso\/cache\/[0-9a-f]{40}\.json$/),
      fix: 'aws sso login --sso-session acme',
    });
    expect(byName['aws-okta']).toBeUndefined();
  });
});
