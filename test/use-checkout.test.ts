/** A checkout is kept when its definitions were used, discarded when the use threw; a folder without organization.json is not a source. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefinitionsError } from '../src/errors.js';
import type { Checkout } from '../src/source/source.js';
import { useCheckout } from '../src/source/use-checkout.js';
import { listTeams } from '../src/teams.js';
import { makeDotfilesRepo } from './helpers/git.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** A checkout of a local folder that counts its keep() and discard() calls. */
function counted(dir: string): Checkout & { calls: string[] } {
  const calls: string[] = [];
  return {
    spec: { kind: 'path', dir, origin: '--repo' },
    dir,
    calls,
    keep: async () => void calls.push('keep'),
    discard: async () => void calls.push('discard'),
  };
}

describe('useCheckout', () => {
  it('kept after a use that returns, with the definitions it read', async () => {
    const checkout = counted(makeDotfilesRepo(path.join(sandbox().root, 'dotfiles')));
    expect(await useCheckout(checkout, (definitions) => definitions.teamNames.length > 0)).toBe(true);
    expect(checkout.calls).toEqual(['keep']);
  });

  it('discarded when the use throws, and the error passes through', async () => {
    const checkout = counted(makeDotfilesRepo(path.join(sandbox().root, 'dotfiles')));
    await expect(
      useCheckout(checkout, () => {
        throw new Error('broken');
      }),
    ).rejects.toThrow('broken');
    expect(checkout.calls).toEqual(['discard']);
  });

  it('a folder without organization.json: not a dotfiles source, discarded, the use never runs', async () => {
    const dir = path.join(sandbox().root, 'elsewhere');
    mkdirSync(path.join(dir, 'teams'), { recursive: true });
    writeFileSync(path.join(dir, 'teams', 'platform.json'), '{}');
    const checkout = counted(dir);
    const error = await useCheckout(checkout, () => 'used').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DefinitionsError);
    expect((error as DefinitionsError).message).toBe(
      `${dir} is not a dotfiles source: it has no organization.json at its root`,
    );
    expect(checkout.calls).toEqual(['discard']);
  });

  it('teams.list says the same, with what a source holds', async () => {
    const box = sandbox();
    const dir = path.join(box.root, 'elsewhere');
    mkdirSync(dir);
    const error = await listTeams({ repo: dir, env: box.env, cwd: box.root }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      message: `${dir} is not a dotfiles source: it has no organization.json at its root`,
      details: [expect.stringMatching(/^expected organization\.json and teams\/<team>\.json/)],
    });
  });
});
