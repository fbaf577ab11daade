/**
 * The managed block: robo's lines go between two markers, everything else in
 * the file stays byte for byte, across runs and team switches, for a table
 * of files people really have.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnmergeableConfigError } from '../src/errors.js';
import { findBlock } from '../src/plan/config-readers.js';
import { planConfig, type Plan } from '../src/plan/plan.js';
import { BLOCK_END, blockStart } from '../src/render/render.js';
import type { Target } from '../src/apply/target.js';
import { loadManyWithBotocore, loadWithBotocore, type BatchResult } from './helpers/botocore.js';
import { referencePlan, type ReferencePlan } from './helpers/reference-plan.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-block-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const target = (content: string | Buffer | undefined): Target => ({
  path: '/home/u/.aws/config',
  file: '/home/u/.aws/config',
  content: content === undefined ? undefined : Buffer.isBuffer(content) ? content : Buffer.from(content, 'latin1'),
  mode: 0o600,
});

function block(team: string, profiles: string[]): { text: string; generated: Set<string> } {
  const sections = [
    ['[okta]', 'aws_saml_url = home/amazon_aws/abc/1'],
    ['[profile hub]', `role_arn = arn:aws:iam::100000000001:role/${team}`, 'region = us-west-2'],
  ];
  for (const name of profiles)
    sections.push([
      `[profile ${name}]`,
      'role_arn = arn:aws:iam::200000000002:role/r',
      'source_profile = hub',
      'region = us-west-2',
    ]);
  return {
    text: [blockStart(team), sections.map((lines) => lines.join('\n')).join('\n\n'), BLOCK_END, ''].join('\n'),
    generated: new Set(['hub', ...profiles]),
  };
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
  [
    'comments and blank lines',
    '# my settings\n\n; old style comment\n[default]\nregion = eu-north-1\n\n\n# trailing comment\n',
  ],
  ['odd spacing', '[profile   spaced]\n  region=eu-west-1\nkey   =   value with  spaces   \n\t\n'],
  [
    'nested s3 sub-keys',
    '[profile data]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 20\n  multipart_threshold = 64MB\n',
  ],
  [
    'CRLF line endings',
    '[default]\r\nregion = eu-north-1\r\n\r\n[profile mine]\r\nrole_arn = arn:aws:iam::123456789012:role/me\r\nsource_profile = default\r\n',
  ],
  ['no final newline', '[default]\nregion = eu-north-1\noutput = json'],
  [
    'sso-session and sso profile',
    '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start/#/\nsso_region = us-east-1\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n',
  ],
  [
    'non-UTF-8 bytes and UTF-8 text',
    Buffer.concat([
      Buffer.from('# caf\u00e9 \u2603\n[default]\nregion = x\n# '),
      Buffer.from([0xff, 0xfe, 0x00, 0x80]),
      Buffer.from('\n'),
    ]),
  ],
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

    const switched = planConfig(target(first.next), foundation.text, {
      generated: foundation.generated,
      replace: false,
    });
    expect(switched.changed).toBe(true);
    expect(userPart(switched.next).equals(before)).toBe(true);
    expect(switched.next.toString('latin1')).toContain(blockStart('foundation'));
    expect(switched.next.toString('latin1')).not.toContain(blockStart('platform'));

    const back = planConfig(target(switched.next), platform.text, { generated: platform.generated, replace: false });
    expect(back.next.equals(first.next)).toBe(true);
  });

  // One python for every file: botocore's start-up is most of a load.
  const readable = tricky.filter(([name]) => !name.includes('non-UTF-8'));
  let loaded: BatchResult[];
  beforeAll(() => {
    const files = readable.map(([name, original]) => {
      const merged = planConfig(target(original), platform.text, {
        generated: platform.generated,
        replace: false,
      }).next;
      const file = path.join(scratch, `${name.replace(/\W+/g, '-')}.config`);
      writeFileSync(file, merged);
      return file;
    });
    loaded = loadManyWithBotocore(files);
  });

  it.each(readable.map(([name], index) => [name, index] as const))(
    '%s: botocore reads the merged file with the user sections and robo profiles',
    (_name, index) => {
      expect(loaded[index]).toMatchObject({
        ok: true,
        config: {
          profiles: { dev: { source_profile: 'hub' }, hub: { role_arn: 'arn:aws:iam::100000000001:role/platform' } },
        },
      });
    },
  );

  it('keeps the block where the user moved it', () => {
    const first = planConfig(target('[default]\nregion = a\n'), platform.text, {
      generated: platform.generated,
      replace: false,
    }).next.toString('latin1');
    const [head, rest] = [first.slice(0, first.indexOf('[default]')), first.slice(first.indexOf('[default]'))];
    const moved = `${rest}\n${head}# after the block\n`;
    const next = planConfig(target(moved), foundation.text, {
      generated: foundation.generated,
      replace: false,
    }).next.toString('latin1');
    expect(next.startsWith('[default]\nregion = a\n\n# >>> robo aws.config - team foundation')).toBe(true);
    expect(next.endsWith(`${BLOCK_END}\n# after the block\n`)).toBe(true);
  });
});

describe('sections robo now generates are taken out of the user part', () => {
  it('removes a user [profile dev], [dev] (aws-okta reads it as dev) and [okta], names them with line numbers', () => {
    const user =
      '[okta]\naws_saml_url = home/amazon_aws/old/2\n\n[profile dev]\nregion = x\n\n# my own profile\n[profile mine]\nregion = y\n\n[dev]\nregion = z\n';
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

  // The sso form's block claims [sso-session robo] where the okta form claims [okta].
  const sso = {
    text: platform.text.replace(
      '[okta]\naws_saml_url = home/amazon_aws/abc/1',
      '[sso-session robo]\nsso_start_url = https://robo.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access',
    ),
    generated: platform.generated,
  };

  it("removes a user's [sso-session NAME] that collides with the sso block's, as botocore names it (quotes too)", () => {
    const user =
      '[sso-session robo]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n\n[sso-session "robo"]\nsso_region = x\n\n[sso-session mine]\nsso_region = y\n\n[profile robo]\nregion = z\n';
    const plan = planConfig(target(user), sso.text, { generated: sso.generated, replace: false });
    // [profile robo] is another namespace to botocore: no clash, it stays.
    expect(plan.removed).toEqual([
      { header: '[sso-session robo]', line: 1 },
      { header: '[sso-session "robo"]', line: 5 },
    ]);
    const file = path.join(scratch, 'sso-collisions.config');
    writeFileSync(file, plan.next);
    const parsed = loadWithBotocore(file);
    expect(parsed.sso_sessions).toEqual({
      robo: {
        sso_start_url: 'https://robo.awsapps.com/start',
        sso_region: 'us-east-1',
        sso_registration_scopes: 'sso:account:access',
      },
      mine: { sso_region: 'y' },
    });
    expect(parsed.profiles.robo).toEqual({ region: 'z' });
  });

  it("keeps a user's own [okta] beside an sso block, and a [sso-session robo] beside an okta block: neither claims it", () => {
    const user = '[okta]\naws_saml_url = home/amazon_aws/mine/1\n\n[sso-session robo]\nsso_region = y\n';
    const withSso = planConfig(target(user), sso.text, { generated: sso.generated, replace: false });
    expect(withSso.removed).toEqual([{ header: '[sso-session robo]', line: 4 }]);
    expect(withSso.next.toString('latin1')).toContain('[okta]\naws_saml_url = home/amazon_aws/mine/1\n');
    const withOkta = planConfig(target(user), platform.text, { generated: platform.generated, replace: false });
    expect(withOkta.removed).toEqual([{ header: '[okta]', line: 1 }]);
  });

  it("an sso block already in place with nothing of the user's claiming it is left as it is", () => {
    const first = planConfig(target('[default]\nregion = a\n'), sso.text, { generated: sso.generated, replace: false });
    const again = planConfig(target(first.next), sso.text, { generated: sso.generated, replace: false });
    expect(again.changed).toBe(false);
    const moved = planConfig(target(`${first.next.toString('latin1')}[sso-session robo]\nsso_region = b\n`), sso.text, {
      generated: sso.generated,
      replace: false,
    });
    expect(moved.removed).toEqual([
      { header: '[sso-session robo]', line: first.next.toString('latin1').split('\n').length },
    ]);
  });

  it('--replace writes only the block', () => {
    const plan = planConfig(target('[default]\nregion = a\n'), platform.text, {
      generated: platform.generated,
      replace: true,
    });
    expect(plan.next.toString('latin1')).toBe(platform.text);
  });
});

describe('your sections are found as botocore and aws-okta read them (issue #10, class 7)', () => {
  const dev = { role_arn: 'arn:aws:iam::200000000002:role/r', source_profile: 'hub', region: 'us-west-2' };
  interface Case {
    name: string;
    /** The user's file, as text (written as UTF-8). */
    user: string;
    removed: Array<{ header: string; line: number }>;
    /** Profiles botocore must read from the merged file, besides robo's dev. */
    profiles: Record<string, Record<string, string>>;
    /** Where robo's block goes. */
    block: 'top' | 'end';
  }
  const mine = '\n[profile mine]\nregion = b\n';
  const cases: Case[] = [
    ...[' # mine', ' ; mine', 'x', '\t; mine'].map((trail): Case => ({
      name: `[profile dev]${trail}: botocore ignores what follows the last "]"`,
      user: `[default]\nregion = a\n\n[profile dev]${trail}\nregion = old\n${mine}`,
      removed: [{ header: `[profile dev]${trail}`, line: 4 }],
      profiles: { default: { region: 'a' }, mine: { region: 'b' } },
      block: 'top',
    })),
    {
      name: 'a file with CR-only line ends',
      user: '# mine\r[default]\rregion = a\r\r[profile dev]\rregion = old\r\r[profile mine]\rregion = b\r',
      removed: [{ header: '[profile dev]', line: 5 }],
      profiles: { default: { region: 'a' }, mine: { region: 'b' } },
      block: 'top',
    },
    ...['\u00a0', '  ', '\t', '\u3000', '\u2003', '\u0085', '\u001c'].map((space): Case => ({
      name: `a first header indented with ${JSON.stringify(space)}`,
      user: `${space}[profile dev]\nregion = old\n${mine}`,
      removed: [{ header: '[profile dev]', line: 1 }],
      profiles: { mine: { region: 'b' } },
      block: 'top',
    })),
    {
      name: '[profiles dev]: botocore files any "profile..." name of two words under the second',
      user: `[profiles dev]\nregion = old\n${mine}`,
      removed: [{ header: '[profiles dev]', line: 1 }],
      profiles: { mine: { region: 'b' } },
      block: 'top',
    },
    {
      name: '[profile\tdev]: shlex splits on tabs',
      user: `[profile\tdev]\nregion = old\n${mine}`,
      removed: [{ header: '[profile\tdev]', line: 1 }],
      profiles: { mine: { region: 'b' } },
      block: 'top',
    },
    {
      name: 'an indented header after a setting continues its value: not a section',
      user: `[profile mine]\nregion = b\n  [profile other]\n`,
      removed: [],
      profiles: { mine: { region: 'b\n[profile other]' } },
      block: 'top',
    },
    {
      name: "an indented first header robo keeps: the block goes at the end, or the header would continue robo's last value",
      user: '  [profile mine]\n  region = b\n  [default]\n  region = a',
      removed: [],
      profiles: { mine: { region: 'b' }, default: { region: 'a' } },
      block: 'end',
    },
    {
      name: 'a header aws-okta reads as a key ("=" in it): the block goes at the end, or aws-okta would read role_arn as robo\'s',
      user: '[profile mine] = x\nrole_arn = arn:aws:iam::1:role/mine\n',
      removed: [],
      profiles: { mine: { role_arn: 'arn:aws:iam::1:role/mine' } },
      block: 'end',
    },
  ];

  // Planned and read back with one botocore process; a plan that throws fails its own case.
  const results = new Map<string, { plan: Plan | Error; read: BatchResult | undefined }>();
  beforeAll(() => {
    const plans = cases.map(({ user }) => {
      try {
        return planConfig(target(Buffer.from(user, 'utf8')), platform.text, {
          generated: platform.generated,
          replace: false,
        });
      } catch (error) {
        return error as Error;
      }
    });
    const files = plans.map((plan, index) => path.join(scratch, `headers-${index}.config`));
    plans.forEach((plan, index) => plan instanceof Error || writeFileSync(files[index]!, plan.next));
    const read = loadManyWithBotocore(files.filter((_file, index) => !(plans[index] instanceof Error)));
    plans.forEach((plan, index) =>
      results.set(cases[index]!.name, { plan, read: plan instanceof Error ? undefined : read.shift() }),
    );
  });

  it.each(cases)('$name', ({ name, user, removed, profiles, block }) => {
    const { plan, read } = results.get(name)!;
    if (plan instanceof Error) throw plan;
    expect(read?.ok ? 'loaded' : read?.error).toBe('loaded');
    if (!read?.ok) return;
    expect(plan.removed).toEqual(removed);
    expect(read.config.profiles).toEqual({
      ...profiles,
      hub: { role_arn: 'arn:aws:iam::100000000001:role/platform', region: 'us-west-2' },
      dev,
      prod: { ...dev },
    });
    const next = plan.next.toString('latin1');
    if (block === 'top') expect(next.startsWith(platform.text)).toBe(true);
    else expect(next.endsWith(`\n${platform.text}`)).toBe(true);
    // Nothing of the user's but the sections taken out is lost.
    if (removed.length === 0)
      expect(userPart(plan.next).toString('utf8').replace(/\n$/, '')).toBe(user.replace(/\n$/, ''));
  });

  it('refuses, naming the line, when taking a section out would turn the next header into a continuation', () => {
    const user = '[default]\nregion = a\n[profile dev]\n region = old\n [profile mine]\n region = b\n';
    expect(() => planConfig(target(user), platform.text, { generated: platform.generated, replace: false })).toThrow(
      /^\/home\/u\/\.aws\/config: line 5 \("\[profile mine\]"\): the AWS CLI would read it as the continuation of the value above it, not as a section header; nothing was written$/,
    );
  });

  it("refuses a header aws-okta reads as robo's that is no header to botocore, rather than leave it", () => {
    const user = '[profile mine]\nregion = b\n  [profile dev]\nrole_arn = arn:aws:iam::1:role/mine\n';
    expect(() => planConfig(target(user), platform.text, { generated: platform.generated, replace: false })).toThrow(
      /line 3 \("\[profile dev\]"\): aws-okta reads it as \[profile dev\]/,
    );
  });

  it("refuses lines of the user's that botocore reads as part of robo's block, even when the block is up to date", () => {
    const user = `[default]\nregion = a\n${platform.text}  credential_process = /tmp/x\n`;
    let error: unknown;
    try {
      planConfig(target(user), platform.text, { generated: platform.generated, replace: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnmergeableConfigError);
    expect((error as UnmergeableConfigError).exitCode).toBe(7);
    expect((error as Error).message).toContain(
      `line ${user.split('\n').length - 1} ("credential_process = /tmp/x"): the AWS CLI would read it as part of robo's block above it`,
    );
  });
});

