/**
 * Your own sections as botocore reads them, end to end: the built CLI takes
 * out the headers botocore sees as robo's profiles however they are written,
 * and refuses (exit 7, nothing written) a file it cannot merge without
 * changing how the AWS CLI reads your other lines.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWithBotocore } from './helpers/botocore.js';
import { treeState } from './helpers/files.js';
import { projectRoot, runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const snapshot = (team: string) =>
  readFileSync(path.join(projectRoot, 'test', '__snapshots__', 'teams', `${team}.config`), 'utf8');

describe('robo aws.config reads your headers as botocore does', () => {
  it('a CR-only file with [profile dev] # mine and a no-break-space-indented [profile stage]: both taken out, botocore loads the result', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    const user =
      '\u00a0[profile stage]\rregion = eu-north-1\r\r[default]\rregion = eu-north-1\r\r[profile dev] # mine\rregion = eu-west-3\r\r[profile mine]\rregion = ap-south-1\r';
    writeFileSync(box.awsConfig, user);
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('took 2 of your own section(s) out');
    expect(result.stderr).toContain('[profile stage] (was at line 1)');
    expect(result.stderr).toContain('[profile dev] # mine (was at line 7)');
    const parsed = loadWithBotocore(box.awsConfig);
    expect(parsed.profiles.dev?.source_profile).toBe('hub');
    expect(parsed.profiles.stage?.source_profile).toBe('hub');
    expect(parsed.profiles.default).toEqual({ region: 'eu-north-1' });
    expect(parsed.profiles.mine).toEqual({ region: 'ap-south-1' });
    // The rest of the user's bytes, CR line ends included, follow the block unchanged.
    expect(readFileSync(box.awsConfig, 'utf8')).toBe(
      `${snapshot('platform')}[default]\rregion = eu-north-1\r\r[profile mine]\rregion = ap-south-1\r`,
    );
  });

  it('refuses with exit 7, naming the file and line, when taking a section out would change how the AWS CLI reads the next one', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    // " [profile mine]" is a header only because the setting above it is indented as deeply.
    writeFileSync(
      box.awsConfig,
      '[default]\nregion = eu-north-1\n[profile dev]\n region = eu-west-3\n [profile mine]\n region = ap-south-1\n',
    );
    const outsideCache = (rel: string) => !rel.includes('.cache');
    const before = treeState(box.root, outsideCache);
    const result = await runRobo(['aws.config'], { env: box.env });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(
      `${box.awsConfig}: line 5 ("[profile mine]"): the AWS CLI would read it as the continuation of the value above it, not as a section header; nothing was written`,
    );
    expect(result.stderr).toContain('--replace');
    expect(treeState(box.root, outsideCache)).toEqual(before);
  });
});
