/**
 * The managed block: robo's lines go between two markers, everything else in
 * the file stays byte for byte, across runs and team switches, for a table
 * of files people really have.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findBlock } from '../src/pipeline/config-file.js';
import { planConfig } from '../src/pipeline/plan.js';
import { BLOCK_END, blockStart } from '../src/pipeline/render.js';
import type { Target } from '../src/system/target.js';
import { loadWithBotocore } from './helpers/botocore.js';
import { referencePlan, type ReferencePlan } from './helpers/reference-plan.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-block-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const target = (content: string | Buffer | undefined): Target => ({
  path: '/home/u/.aws/config',
  file: '/home/u/.aws/config',
  content: content === undefined ? undefined : Buffer.isBuffer(content) ? content : Buffer.from(content, 'latin1'),
  mode: 0o600,
  stamp: undefined,
});

function block(team: string, profiles: string[]): { text: string; generated: Set<string> } {
  const sections = [['[okta]', 'aws_saml_url = home/amazon_aws/abc/1'], ['[profile hub]', `role_arn = arn:aws:iam::100000000001:role/${team}`, 'region = us-west-2']];
  for (const name of profiles) sections.push([`[profile ${name}]`, 'role_arn = arn:aws:iam::200000000002:role/r', 'source_profile = hub', 'region = us-west-2']);
  return { text: [blockStart(team), sections.map((lines) => lines.join('\n')).join('\n\n'), BLOCK_END, ''].join('\n'), generated: new Set(['hub', ...profiles]) };
}

const platform = block('platform', ['dev', 'prod']);
const foundation = block('foundation', ['dev-readonly', 'prod-readonly', 'prod-admin']);

/** The user's part of a file: everything outside robo's block. */
function userPart(content: Buffer): Buffer {
  const text = content.toString('latin1');
  const found = findBlock(text);
  if (found.kind !== 'found') return content;
  return Buffer.from(text.slice(0, found.from) + text.slice(found.to), 'latin1');
}

const tricky: Array<[string, string | Buffer]> = [
  ['comments and blank lines', '# my settings\n\n; old style comment\n[default]\nregion = eu-north-1\n\n\n# trailing comment\n'],
  ['odd spacing', '[profile   spaced]\n  region=eu-west-1\nkey   =   value with  spaces   \n\t\n'],
  ['nested s3 sub-keys', '[profile data]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 20\n  multipart_threshold = 64MB\n'],
  ['CRLF line endings', '[default]\r\nregion = eu-north-1\r\n\r\n[profile mine]\r\nrole_arn = arn:aws:iam::123456789012:role/me\r\nsource_profile = default\r\n'],
  ['no final newline', '[default]\nregion = eu-north-1\noutput = json'],
  ['sso-session and sso profile', '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start/#/\nsso_region = us-east-1\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n'],
  ['non-UTF-8 bytes and UTF-8 text', Buffer.concat([Buffer.from('# caf\u00e9 \u2603\n[default]\nregion = x\n# '), Buffer.from([0xff, 0xfe, 0x00, 0x80]), Buffer.from('\n')])],
  ['only comments', '# nothing here yet\n'],
  ['empty file', ''],
];

