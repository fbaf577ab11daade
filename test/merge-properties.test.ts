/**
 * A differential property test of the merge, with botocore as the oracle.
 * fast-check generates user configs full of what trips INI readers: headers
 * with trailing comments or text, leading spaces, tabs, no-break and other
 * Unicode spaces, CR, CRLF and LF line ends, indented settings and
 * continuation lines, quoted and doubly spaced names, `key: value`, and
 * [profile X], [X], [okta] and [default] sections whose names collide with
 * robo's. The planner runs in-process; then one python process reads every
 * input and output with botocore's own loader, and for each case:
 * 1. if botocore loaded the input, it loads the output;
 * 2. the output has exactly robo's sections for robo's names, with robo's values;
 * 3. every other section botocore saw in the input is still there, with the same values.
 * robo may refuse a file instead (exit 7) when it cannot keep all three; it must do so rarely.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode, UnmergeableConfigError } from '../src/errors.js';
import { awsOktaProfile } from '../src/plan/config-readers.js';
import { planConfig, type Plan } from '../src/plan/plan.js';
import { BLOCK_END, blockStart } from '../src/render/render.js';
import type { Target } from '../src/apply/target.js';
import { readManyWithBotocore } from './helpers/botocore.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'robo-merge-props-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SEED = Number(process.env.ROBO_PROPERTY_SEED ?? 424242);
const RUNS = Number(process.env.ROBO_PROPERTY_RUNS ?? 400);

/** robo's side: a block and the values botocore must read for each of its sections. */
interface Robo {
  text: string;
  generated: Set<string>;
  sections: Record<string, Record<string, string>>;
}

function robo(team: string, profiles: string[]): Robo {
  const sections: Record<string, Record<string, string>> = {
    okta: { aws_saml_url: 'home/amazon_aws/abc/1' },
    'profile hub': { role_arn: `arn:aws:iam::100000000001:role/${team}`, region: 'us-west-2' },
  };
  for (const name of profiles)
    sections[`profile ${name}`] = {
      role_arn: `arn:aws:iam::200000000002:role/${name}`,
      source_profile: 'hub',
      region: 'eu-west-1',
    };
  const body = Object.entries(sections).map(([name, keys]) =>
    [`[${name}]`, ...Object.entries(keys).map(([key, value]) => `${key} = ${value}`)].join('\n'),
  );
  return {
    text: [blockStart(team), body.join('\n\n'), BLOCK_END, ''].join('\n'),
    generated: new Set(['hub', ...profiles]),
    sections,
  };
}

const teams = [robo('platform', ['dev', 'prod']), robo('data', ['default', 'dev'])];

const name = fc.constantFrom('dev', 'prod', 'hub', 'okta', 'default', 'mine', 'other', 'sso');
const space = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u3000', '\u2003', '\u001c', '\u000c', '\ufeff');
const header = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: space }),
    fc.constantFrom(
      '[profile N]',
      '[profile N]',
      '[N]',
      '[profile "N"]',
      "[profile 'N']",
      '[profile  N]',
      '[profile\tN]',
      '[ profile N ]',
      '[N ]',
      '[profile N] = x',
      '[N]=1',
      '[profiles N]',
      '[profile\u00a0N]',
    ),
    name,
    fc.constantFrom('', '', '', ' # mine', ' ; mine', '#x', 'x', ' \u00a0', '\t'),
  )
  .map(([lead, form, profile, trail]) => lead + form.replace('N', profile) + trail);
const body = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'region = us-east-1',
      'output: json',
      'role_arn = arn:aws:iam::1:role/mine',
      'cli_pager =',
      'k=v',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('# a comment', '; a comment', '   # indented comment', '', '   ', '\u00a0') },
  {
    weight: 2,
    arbitrary: fc
      .tuple(space, fc.constantFrom('continued', 'sub = 1', '[profile dev]', '[okta]', 'region = x'))
      .map(([lead, text]) => lead + text),
  },
  { weight: 1, arbitrary: fc.constantFrom('s3 =\n  max_concurrent_requests = 20', 'junk', '= novalue') },
);
const section = fc
  .tuple(header, fc.array(body, { maxLength: 4 }), fc.boolean())
  .map(([head, lines, gap]) => [head, ...lines, ...(gap ? [''] : [])]);

interface Case {
  team: Robo;
  content: Buffer;
  /** The block of robo's already in the file, if any: its sections are robo's to replace. */
  old: Robo | undefined;
}

