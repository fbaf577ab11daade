/**
 * Issue #14 part 5: a real reader of the generated IAM documents. moto (the
 * Python AWS mock) runs as a server on 127.0.0.1; test/helpers/moto_iam.py
 * creates, from the Terraform JSON robo wrote for the bundled example, the
 * SAML provider, every role with its trust, inline policy and managed policy
 * attachment (moto checks IAM's policy grammar), then AssumeRoleWithSAML into
 * a hub role and AssumeRole into one of its spoke roles with the credentials
 * it returned. AWS credentials and config files point at temp files: never
 * the real ~/.aws.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { python } from './helpers/botocore.js';
import { startMoto, type Moto } from './helpers/moto.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let moto: Moto | undefined;
let endpoint = '';
let box: Sandbox;
let out = '';

beforeAll(async () => {
  box = makeSandbox();
  // The Terraform first: moto is given the AWS managed policies it attaches (moto_server.py says why).
  out = path.join(box.root, 'out');
  const run = await runRobo(['iam.terraform', '--repo', projectRoot, '--out', out], { env: box.env });
  if (run.code !== 0) throw new Error(`iam.terraform failed: ${run.stderr}`);
  moto = await startMoto(box.env, policyNames(out));
  endpoint = moto.endpoint;
}, 60_000);

/** The names of the managed policies the generated files attach. */
function policyNames(dir: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(dir))
    for (const match of readFileSync(path.join(dir, file), 'utf8').matchAll(/"policy_arn": "arn:[^"]*\/([^/"]+)"/g))
      names.add(match[1]!);
  return [...names].sort();
}

afterAll(async () => {
  await moto?.stop();
  box?.cleanup();
});

describe('the generated IAM, read by moto', () => {
  it('creates every role and policy of the example, then Okta → hub role → spoke role', () => {
    const aws = path.join(box.root, 'aws');
    mkdirSync(aws);
    writeFileSync(path.join(aws, 'config'), '[default]\nregion = us-east-1\n');
    writeFileSync(
      path.join(aws, 'credentials'),
      '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
    );
    const hub = 'arn:aws:iam::100000000001:role/platform';
    const spoke = 'arn:aws:iam::200000000004:role/deploy/platform-deploy';
    const result = spawnSync(
      python(),
      [path.join(import.meta.dirname, 'helpers', 'moto_iam.py'), endpoint, out, hub, spoke],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...box.env,
          AWS_CONFIG_FILE: path.join(aws, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(aws, 'credentials'),
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report.roles).toBeGreaterThan(20);
    expect(report.inline).toBeGreaterThan(5);
    expect(report.attached).toBeGreaterThan(10);
    expect(report.brokenRefused).toMatch(/MalformedPolicyDocument/);
    expect(report.hubIdentity).toMatch(/^arn:aws:sts::100000000001:assumed-role\/platform\//);
    expect(report.spokeIdentity).toMatch(/^arn:aws:sts::200000000004:assumed-role\/platform-deploy\/engineer$/);
    expect(report.spokeRole).toBe(spoke);
  }, 90_000);
});