describe('managed block round trip', () => {
  it.each(tricky)('%s: the user part survives first run, re-run and team switches byte for byte', (_name, original) => {
    const before = Buffer.isBuffer(original) ? original : Buffer.from(original, 'latin1');
    const first = planConfig(target(before), platform.text, { generated: platform.generated, replace: false });
    expect(first.removed).toEqual([]);
    expect(userPart(first.next).equals(before)).toBe(true);

    const again = planConfig(target(first.next), platform.text, { generated: platform.generated, replace: false });
    expect(again.changed).toBe(false);

    const switched = planConfig(target(first.next), foundation.text, { generated: foundation.generated, replace: false });
    expect(switched.changed).toBe(true);
    expect(userPart(switched.next).equals(before)).toBe(true);
    expect(switched.next.toString('latin1')).toContain(blockStart('foundation'));
    expect(switched.next.toString('latin1')).not.toContain(blockStart('platform'));

    const back = planConfig(target(switched.next), platform.text, { generated: platform.generated, replace: false });
    expect(back.next.equals(first.next)).toBe(true);
  });

  it.each(tricky.filter(([name]) => !name.includes('non-UTF-8')))('%s: botocore reads the merged file with the user sections and robo profiles', (name, original) => {
    const merged = planConfig(target(original), platform.text, { generated: platform.generated, replace: false }).next;
    const file = path.join(scratch, `${name.replace(/\W+/g, '-')}.config`);
    writeFileSync(file, merged);
    const parsed = loadWithBotocore(file);
    expect(parsed.profiles.dev?.source_profile).toBe('hub');
    expect(parsed.profiles.hub?.role_arn).toBe('arn:aws:iam::100000000001:role/platform');
  });

  it('keeps the block where the user moved it', () => {
    const first = planConfig(target('[default]\nregion = a\n'), platform.text, { generated: platform.generated, replace: false }).next.toString('latin1');
    const [head, rest] = [first.slice(0, first.indexOf('[default]')), first.slice(first.indexOf('[default]'))];
    const moved = `${rest}\n${head}# after the block\n`;
    const next = planConfig(target(moved), foundation.text, { generated: foundation.generated, replace: false }).next.toString('latin1');
    expect(next.startsWith('[default]\nregion = a\n\n# >>> robo aws.config - team foundation')).toBe(true);
    expect(next.endsWith(`${BLOCK_END}\n# after the block\n`)).toBe(true);
  });
});

describe('sections robo now generates are taken out of the user part', () => {
  it('removes a user [profile dev], [dev] (aws-okta reads it as dev) and [okta], names them with line numbers', () => {
    const user = '[okta]\naws_saml_url = home/amazon_aws/old/2\n\n[profile dev]\nregion = x\n\n# my own profile\n[profile mine]\nregion = y\n\n[dev]\nregion = z\n';
    const plan = planConfig(target(user), platform.text, { generated: platform.generated, replace: false });
    expect(plan.removed).toEqual([
      { header: '[okta]', line: 1 },
      { header: '[profile dev]', line: 4 },
      { header: '[dev]', line: 11 },
    ]);
    const text = plan.next.toString('latin1');
    expect(text.endsWith(`${BLOCK_END}\n# my own profile\n[profile mine]\nregion = y\n\n`)).toBe(true);
    const file = path.join(scratch, 'collisions.config');
    writeFileSync(file, plan.next);
    const parsed = loadWithBotocore(file);
    expect(parsed.okta).toEqual({ aws_saml_url: 'home/amazon_aws/abc/1' });
    expect(parsed.profiles.mine).toEqual({ region: 'y' });
  });

  it('reads quoted names as botocore does: [profile "dev"] and [profile \'prod\'] collide too', () => {
    const user = `[profile "dev"]\nregion = a\n\n[profile 'prod']\nregion = b\n\n[profile "my laptop"]\nregion = c\n`;
    const plan = planConfig(target(user), platform.text, { generated: platform.generated, replace: false });
    expect(plan.removed.map((section) => section.header)).toEqual(['[profile "dev"]', "[profile 'prod']"]);
    const file = path.join(scratch, 'quoted.config');
    writeFileSync(file, plan.next);
    const parsed = loadWithBotocore(file);
    expect(parsed.profiles.dev?.source_profile).toBe('hub');
    expect(parsed.profiles.prod?.source_profile).toBe('hub');
    expect(parsed.profiles['my laptop']).toEqual({ region: 'c' });
  });

  it('--replace writes only the block', () => {
    const plan = planConfig(target('[default]\nregion = a\n'), platform.text, { generated: platform.generated, replace: true });
    expect(plan.next.toString('latin1')).toBe(platform.text);
  });
});

