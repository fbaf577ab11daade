/** Where the definitions come from: flag, variable, settings file, embedded default. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGitUrl, resolveSourceSpec } from '../src/source/source.js';

const settings = (repo?: string, ref?: string) => ({
  file: '/s',
  dotfiles: { repo, ref },
  user: {},
  nightly: { maxOfflineMs: 0 },
  trust: { requireSigned: false, pgpFingerprints: [] },
});

describe('resolveSourceSpec', () => {
  const cwd = '/work';
  it.each([
    [
      '--repo wins over everything',
      { repo: 'https://a/x.git' },
      { ROBO_DOTFILES_REPO: 'https://b/x.git' },
      settings('https://c/x.git'),
      { kind: 'git', url: 'https://a/x.git', origin: '--repo' },
    ],
    [
      'then $ROBO_DOTFILES_REPO',
      {},
      { ROBO_DOTFILES_REPO: 'git@host:org/x.git' },
      settings('https://c/x.git'),
      { kind: 'git', url: 'git@host:org/x.git', origin: '$ROBO_DOTFILES_REPO' },
    ],
    [
      'then the settings file',
      {},
      {},
      settings('https://c/x.git', 'v2'),
      { kind: 'git', url: 'https://c/x.git', ref: 'v2', origin: 'settings' },
    ],
    [
      'a relative folder is taken from the working directory',
      { repo: 'dotfiles' },
      {},
      settings(),
      { kind: 'path', dir: '/work/dotfiles', origin: '--repo' },
    ],
    [
      '~ is the home folder',
      {},
      { ROBO_DOTFILES_REPO: '~/src/dotfiles', HOME: '/home/u' },
      settings(),
      { kind: 'path', dir: '/home/u/src/dotfiles' },
    ],
    [
      'a folder with a ref is cloned like a URL',
      { repo: '/srv/dotfiles', ref: 'next' },
      {},
      settings(),
      { kind: 'git', url: '/srv/dotfiles', ref: 'next' },
    ],
    [
      '--ref wins over $ROBO_DOTFILES_REF and settings',
      { repo: 'https://a/x.git', ref: 'r1' },
      { ROBO_DOTFILES_REF: 'r2' },
      settings(undefined, 'r3'),
      { ref: 'r1' },
    ],
    [
      '$ROBO_DOTFILES_REF wins over settings',
      { repo: 'https://a/x.git' },
      { ROBO_DOTFILES_REF: 'r2' },
      settings(undefined, 'r3'),
      { ref: 'r2' },
    ],
  ])('%s', (_name, flags, env, fromSettings, expected) => {
    expect(resolveSourceSpec({ ...flags, env: env as NodeJS.ProcessEnv, cwd, settings: fromSettings })).toMatchObject(
      expected,
    );
  });

  it('falls back to the organisation bundled with the package', () => {
    const spec = resolveSourceSpec({ env: {}, cwd, settings: settings() });
    expect(spec.kind).toBe('embedded');
    expect(spec.kind === 'embedded' && path.basename(spec.dir)).not.toBe('src');
  });
});

describe('isGitUrl', () => {
  it.each([
    ['https://github.com/org/dotfiles.git', true],
    ['ssh://git@host/dotfiles.git', true],
    ['git://127.0.0.1:9418/dotfiles', true],
    ['file:///srv/dotfiles', true],
    ['git@github.com:org/dotfiles.git', true],
    ['github.com:org/dotfiles.git', true],
    ['/srv/dotfiles', false],
    ['./odd:name', false],
    ['dotfiles', false],
  ])('%s → %s', (location, expected) => {
    expect(isGitUrl(location)).toBe(expected);
  });
});
