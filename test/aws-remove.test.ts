/** aws.remove's plan, in-process: only the block's bytes go, and damaged markers are refused. */
import { describe, expect, it } from 'vitest';
import { BrokenMarkersError } from '../src/errors.js';
import { readBlock } from '../src/plan/block.js';
import { planRemoval } from '../src/plan/remove.js';
import type { Target } from '../src/apply/target.js';

const BLOCK =
  '# >>> robo aws.config - team platform - generated, local edits are overwritten\n[okta]\naws_saml_url = x\n\n[profile hub]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-west-1\n# <<< robo aws.config\n';
const target = (content: string | undefined): Target => ({
  path: '/c',
  file: '/c',
  content: content === undefined ? undefined : Buffer.from(content, 'latin1'),
  mode: 0o600,
});

describe('planRemoval', () => {
  it.each([
    ['block at the top, user lines after', BLOCK + '[default]\nregion = x', '[default]\nregion = x'],
    ['block at the end', '[default]\nregion = x\n' + BLOCK, '[default]\nregion = x\n'],
    [
      'block in the middle, CRLF and latin1 bytes around it',
      '[a]\r\nk = \xe9\r\n' + BLOCK + '[b]\r\n',
      '[a]\r\nk = \xe9\r\n[b]\r\n',
    ],
    ['only the block', BLOCK, ''],
  ])('%s: the rest stays byte for byte', (_name, before, after) => {
    const plan = planRemoval(target(before))!;
    expect(plan.next.toString('latin1')).toBe(after);
    expect(plan.changed).toBe(true);
    expect(plan.team).toBe('platform');
    expect(plan.profiles).toEqual(['hub', 'dev']);
  });

  it.each([
    ['no file', undefined],
    ['no block', '[default]\nregion = x\n'],
    ['an empty file', ''],
  ])('%s: nothing to remove', (_name, content) => {
    expect(planRemoval(target(content))).toBeUndefined();
  });

  it.each([
    ['a start without an end', '# >>> robo aws.config - team x - generated\n[default]\n'],
    ['two end markers', BLOCK + '# <<< robo aws.config\n'],
    ['a damaged marker', '#>>> robo aws.config?\n'],
  ])('%s: refused (exit 7)', (_name, content) => {
    expect(() => planRemoval(target(content))).toThrow(BrokenMarkersError);
  });
});

describe('readBlock', () => {
  it('reads the team and the profiles but [okta] from the block', () => {
    expect(readBlock(Buffer.from('[default]\n' + BLOCK))).toMatchObject({
      kind: 'found',
      team: 'platform',
      profiles: ['hub', 'dev'],
    });
    expect(readBlock(Buffer.from('[default]\n'))).toEqual({ kind: 'none' });
  });
});
