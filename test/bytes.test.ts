/**
 * The bytes written are the bytes checked (issue #10, class 6): the config
 * is always UTF-8, exactly as validated, whatever the user's part of the file
 * holds; a block from robo's cache is checked as the bytes it would write;
 * durations are what Go's ParseDuration takes; definition files must be
 * UTF-8 and their strings real characters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Organization, Team } from '../src/definitions/model.js';
import { loadDefinitions, type Definitions } from '../src/definitions/definitions.js';
import { planConfig } from '../src/plan/plan.js';
import { BLOCK_END, blockStart, profilesOfBlock, renderAwsConfig } from '../src/render/render.js';
import { resolveAwsConfig } from '../src/render/resolve.js';
import { validateDefinitions } from '../src/validate/validate.js';
import type { Target } from '../src/apply/target.js';
import { loadWithBotocore } from './helpers/botocore.js';
import { exampleTree, writeTree } from './helpers/git.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-bytes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const example = exampleTree();
const organization = JSON.parse(example['organization.json']!) as Organization;
const platform = JSON.parse(example['teams/platform.json']!) as Team;

const target = (content: Buffer | undefined): Target => ({
  path: '/home/u/.aws/config',
  file: '/home/u/.aws/config',
  content,
  mode: 0o600,
});

/** A block as the renderer writes it, with session_ttl set to `ttl`. */
function blockWith(ttl: string): { text: string; generated: Set<string> } {
  const model = resolveAwsConfig(
    { ...organization, okta: { ...organization.okta!, session_ttl: ttl } },
    'platform',
    platform,
  );
  return {
    text: renderAwsConfig(model),
    generated: new Set([model.hub.name, ...model.spokes.map((spoke) => spoke.name)]),
  };
}

describe('the planner writes the block as UTF-8, and the user part byte for byte', () => {
  // The user's part: UTF-8 text, and bytes that are not UTF-8 at all (both must survive).
  const user = Buffer.concat([
    Buffer.from('# caf\u00e9 \u2603\n[default]\nregion = eu-north-1\n# '),
    Buffer.from([0xb5, 0xff, 0x8a]),
    Buffer.from('\n'),
  ]);

  it.each([
    ['micro sign U+00B5', '1h0\u00b5s', [0xc2, 0xb5]],
    ['Greek mu U+03BC', '1h0\u03bcs', [0xce, 0xbc]],
  ])('a duration with the %s', (_name, ttl, utf8) => {
    const { text, generated } = blockWith(ttl);
    for (const content of [undefined, user]) {
      const plan = planConfig(target(content), text, { generated, replace: false });
      const block = Buffer.from(text, 'utf8');
      expect(plan.next.includes(Buffer.from([...Buffer.from(' = 1h0'), ...utf8, 0x73, 0x0a]))).toBe(true);
      expect(plan.next.subarray(0, block.length).equals(block)).toBe(true);
      expect(plan.next.subarray(block.length).equals(content ?? Buffer.alloc(0))).toBe(true);
      // Run again on what was written: nothing to do.
      expect(planConfig(target(plan.next), text, { generated, replace: false }).changed).toBe(false);
    }
  });

  it('botocore reads the written file, and the duration as validated', () => {
    const { text, generated } = blockWith('1h0\u00b5s');
    const file = path.join(scratch, 'config');
    writeFileSync(
      file,
      planConfig(target(Buffer.from('[default]\nregion = eu-north-1\n')), text, { generated, replace: false }).next,
    );
    const config = loadWithBotocore(file) as unknown as { okta: Record<string, string> };
    expect(config.okta.session_ttl).toBe('1h0\u00b5s');
  });

  it('a character that latin1 would have cut to a newline or bracket stays itself', () => {
    const text = `${blockStart('t')}\n[okta]\naws_saml_url = x\u010ay\u015bz\u015d\n${BLOCK_END}\n`;
    const next = planConfig(target(Buffer.from('[default]\n')), text, { generated: new Set(), replace: false }).next;
    expect(next.toString('utf8')).toContain('aws_saml_url = x\u010ay\u015bz\u015d\n');
    expect(next.toString('latin1').split('\n')).toHaveLength(6);
  });
});

