/**
 * `robo iam.terraform` end to end (in process): on the bundled example, on
 * the bundled IAM Identity Center example (examples/sso) and from a git
 * source; --check exits 6 on drift and writes nothing; robo's stale files go
 * and the user's stay; switching a source from okta to sso; bad definitions
 * and foreign files write nothing.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTree, exampleTree, fileUrl, makeDotfilesRepo, writeTree } from './helpers/git.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { BUNDLED_EXAMPLE } from '../src/commands/iam-terraform.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';
import { terraformJsonProblems } from './helpers/terraform-json.js';

const sandbox = sandboxes();

function readFolder(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]),
  );
}

/** Whether `part` is in `whole`: its keys with equal values, each of its array items in some item of the other. */
function contains(whole: unknown, part: unknown): boolean {
  if (Array.isArray(part))
    return Array.isArray(whole) && part.every((item) => whole.some((other) => contains(other, item)));
  if (typeof part === 'object' && part !== null)
    return (
      typeof whole === 'object' &&
      whole !== null &&
      Object.entries(part).every(([key, value]) => contains((whole as Record<string, unknown>)[key], value))
    );
  return whole === part;
}

/** A first iam.terraform of `repo` into a new folder: it succeeds, creates `created` files, and they are valid Terraform JSON. */
async function firstRun(box: Sandbox, repo: string, created: number) {
  const out = path.join(box.root, 'out');
  const first = await runRobo(['iam.terraform', '--repo', repo, '--out', out], { env: box.env });
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(new RegExp(`${created} created \\(\\d+ roles\\)`));
  const files = readFolder(out);
  expect(terraformJsonProblems(files)).toEqual([]);
  return { out, files };
}

