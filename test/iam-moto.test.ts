/**
 * Issue #14 part 5: a real reader of the generated IAM documents. moto (the
 * Python AWS mock) runs as a server on 127.0.0.1; test/helpers/moto_iam.py
 * creates, from the Terraform JSON robo wrote for the bundled example, the
 * SAML provider, every role with its trust, inline policy and managed policy
 * attachment (moto checks IAM's policy grammar), then AssumeRoleWithSAML into
 * a hub role and AssumeRole into one of its spoke roles with the credentials
 * it returned. AWS credentials and config files point at temp files: never
 * the real ~/.aws.
 *
 * Issue #15, the sso form (examples/sso): the same for every spoke role, its
 * ArnLike trust included; the hub role is made as IAM Identity Center makes
 * it (AWSReservedSSO_platform_<16 hex> under /aws-reserved/sso.amazonaws.com/),
 * with the permission set's policy from identity-center.tf.json as its inline
 * policy, then AssumeRole into it and from it into the spoke. What this
 * proves: IAM's grammar (as moto has it) takes every generated document of
 * both forms, and the names line up (the role path and name, the ARNs
 * aws.config writes). What it does not: moto enforces neither trust nor
 * identity policies on AssumeRole, so that the trust admits exactly the
 * permission sets' roles rests on the ArnLike reading of the property test
 * (test/iam-properties.test.ts), and the check here that the trust moto
 * stored matches this hub role's ARN under that reading.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arnLike } from './helpers/arn-like.js';
import { python } from './helpers/botocore.js';
import { sharedMoto } from './helpers/moto.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

// Okta → hub role → spoke role, and Identity Center's role (as it names it in us-east-1, examples/sso's
// sso.region: no region in the path) → the same spoke role.
const HUB = 'arn:aws:iam::100000000001:role/platform';
const SSO_HUB =
  'arn:aws:iam::100000000001:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_platform_0123456789abcdef';
const SPOKE = 'arn:aws:iam::200000000004:role/deploy/platform-deploy';

let box: Sandbox;
/** What moto_iam.py reported for the example's Terraform, and for examples/sso's. */
let report: Record<string, unknown>;
let ssoReport: Record<string, unknown>;

beforeAll(async () => {
  box = makeSandbox();
  // moto starts (in the first file of the run that asks) while robo writes the Terraform.
  const moto = sharedMoto();
  moto.catch(() => undefined); // awaited below; a failed robo run must not leave it unhandled
  const out = path.join(box.root, 'out');
  const ssoOut = path.join(box.root, 'sso-out');
  for (const [repo, dir] of [
    [projectRoot, out],
    [path.join(projectRoot, 'examples', 'sso'), ssoOut],
  ] as const) {
    const run = await runRobo(['iam.terraform', '--repo', repo, '--out', dir], { env: box.env });
    if (run.code !== 0) throw new Error(`iam.terraform failed: ${run.stderr}`);
  }
  const reports = applyToMoto(await moto, [
    [out, HUB, SPOKE],
    [ssoOut, SSO_HUB, SPOKE],
  ]);
  [report, ssoReport] = [reports[0]!, reports[1]!];
}, 90_000);

afterAll(() => {
  box?.cleanup();
});

/**
 * Apply each folder of robo's Terraform to a fresh IAM (both examples share account ids), then hub → spoke:
 * one python for all of them (importing boto3 is most of a run's CPU).
 */
function applyToMoto(endpoint: string, folders: Array<[dir: string, hub: string, spoke: string]>) {
  const aws = path.join(box.root, 'aws');
  mkdirSync(aws, { recursive: true });
  writeFileSync(path.join(aws, 'config'), '[default]\nregion = us-east-1\n');
  writeFileSync(
    path.join(aws, 'credentials'),
    '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
  );
  const result = spawnSync(
    python(),
    [path.join(import.meta.dirname, 'helpers', 'moto_iam.py'), endpoint, ...folders.flat()],
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
  if (result.status !== 0 || result.stderr !== '')
    throw new Error(`moto_iam.py failed (${String(result.status)}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Array<Record<string, unknown>>;
}

describe('the generated IAM, read by moto', () => {
  it('creates every role and policy of the example, then Okta → hub role → spoke role', () => {
    expect(report.roles).toBeGreaterThan(20);
    expect(report.inline).toBeGreaterThan(5);
    expect(report.attached).toBeGreaterThan(10);
    expect(report.brokenRefused).toMatch(/MalformedPolicyDocument/);
    expect(report.hubIdentity).toMatch(/^arn:aws:sts::100000000001:assumed-role\/platform\//);
    expect(report.spokeIdentity).toMatch(/^arn:aws:sts::200000000004:assumed-role\/platform-deploy\/engineer$/);
    expect(report.spokeRole).toBe(SPOKE);
  });

  it('creates every spoke role and policy of examples/sso, then Identity Center’s role → spoke role', () => {
    const report = ssoReport;
    expect(report.roles).toBeGreaterThan(20);
    expect(report.attached).toBeGreaterThan(20);
    expect(report.inline).toBe(0); // no hub role, so no robo-assume-spoke-roles; examples/sso has no inline files
    expect(report.brokenRefused).toMatch(/MalformedPolicyDocument/);
    const policy = report.permissionSetPolicy as { Statement: Array<{ Action: string; Resource: string[] }> };
    expect(policy.Statement[0]!.Action).toBe('sts:AssumeRole');
    expect(policy.Statement[0]!.Resource).toContain(SPOKE);
    // The trust moto stored, read as IAM's ArnLike reads it: this role passes, its namesakes do not.
    const trust = report.spokeTrust as {
      Statement: Array<{ Principal: { AWS: string }; Condition: { ArnLike: { 'aws:PrincipalArn': string[] } } }>;
    };
    expect(trust.Statement.map((statement) => statement.Principal.AWS)).toEqual(['arn:aws:iam::100000000001:root']);
    const patterns = trust.Statement.flatMap((statement) => statement.Condition.ArnLike['aws:PrincipalArn']);
    expect(patterns.some((pattern) => arnLike(SSO_HUB, pattern))).toBe(true);
    expect(patterns.some((pattern) => arnLike(SSO_HUB.replace('_platform_', '_growth_'), pattern))).toBe(false);
    expect(report.hubIdentity).toBe(
      'arn:aws:sts::100000000001:assumed-role/AWSReservedSSO_platform_0123456789abcdef/engineer@example.com',
    );
    expect(report.spokeIdentity).toMatch(/^arn:aws:sts::200000000004:assumed-role\/platform-deploy\/engineer$/);
    expect(report.spokeRole).toBe(SPOKE);
  });
});