describe('a cached block is checked as the bytes it would write', () => {
  const { text } = blockWith('12h');
  const good = Buffer.from(text, 'utf8');
  const swap = (from: string, to: Buffer) => {
    const at = good.indexOf(from);
    return Buffer.concat([good.subarray(0, at), to, good.subarray(at + from.length)]);
  };

  it("the renderer's own bytes pass, micro signs included", () => {
    const profiles = [...blockWith('12h').generated];
    expect(profiles.length).toBeGreaterThan(1);
    expect(profilesOfBlock(good, 'platform')).toEqual(profiles);
    expect(profilesOfBlock(Buffer.from(blockWith('1h0\u00b5s').text, 'utf8'), 'platform')).toEqual(profiles);
    expect(profilesOfBlock(Buffer.from(blockWith('1h0\u03bcs').text, 'utf8'), 'platform')).toEqual(profiles);
  });

  // Written as latin1, these were "\n", "[" and "]": a new section, and a credential_process that ran.
  it.each([
    ['U+010A (was a newline)', Buffer.from('12h\u010acredential_process = /tmp/evil', 'utf8')],
    ['U+015B and U+015D (were [ and ])', Buffer.from('12h\n\u015bprofile x\u015d', 'utf8')],
    ['a lone 0xB5 byte', Buffer.from([0x31, 0x68, 0x30, 0xb5, 0x73])],
    ['bytes that are not UTF-8', Buffer.from([0x31, 0x32, 0x68, 0x8a])],
    ['U+2028, a line separator to some readers', Buffer.from('12h\u2028', 'utf8')],
    ['a no-break space', Buffer.from('12h\u00a0', 'utf8')],
  ])('%s is refused', (_name, value) => {
    expect(profilesOfBlock(swap('12h', value), 'platform')).toBeUndefined();
  });

  it('the renderer refuses them too, as its last line of defence', () => {
    for (const value of ['x\u010ay', 'x\u015by', '1h\u2028', '1h\ud800s']) {
      expect(() =>
        renderAwsConfig({ ...resolveAwsConfig(organization, 'platform', platform), okta: [['session_ttl', value]] }),
      ).toThrow(/refusing to write/);
    }
  });
});

describe('what validation lets through is what is written', () => {
  const definitions = (
    change: (organization: Organization) => void,
    teamText = example['teams/platform.json']!,
  ): Definitions => {
    const data = structuredClone(organization);
    change(data);
    const file = (name: string, text: string) => ({ file: name, text, size: Buffer.byteLength(text) });
    return {
      root: '/virtual',
      organization: file('organization.json', JSON.stringify(data)),
      teamNames: ['platform'],
      teams: new Map([['platform', file('teams/platform.json', teamText)]]),
    };
  };
  const errorsOf = (defs: Definitions) =>
    validateDefinitions(defs, 'platform').errors.map((problem) => `${problem.pointer}: ${problem.message}`);

  it.each([
    '1h0\u00b5s',
    '12\u03bcs',
    '0',
    '-1h',
    '+90m',
    '.5h',
    '2562047h47m16.854775807s',
    '0.100000000000000000000h',
  ])('session_ttl %j: Go takes it, so robo does', (ttl) => {
    expect(errorsOf(definitions((data) => (data.okta!.session_ttl = ttl)))).toEqual([]);
  });

  it.each([
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['2562047h47m16.854775808s', 'time: invalid duration'],
    ['1d', 'time: unknown unit "d"'],
    ['12 hours', 'time: unknown unit " hours"'],
    ['1h0\u00b5', 'time: unknown unit'],
  ])('session_ttl %j: Go refuses it, so robo does', (ttl, reason) => {
    expect(errorsOf(definitions((data) => (data.okta!.session_ttl = ttl)))).toEqual([
      expect.stringContaining(`/okta/session_ttl: must be a Go duration, like 1h or 30m (${reason}`),
    ]);
  });

  it.each([
    ['59m59.999999999s', []],
    ['1h', []],
    ['3600000000000ns', []],
    ['1h0.000000001s', ['/okta/assume_role_ttl: is over 1h']],
    ['3600000000001ns', ['/okta/assume_role_ttl: is over 1h']],
  ])('assume_role_ttl %j is held to 1h in nanoseconds', (ttl, errors) => {
    expect(
      errorsOf(definitions((data) => (data.okta!.assume_role_ttl = ttl))).map((line) =>
        line.split(':').slice(0, 2).join(':'),
      ),
    ).toEqual(errors);
  });

  it('a string holding an unpaired surrogate is refused: it has no UTF-8', () => {
    const team = example['teams/platform.json']!.replace('"hub_role": "platform"', '"hub_role": "platform\\ud800"');
    expect(errorsOf(definitions(() => {}, team))).toEqual([
      '/hub_role: contains an unpaired surrogate \\uD800 at position 9: not a character, so it cannot be written as UTF-8',
    ]);
  });

  it('a definition file that is not UTF-8 is refused unchecked, with where', async () => {
    const root = path.join(scratch, 'not-utf8');
    writeTree(root, example);
    writeFileSync(
      path.join(root, 'teams', 'platform.json'),
      Buffer.concat([
        Buffer.from('{\n  "hub_role": "platform",\n  "description": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('",\n  "profiles": []\n}\n'),
      ]),
    );
    const loaded = await loadDefinitions(root);
    expect(loaded.teams.get('platform')!.refused).toBe(
      'is not UTF-8: byte 0xE9 at line 3, column 22 (in bytes); definition files must be UTF-8',
    );
    expect(validateDefinitions(loaded, 'platform').errors.map((problem) => problem.file)).toEqual([
      'teams/platform.json',
    ]);
  });
});