describe('broken markers are refused', () => {
  const start = blockStart('platform');
  it.each([
    ['a doubled start marker', `${start}\n${start}\n${BLOCK_END}\n`, /more than one start marker.* at line 1, 2/],
    ['a doubled end marker', `${start}\n${BLOCK_END}\n${BLOCK_END}\n`, /more than one end marker.* at line 2, 3/],
    ['a start marker alone', `[default]\n${start}\n[profile x]\n`, /a start marker without an end marker at line 2/],
    ['an end marker alone', `[default]\n${BLOCK_END}\n`, /an end marker without a start marker at line 2/],
    [
      'markers out of order',
      `${BLOCK_END}\n[default]\n${start}\n`,
      /the end marker comes before the start marker at line 3, 1/,
    ],
    ['a damaged marker', `${start}\n[okta]\n#<<< robo aws.config (edited)\n`, /a damaged robo marker line at line 3/],
  ])('%s', (_name, content, message) => {
    expect(() => planConfig(target(content), platform.text, { generated: platform.generated, replace: false })).toThrow(
      message,
    );
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
    fc.constantFrom(
      '[profile dev\r]',
      '[\rprofile dev]',
      '[profile\rdev]',
      '[profile dev]\rjunk',
      '[okta] \r',
      '[profile dev] [x]',
      '[profiledev]',
      '[profile]',
      "[profile 'dev']",
      '[profile dev',
      'region = us-east-1',
      '  nested = 1',
      's3 =',
      'key=value',
    ),
    fc.constantFrom(
      '# a comment',
      '; old comment',
      '   # indented comment',
      '',
      '   ',
      '\t',
      'odd\rline',
      'robo = not a comment',
      '# robo',
      'x\r# >>> robo aws.config',
    ),
    // Headers as botocore reads them: with text after the bracket, indented with any whitespace (an
    // indented line after a setting continues it), and settings, continuations and errors around them.
    fc
      .tuple(
        fc.constantFrom('', '', ' ', '\t', '\u00a0', '\u3000', '\u2003', '\u001c', '\u000c', '\u0085', '\ufeff'),
        name,
        fc.constantFrom('[profile N]', '[N]', '[profile  N]', '[profile\tN]', '[N ]', '[profiles N]'),
        fc.constantFrom('', ' # mine', ' ; mine', 'x', '\u00a0', '=1'),
      )
      .map(([lead, n, form, trail]) => lead + form.replace('N', n) + trail),
    fc.constantFrom(
      ' continued',
      '\tsub = 1',
      '\u00a0region = x',
      'output: json',
      '= novalue',
      'junk',
      'role_arn = arn:aws:iam::1:role/x',
    ),
    fc.constantFrom(
      blockStart('platform'),
      BLOCK_END,
      `  ${BLOCK_END}`,
      '# >>> robo something else',
      '#<<< robo aws.config (edited)',
      '# robo aws.config is not a marker',
    ),
  );
  // Mostly well-formed files: user lines, maybe one block of robo's in them; sometimes stray marker lines.
  const file = fc
    .record({
      user: fc.array(fc.tuple(line, fc.constantFrom('\n', '\n', '\r\n', '\r')), { maxLength: 30 }),
      block: fc.option(
        fc.tuple(fc.nat(), fc.array(fc.constantFrom('[okta]', '[profile dev]', 'region = a', ''), { maxLength: 5 })),
        { nil: undefined },
      ),
      lastEnding: fc.boolean(),
    })
    .map(({ user, block, lastEnding }) => {
      const lines = user.map(([text, ending]) => text + ending);
      if (block)
        lines.splice(
          block[0] % (lines.length + 1),
          0,
          ...[blockStart('old'), ...block[1], BLOCK_END].map((text) => `${text}\n`),
        );
      const text = Buffer.from(lines.join(''), 'utf8').toString('latin1');
      return lastEnding || !text.endsWith('\n') ? text : text.replace(/\r?\n$/, '');
    });

  // The planner reads the new file only up to the first header after robo's block and takes the rest
  // from its reading of the old file: what aws-okta finds further down must still count.
  it.each([
    [
      'a header only aws-okta sees, far below, in a file it could read',
      '[x]\ns3 =\n  [profile dev]\n[y]\nregion = a\n',
    ],
    ['the same, in a file it could not read', '[x]\ns3 =\n  [profile dev]\n[y]\njunk\n'],
    ['a line it cannot parse below the first header', '[x]\nregion = a\n[y]\njunk\n'],
    [
      'an old block above, the same far below',
      `${blockStart('old')}\n[okta]\n${BLOCK_END}\n[x]\ns3 =\n  [okta]\n[y]\njunk\n`,
    ],
  ])('%s: as the reference planner', (_, content) => {
    const expected = referencePlan(content, platform.text, platform.generated);
    let actual: ReferencePlan;
    try {
      const plan = planConfig(target(content), platform.text, { generated: platform.generated, replace: false });
      actual = { kind: 'ok', next: plan.next.toString('latin1'), removed: plan.removed };
    } catch (error) {
      actual = { kind: 'refused', line: Number(/: line (\d+) /.exec((error as Error).message)?.[1]) };
    }
    expect(actual).toEqual(expected);
  });

  // The planner's answer in the reference planner's terms: the bytes, a refusal's line, or the broken markers' lines.
  const plannedAsReference = (content: string): ReferencePlan => {
    try {
      const plan = planConfig(target(content), platform.text, { generated: platform.generated, replace: false });
      return { kind: 'ok', next: plan.next.toString('latin1'), removed: plan.removed };
    } catch (error) {
      if (error instanceof UnmergeableConfigError)
        return { kind: 'refused', line: Number(/: line (\d+) /.exec(error.message)?.[1]) };
      const lines = /at line ([\d, ]+);/.exec((error as Error).message)?.[1];
      return { kind: 'broken', lines: lines ? lines.split(', ').map(Number) : [] };
    }
  };

  // A file that already holds exactly this block: the planner may tell it is untouched without reading it.
  const holding = fc
    .record({
      user: fc.array(fc.tuple(line, fc.constantFrom('\n', '\n', '\r\n', '\r')), { maxLength: 30 }),
      at: fc.nat(),
      lastEnding: fc.boolean(),
    })
    .map(({ user, at, lastEnding }) => {
      const lines = user.map(([text, ending]) => text + ending);
      lines.splice(at % (lines.length + 1), 0, platform.text);
      const text = Buffer.from(lines.join(''), 'utf8').toString('latin1');
      return lastEnding || !text.endsWith('\n') ? text : text.replace(/\r?\n$/, '');
    });

  it('a file already holding the block: same result as the reference', () => {
    fc.assert(
      fc.property(holding, (content) => {
        expect(plannedAsReference(content)).toEqual(referencePlan(content, platform.text, platform.generated));
      }),
      { seed: 424242, numRuns: 600 },
    );
  });

  it('same bytes, same removed sections, same broken markers', () => {
    fc.assert(
      fc.property(file, (content) => {
        expect(plannedAsReference(content)).toEqual(referencePlan(content, platform.text, platform.generated));
      }),
      { seed: 424242, numRuns: 600 },
    );
  });
});