describe('broken markers are refused', () => {
  const start = blockStart('platform');
  it.each([
    ['a doubled start marker', `${start}\n${start}\n${BLOCK_END}\n`, /more than one start marker.* at line 1, 2/],
    ['a doubled end marker', `${start}\n${BLOCK_END}\n${BLOCK_END}\n`, /more than one end marker.* at line 2, 3/],
    ['a start marker alone', `[default]\n${start}\n[profile x]\n`, /a start marker without an end marker at line 2/],
    ['an end marker alone', `[default]\n${BLOCK_END}\n`, /an end marker without a start marker at line 2/],
    ['markers out of order', `${BLOCK_END}\n[default]\n${start}\n`, /the end marker comes before the start marker at line 3, 1/],
    ['a damaged marker', `${start}\n[okta]\n#<<< robo aws.config (edited)\n`, /a damaged robo marker line at line 3/],
  ])('%s', (_name, content, message) => {
    expect(() => planConfig(target(content), platform.text, { generated: platform.generated, replace: false })).toThrow(message);
  });

  it('a similar comment that is not a marker is left alone', () => {
    const content = '# robo aws.config writes the block above\n[default]\n';
    const plan = planConfig(target(content), platform.text, { generated: platform.generated, replace: false });
    expect(userPart(plan.next).toString('latin1')).toBe(content);
  });
});

describe('the planner agrees with a line-by-line reference (test/helpers/reference-plan.ts)', () => {
  const names = ['dev', 'prod', 'hub', 'mine', 'okta', 'default'];
  const name = fc.constantFrom(...names);
  const line = fc.oneof(
    name.map((n) => `[profile ${n}]`),
    name.map((n) => `[${n}]`),
    name.map((n) => `  [profile "${n}"]  `),
    name.map((n) => `[profile ${n}] = not a header`),
    name.map((n) => `[ profile ${n} ]`),
    name.map((n) => `x\r[profile ${n}]`),
    name.map((n) => `\r[profile ${n}]`),
    fc.constantFrom('[profile dev\r]', '[\rprofile dev]', '[profile\rdev]', '[profile dev]\rjunk', '[okta] \r', '[profile dev] [x]', '[profiledev]', '[profile]', "[profile 'dev']", '[profile dev', 'region = us-east-1', '  nested = 1', 's3 =', 'key=value'),
    fc.constantFrom('# a comment', '; old comment', '   # indented comment', '', '   ', '\t', 'odd\rline', 'robo = not a comment', '# robo', 'x\r# >>> robo aws.config'),
    fc.constantFrom(blockStart('platform'), BLOCK_END, `  ${BLOCK_END}`, '# >>> robo something else', '#<<< robo aws.config (edited)', '# robo aws.config is not a marker'),
  );
  // Mostly well-formed files: user lines, maybe one block of robo's in them; sometimes stray marker lines.
  const file = fc
    .record({
      user: fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 30 }),
      block: fc.option(fc.tuple(fc.nat(), fc.array(fc.constantFrom('[okta]', '[profile dev]', 'region = a', ''), { maxLength: 5 })), { nil: undefined }),
      lastEnding: fc.boolean(),
    })
    .map(({ user, block, lastEnding }) => {
      const lines = user.map(([text, ending]) => text + ending);
      if (block) lines.splice(block[0] % (lines.length + 1), 0, ...[blockStart('old'), ...block[1], BLOCK_END].map((text) => `${text}\n`));
      const text = lines.join('');
      return lastEnding || !text.endsWith('\n') ? text : text.replace(/\r?\n$/, '');
    });

  it('same bytes, same removed sections, same broken markers', () => {
    fc.assert(
      fc.property(file, (content) => {
        const expected: ReferencePlan = referencePlan(content, platform.text, platform.generated);
        let actual: ReferencePlan;
        try {
          const plan = planConfig(target(content), platform.text, { generated: platform.generated, replace: false });
          actual = { kind: 'ok', next: plan.next.toString('latin1'), removed: plan.removed };
        } catch (error) {
          const lines = /at line ([\d, ]+);/.exec((error as Error).message)?.[1];
          actual = { kind: 'broken', lines: lines ? lines.split(', ').map(Number) : [] };
        }
        expect(actual).toEqual(expected);
      }),
      { seed: 424242, numRuns: 600 },
    );
  });
});