/** docs/iam.md's excerpts in the section from `heading` to `next` are what robo writes: each is part of the file it names. */
function expectDocsExcerpts(files: Map<string, string>, heading: string, next: string, names: string[]): void {
  const docs = readFileSync(path.join(projectRoot, 'docs', 'iam.md'), 'utf8');
  const section = docs.slice(docs.indexOf(heading), docs.indexOf(next));
  const excerpts = [...section.matchAll(/`([a-z0-9-]+\.tf\.json)`[^`]*?```json\n([\s\S]*?)```/g)];
  expect(excerpts.map((match) => match[1])).toEqual(names);
  for (const [, file, excerpt] of excerpts)
    expect(contains(JSON.parse(files.get(file!)!), JSON.parse(excerpt!)), `docs/iam.md's ${file}`).toBe(true);
}

const USER_FILES = {
  'main.tf': 'terraform {\n  backend "s3" {}\n}\n',
  'extra.tf.json': '{"output": {"x": {"value": "mine"}}}\n',
};

describe('robo iam.terraform', () => {
  it('writes valid Terraform JSON for the bundled example, then finds it current', async () => {
    const box = sandbox();
    const { out, files } = await firstRun(box, projectRoot, 11);
    expect([...files.keys()]).toContain('account-ops.tf.json');
    const ops = files.get('account-ops.tf.json')!;
    expect(ops).toContain('"ops__fpa__aws_job-function_Billing"');
    expect(files.get('account-prod.tf.json')).toContain('"prod__deploy_platform-deploy"');

    expectDocsExcerpts(files, "### The example's Terraform", "### The sso example's", [
      'providers.tf.json',
      'account-ops.tf.json',
      'account-prod.tf.json',
    ]);

    const again = await runRobo(['iam.terraform', '--repo', projectRoot, '--out', out], { env: box.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already current');
    const check = await runRobo(['iam.terraform', '--repo', projectRoot, '--out', out, '--check'], { env: box.env });
    expect(check.code).toBe(0);
    expect(readFolder(out)).toEqual(files);

    // With no source configured the same files come from the bundled example, and robo says so:
    // they are not the user's organisation's roles.
    const embedded = await runRobo(['iam.terraform', '--out', out, '--check'], { env: box.env });
    expect(embedded.code).toBe(0);
    expect(embedded.stderr).toBe(`⚠ : ${BUNDLED_EXAMPLE}\n`);
  });

  it('rewrites a generated file that is a symlink (stow) through the link, which stays', async () => {
    const box = sandbox();
    const out = path.join(box.root, 'out');
    expect((await runRobo(['iam.terraform', '--repo', projectRoot, '--out', out], { env: box.env })).code).toBe(0);
    const written = readFileSync(path.join(out, 'providers.tf.json'), 'utf8');
    const real = path.join(box.root, 'stowed', 'providers.tf.json');
    mkdirSync(path.dirname(real));
    writeFileSync(real, `${written}\n`); // robo's file, changed since: it is rewritten
    rmSync(path.join(out, 'providers.tf.json'));
    symlinkSync(real, path.join(out, 'providers.tf.json'));
    const again = await runRobo(['iam.terraform', '--repo', projectRoot, '--out', out], { env: box.env });
    expect(again.code).toBe(0);
    expect(lstatSync(path.join(out, 'providers.tf.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(written);
  });

  it('writes the IAM Identity Center form for examples/sso: no hub role, ArnLike trusts, the permission sets’ policies; then finds it current', async () => {
    const box = sandbox();
    const repo = path.join(projectRoot, 'examples', 'sso');
    const { out, files } = await firstRun(box, repo, 12);
    expect([...files.keys()]).toContain('identity-center.tf.json');
    const ops = JSON.parse(files.get('account-ops.tf.json')!) as {
      resource: { aws_iam_role: Record<string, { assume_role_policy: string }> };
    };
    // The hub account holds only the spoke roles of the "*" profiles: Identity Center makes the hub roles.
    expect(Object.keys(ops.resource.aws_iam_role)).toEqual([
      'ops__ReadOnly',
      'ops__SecurityAudit',
      'ops__foundation-admin',
    ]);
    for (const text of files.values()) {
      expect(text).not.toMatch(/saml|robo-assume-spoke-roles/i);
      expect(text).not.toContain('"Principal":"*"');
    }

    expectDocsExcerpts(files, "### The sso example's Terraform", '### Running Terraform', [
      'account-prod.tf.json',
      'identity-center.tf.json',
    ]);

    const check = await runRobo(['iam.terraform', '--repo', repo, '--out', out, '--check'], { env: box.env });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('is current');
    expect(readFolder(out)).toEqual(files);
  });

  it('switching a checkout from okta to sso: --check exits 6 naming the changes, then the run writes the sso form', async () => {
    const box = sandbox();
    const checkout = path.join(box.root, 'dotfiles');
    writeTree(checkout, exampleTree());
    const out = path.join(box.root, 'infra');
    const run = (...args: string[]) =>
      runRobo(['iam.terraform', '--repo', checkout, '--out', out, ...args], { env: box.env });
    expect((await run()).code).toBe(0);

    const organization = JSON.parse(exampleTree()['organization.json']!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete organization.okta;
    organization.sso = { start_url: 'https://example.awsapps.com/start', region: 'eu-west-1' };
    delete organization.iam.saml_provider;
    for (const role of ['data', 'foundation', 'fpa', 'growth', 'platform', 'security'])
      delete organization.iam.roles[role];
    writeTree(checkout, { 'organization.json': JSON.stringify(organization) });
    const before = readFolder(out);
    const check = await run('--check');
    expect(check.code).toBe(6);
    expect(check.stderr).toContain('identity-center.tf.json: would be created');
    expect(check.stderr).toContain('account-ops.tf.json: would be updated');
    expect(check.stderr).toContain('account-prod.tf.json: would be updated');
    expect(readFolder(out)).toEqual(before);

    expect((await run()).code).toBe(0);
    const after = readFolder(out);
    expect(after.get('account-ops.tf.json')).not.toContain('"ops__platform"');
    expect(after.get('account-prod.tf.json')).toContain('AWSReservedSSO_platform_????????????????');
    expect((await run('--check')).code).toBe(0);
  });

  it('from a git source: --check exits 6 after a change and writes nothing; the run removes robo’s stale files, keeps the user’s', async () => {
    const box = sandbox();
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'));
    const url = fileUrl(repo);
    const out = path.join(box.root, 'infra');
    mkdirSync(out);
    for (const [name, text] of Object.entries(USER_FILES)) writeFileSync(path.join(out, name), text);
    const run = (...args: string[]) =>
      runRobo(['iam.terraform', '--repo', url, '--out', out, ...args], { env: box.env });

    expect((await run()).code).toBe(0);
    expect(existsSync(path.join(out, 'account-growth.tf.json'))).toBe(true);
    expect((await run('--check')).code).toBe(0);

    // The growth account leaves the organisation, and growth's profile in it.
    const tree = exampleTree();
    const organization = JSON.parse(tree['organization.json']!) as { accounts: Record<string, unknown> };
    delete organization.accounts.growth;
    const growth = JSON.parse(tree['teams/growth.json']!) as { profiles: Array<{ account: string }> };
    growth.profiles = growth.profiles.filter((profile) => profile.account !== 'growth');
    commitTree(
      repo,
      { 'organization.json': JSON.stringify(organization), 'teams/growth.json': JSON.stringify(growth) },
      'the growth account is closed',
    );
    const before = readFolder(out);
    const check = await run('--check');
    expect(check.code).toBe(6);
    expect(check.stderr).toContain('is not current');
    expect(check.stderr).toContain('account-growth.tf.json: would be removed');
    expect(check.stderr).toContain('account-ops.tf.json: would be updated');
    expect(check.stderr).toContain('providers.tf.json: would be updated');
    expect(check.stderr).not.toContain('account-data.tf.json');
    expect(readFolder(out)).toEqual(before);

    const json = await run('--check', '--json');
    expect(json.code).toBe(6);
    const document = JSON.parse(json.stdout) as {
      ok: boolean;
      changed: boolean;
      files: Array<{ file: string; change: string }>;
    };
    expect(document).toMatchObject({ ok: false, changed: true });
    expect(document.files).toContainEqual({ file: 'account-growth.tf.json', change: 'removed' });

    const write = await run();
    expect(write.code).toBe(0);
    expect(write.stdout).toMatch(/updated, 1 removed/);
    const after = readFolder(out);
    expect(after.has('account-growth.tf.json')).toBe(false);
    expect(after.get('providers.tf.json')).not.toContain('"alias": "growth"');
    for (const [name, text] of Object.entries(USER_FILES)) expect(after.get(name)).toBe(text);
    expect((await run('--check')).code).toBe(0);
  });

  it('refuses a file of the user’s under a name robo generates, or --out naming a file, writing nothing (exit 2)', async () => {
    const box = sandbox();
    const out = path.join(box.root, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'providers.tf.json'), '{"provider": {"aws": {"region": "us-east-1"}}}\n');
    const result = await runRobo(['iam.terraform', '--repo', projectRoot, '--out', out], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(out, 'providers.tf.json')}: no "//" marker of robo's`);
    expect(readdirSync(out)).toEqual(['providers.tf.json']);

    const file = path.join(box.root, 'a-file');
    writeFileSync(file, 'mine\n');
    const notFolder = await runRobo(['iam.terraform', '--repo', projectRoot, '--out', file], { env: box.env });
    expect(notFolder.code).toBe(2);
    expect(notFolder.stderr).toContain(`--out ${file}: not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('refuses definitions without an iam object, with an undefined role, or with roles IAM cannot create, writing nothing (exit 3)', async () => {
    const box = sandbox();
    const organization = JSON.parse(exampleTree()['organization.json']!) as Record<string, unknown>;
    const noIam = { ...exampleTree(), 'organization.json': JSON.stringify({ ...organization, iam: undefined }) };
    const out = path.join(box.root, 'out');
    const result = await runRobo(
      ['iam.terraform', '--repo', makeDotfilesRepo(path.join(box.root, 'a'), noIam), '--out', out],
      { env: box.env },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('has no iam object; nothing was written');
    expect(existsSync(out)).toBe(false);

    // The sso sign-in with the okta form's IAM side: a SAML provider that Identity Center's roles do not
    // use is refused rather than ignored (so are definitions of the hub roles it makes: hostile.ts).
    const sso = {
      ...exampleTree(),
      'organization.json': JSON.stringify({
        ...organization,
        okta: undefined,
        sso: { start_url: 'https://example.awsapps.com/start', region: 'us-east-1' },
      }),
    };
    const ssoRun = await runRobo(
      ['iam.terraform', '--repo', makeDotfilesRepo(path.join(box.root, 'sso'), sso), '--out', out],
      { env: box.env },
    );
    expect(ssoRun.stderr).toContain('nothing was written');
    expect(ssoRun.stderr).toContain('organization.json: /iam/saml_provider: is refused with sso');
    expect(ssoRun.code).toBe(3);
    expect(existsSync(out)).toBe(false);

    const undefinedRole = {
      ...exampleTree(),
      'teams/growth.json': '{"hub_role": "growth", "profiles": [{"name": "x", "account": "dev", "role": "nobody"}]}\n',
    };
    const invalid = await runRobo(
      ['iam.terraform', '--repo', makeDotfilesRepo(path.join(box.root, 'b'), undefinedRole), '--out', out],
      { env: box.env },
    );
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('nothing was written');
    expect(invalid.stderr).toContain('teams/growth.json');
    expect(existsSync(out)).toBe(false);

    // Two roles IAM cannot hold in one account (names are unique whatever the path): validation's rule.
    const withRole = JSON.parse(exampleTree()['organization.json']!) as { iam: { roles: Record<string, object> } };
    withRole.iam.roles['platform-deploy'] = {};
    const clash = {
      ...exampleTree(),
      'organization.json': JSON.stringify(withRole),
      'teams/growth.json':
        '{"hub_role": "growth", "profiles": [{"name": "x", "account": "prod", "role": "platform-deploy"}]}\n',
    };
    const clashing = await runRobo(
      ['iam.terraform', '--repo', makeDotfilesRepo(path.join(box.root, 'c'), clash), '--out', out],
      { env: box.env },
    );
    expect(clashing.code).toBe(3);
    expect(clashing.stderr).toContain(
      'organization.json: /iam/roles/platform-deploy: is the same IAM role as /iam/roles/deploy~1platform-deploy',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('is listed in help', async () => {
    const box = sandbox();
    const list = await runRobo([], { env: box.env });
    expect(list.stdout).toContain('iam.terraform');
    const help = await runRobo(['help', 'iam.terraform'], { env: box.env });
    expect(help.stdout).toContain('--check');
    expect(help.stdout).toContain('--out');
  });
});