const userFile: fc.Arbitrary<Case> = fc
  .record({
    team: fc.constantFrom(...teams),
    preamble: fc.array(fc.constantFrom('# my config', '', '; notes'), { maxLength: 2 }),
    sections: fc.array(section, { maxLength: 6 }),
    // An old block of robo's, maybe with the user's lines after it.
    block: fc.option(fc.tuple(fc.nat(), fc.constantFrom(...teams)), { nil: undefined, freq: 3 }),
    endings: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
    mixed: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 40, maxLength: 40 }),
    finalBreak: fc.boolean(),
  })
  .map(({ team, preamble, sections, block, endings, mixed, finalBreak }) => {
    const parts = [preamble, ...sections];
    let line = 0;
    const ending = () => (endings === 'mixed' ? mixed[line++ % mixed.length]! : endings);
    const texts = parts.map((lines) =>
      lines
        .flatMap((text) => text.split('\n'))
        .map((text) => text + ending())
        .join(''),
    );
    // An old block of robo's goes between two sections, where robo or the user put it; its lines end at \n.
    if (block) {
      const at = 1 + (block[0] % parts.length);
      if (
        !texts
          .slice(0, at)
          .join('')
          .match(/(^|\n)$/)
      )
        texts[at - 1] += '\n';
      texts.splice(at, 0, block[1].text);
    }
    let text = texts.join('');
    if (!finalBreak) text = text.replace(/(\r\n|\r|\n)$/, '');
    return { team, content: Buffer.from(text, 'utf8'), old: block?.[1] };
  });

const target = (content: Buffer): Target => ({
  path: '/home/u/.aws/config',
  file: '/home/u/.aws/config',
  content,
  mode: 0o600,
});

/** The name aws-okta would give a section botocore calls `raw`, had its header line been a go-ini header. */
const goName = (raw: string) =>
  awsOktaProfile(
    raw.replace(
      /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g,
      '',
    ),
  );

describe('merging into generated user configs, checked by botocore', () => {
  it(`botocore reads robo's profiles as robo's and every other section as before (${RUNS} cases, seed ${SEED})`, () => {
    const cases = fc.sample(userFile, { numRuns: RUNS, seed: SEED });
    const planned: Array<{
      index: number;
      team: Robo;
      old: Robo | undefined;
      input: string;
      output: string;
      removed: number;
    }> = [];
    let refused = 0;
    cases.forEach(({ team, content, old }, index) => {
      let plan: Plan;
      try {
        plan = planConfig(target(content), team.text, { generated: team.generated, replace: false });
      } catch (error) {
        // Refusing is allowed, with its documented code and a message naming the file and line.
        expect(error, content.toString('latin1')).toBeInstanceOf(UnmergeableConfigError);
        expect((error as UnmergeableConfigError).exitCode).toBe(ExitCode.brokenMarkers);
        expect((error as Error).message).toMatch(/^\/home\/u\/\.aws\/config: line \d+ /);
        refused += 1;
        return;
      }
      const input = path.join(scratch, `case-${index}.in`);
      const output = path.join(scratch, `case-${index}.out`);
      writeFileSync(input, content);
      writeFileSync(output, plan.next);
      planned.push({ index, team, old, input, output, removed: plan.removed.length });
    });
    const results = readManyWithBotocore(planned.flatMap(({ input, output }) => [input, output]));
    let loaded = 0;
    let takenOut = 0;
    planned.forEach(({ index, team, old, input, removed }, position) => {
      const [before, after] = [results[2 * position]!, results[2 * position + 1]!];
      const context = `case ${index}: ${JSON.stringify(cases[index]!.content.toString('utf8'))} (${input})`;
      if (before.ok) {
        loaded += 1;
        if (removed > 0) takenOut += 1;
        // 1. botocore could load it before, so it can after.
        expect(after.ok ? 'loaded' : after.error, context).toBe('loaded');
      }
      if (!after.ok) return;
      // 2. robo's sections are robo's, and no other section is filed under one of robo's names.
      for (const [section, values] of Object.entries(team.sections))
        expect(after.raw[section], `${context}: [${section}]`).toEqual(values);
      for (const profile of team.generated)
        expect(after.config.profiles[profile], `${context}: profile ${profile}`).toEqual(
          team.sections[`profile ${profile}`],
        );
      for (const raw of Object.keys(after.raw))
        if (!(raw in team.sections))
          expect([raw, after.profileOf[raw]!.some((profile) => team.generated.has(profile))], context).toEqual([
            raw,
            false,
          ]);
      if (!before.ok) return;
      // 3. Every other section is still there with the same values. A section aws-okta may read as one of robo's may be gone.
      const taken = new Set([...team.generated, 'okta']);
      for (const [raw, values] of Object.entries(before.raw)) {
        const robos = raw === 'okta' || before.profileOf[raw]!.some((profile) => team.generated.has(profile));
        if (robos || (old !== undefined && raw in old.sections)) continue;
        if (taken.has(goName(raw)) && !(raw in after.raw)) continue;
        expect(after.raw[raw], `${context}: [${raw}]`).toEqual(values);
      }
    });
    // The generator must keep producing cases that matter: files botocore loads, some with sections
    // robo takes out, and few refusals.
    console.log(
      `${RUNS} cases: botocore loaded ${loaded}, robo took sections out of ${takenOut} of those, and refused ${refused}`,
    );
    expect(loaded).toBeGreaterThan(RUNS / 5);
    expect(takenOut).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeLessThan(RUNS / 5);
  });
});
