/**
 * robo's settings file: what it may hold ([user] team, [nightly] max_offline),
 * how robo edits it (only the lines that change, comments kept, mode 0600,
 * symlinks kept), and the team's precedence: --team, $SEGMENT_TEAM, settings.
 */
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import {
  MAX_OFFLINE_DURATION,
  editSettingsText,
  parseSettings,
  readSettings,
  updateSettings,
  type SettingChange,
} from '../src/settings.js';
import { parseDuration } from '../src/duration.js';
import { exampleTree, makeDotfilesRepo } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const set = (section: string, key: string, value: string | undefined): SettingChange => ({ section, key, value });

describe('parseSettings', () => {
  it('reads the team and the nightly threshold, with a default of 7 days', () => {
    const settings = parseSettings('[user]\nteam = platform\n[nightly]\nmax_offline = 36h\n', '/s');
    expect(settings.user.team).toBe('platform');
    expect(settings.nightly.maxOfflineMs).toBe(36 * 3_600_000);
    expect(parseSettings('', '/s').nightly.maxOfflineMs).toBe(7 * 24 * 3_600_000);
    expect(parseSettings('', '/s').user.team).toBeUndefined();
  });

  it('a team called "true" stays a team (ini reads it as a boolean)', () => {
    expect(parseSettings('[user]\nteam = true\n', '/s').user.team).toBe('true');
  });

  it.each([
    ['[user]\nteam = ../etc\n', '/s: [user] team: "../etc" is not a team name'],
    ['[user]\nteam = Platform\n', '/s: [user] team: "Platform" is not a team name'],
    ['[user]\nname = me\n', '/s: [user] name: unknown key (known: team)'],
    [
      '[nightly]\nmax_offline = 7 days\n',
      '/s: [nightly] max_offline: "7 days" is not a duration: write days or hours, as 7d or 36h',
    ],
    ['[nightly]\nmax_offline = 1w\n', '/s: [nightly] max_offline: "1w" is not a duration'],
    // A bare number would be seconds in robo's duration syntax: a unit is required here.
    ['[nightly]\nmax_offline = 7\n', '/s: [nightly] max_offline: "7" is not a duration'],
    ['[nightly]\nmax_offline = off\n', '/s: [nightly] max_offline: "off" is not a duration'],
  ])('%j is refused, naming the file, section and key', (text, message) => {
    let details: readonly string[] = [];
    try {
      parseSettings(text, '/s');
    } catch (error) {
      details = (error as { details: readonly string[] }).details;
    }
    expect(details.join('\n')).toContain(message);
  });

  it.each([
    ['7d', 7 * 24],
    ['36h', 36],
    ['0d', 0],
    [' 2d ', 48],
    ['7 d', 7 * 24],
    ['3d12h', 84],
    ['90m', 1.5],
    ['1.5d', 36],
  ])('max_offline %j is %d hours', (text, hours) => {
    expect(parseDuration(text, MAX_OFFLINE_DURATION)).toEqual({ ms: hours * 3_600_000 });
    expect(parseSettings(`[nightly]\nmax_offline = ${text}\n`, '/s').nightly.maxOfflineMs).toBe(hours * 3_600_000);
  });
});

describe('editSettingsText', () => {
  it.each([
    [
      'an empty file gets the section',
      '',
      [set('dotfiles', 'repo', 'git@h:o/d.git')],
      '[dotfiles]\nrepo = git@h:o/d.git\n',
    ],
    [
      'a key is replaced where it is',
      '[dotfiles]\nrepo = old\nref = main\n',
      [set('dotfiles', 'repo', 'new')],
      '[dotfiles]\nrepo = new\nref = main\n',
    ],
    [
      'comments and blank lines stay; a new key goes after the last line of its section',
      '# mine\n[dotfiles]\n; the repo\nrepo = a\n\n[trust]\nrequire_signed = false\n',
      [set('dotfiles', 'ref', 'v2')],
      '# mine\n[dotfiles]\n; the repo\nrepo = a\nref = v2\n\n[trust]\nrequire_signed = false\n',
    ],
    [
      'a new section goes at the end, after a blank line',
      '[trust]\nrequire_signed = false',
      [set('user', 'team', 'data')],
      '[trust]\nrequire_signed = false\n\n[user]\nteam = data\n',
    ],
    [
      'a last line without a newline keeps none when replaced',
      '[user]\nteam = fpa',
      [set('user', 'team', 'data')],
      '[user]\nteam = data',
    ],
    [
      'duplicates of the key are folded into the first',
      '[user]\nteam = a\n[dotfiles]\nrepo = r\n[user]\nteam = b\n',
      [set('user', 'team', 'c')],
      '[user]\nteam = c\n[dotfiles]\nrepo = r\n[user]\n',
    ],
    [
      'a key is taken out',
      '[dotfiles]\nrepo = r\nref = old\n',
      [set('dotfiles', 'ref', undefined)],
      '[dotfiles]\nrepo = r\n',
    ],
    [
      'taking out a missing key changes nothing',
      '[dotfiles]\nrepo = r\n',
      [set('dotfiles', 'ref', undefined)],
      '[dotfiles]\nrepo = r\n',
    ],
    [
      'CRLF files get CRLF lines',
      '[user]\r\nteam = a\r\n',
      [set('user', 'team', 'b'), set('dotfiles', 'repo', 'r')],
      '[user]\r\nteam = b\r\n\r\n[dotfiles]\r\nrepo = r\r\n',
    ],
    [
      'the same key in another section is left alone',
      '[trust]\nteam = x\n',
      [set('user', 'team', 'y')],
      '[trust]\nteam = x\n\n[user]\nteam = y\n',
    ],
    [
      'a line that already says it stays as written',
      '[user]\nteam   =   data  ; note\n',
      [set('user', 'team', 'data')],
      '[user]\nteam   =   data  ; note\n',
    ],
    [
      'a line that says something else is written anew',
      '[user]\nteam   =   data  ; note\n',
      [set('user', 'team', 'fpa')],
      '[user]\nteam = fpa\n',
    ],
  ])('%s', (_name, text, changes, expected) => {
    expect(editSettingsText(text, changes)).toBe(expected);
  });

  it.each([
    'https://host/d.git?ref=a;b#c',
    'git@host:org/dotfiles.git',
    '/srv/dot files/a&b "q" %f $g',
    ' padded',
    'x = y',
  ])('the value %j reads back as written', (value) => {
    const text = editSettingsText('[dotfiles]\nref = main\n', [set('dotfiles', 'repo', value)]);
    expect((ini.parse(text) as { dotfiles: { repo: string } }).dotfiles.repo).toBe(value);
    expect(text).toContain('ref = main\n');
  });
});

describe('updateSettings', () => {
  it('writes mode 0600 at once, keeps the rest of the file, and does not write when nothing changes', async () => {
    const box = sandbox();
    const file = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '# my settings\n[trust]\nrequire_signed = false\n', { mode: 0o644 });
    const first = await updateSettings(file, [set('dotfiles', 'repo', 'git@h:o/d.git'), set('user', 'team', 'data')]);
    expect(first.changed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(
      '# my settings\n[trust]\nrequire_signed = false\n\n[dotfiles]\nrepo = git@h:o/d.git\n\n[user]\nteam = data\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const settings = await readSettings(file);
    expect([settings.dotfiles.repo, settings.user.team]).toEqual(['git@h:o/d.git', 'data']);

    const stamp = statSync(file).ctimeMs;
    const again = await updateSettings(file, [set('user', 'team', 'data')]);
    expect(again.changed).toBe(false);
    expect(statSync(file).ctimeMs).toBe(stamp);
  });

  it('creates the folder and the file', async () => {
    const box = sandbox();
    const file = path.join(box.home, '.config', 'robo', 'config');
    await updateSettings(file, [set('user', 'team', 'fpa')]);
    expect(readFileSync(file, 'utf8')).toBe('[user]\nteam = fpa\n');
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['a symlink, which stays', '[user]\nteam = a\n'],
    ['a dangling symlink to the file it names, and the link stays', undefined],
  ])('writes through %s', async (_, before) => {
    const box = sandbox();
    const real = path.join(box.root, 'dotfiles', 'robo.ini');
    mkdirSync(path.dirname(real), { recursive: true });
    if (before !== undefined) writeFileSync(real, before);
    const file = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(file), { recursive: true });
    symlinkSync(real, file);
    await updateSettings(file, [set('user', 'team', 'b')]);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('[user]\nteam = b\n');
  });

  it('refuses to edit an invalid file, and leaves it as it was', async () => {
    const box = sandbox();
    const file = path.join(box.home, 'config');
    writeFileSync(file, '[dotfile]\nrepo = typo\n');
    await expect(updateSettings(file, [set('user', 'team', 'a')])).rejects.toThrow(
      `invalid robo settings file ${file}`,
    );
    expect(readFileSync(file, 'utf8')).toBe('[dotfile]\nrepo = typo\n');
  });
});

describe('aws.config with a team in the settings', () => {
  it('uses it; $SEGMENT_TEAM outranks it, and --team both', async () => {
    const box = sandbox();
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'), exampleTree());
    const file = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `[dotfiles]\nrepo = ${repo}\n\n[user]\nteam = data\n`);
    const block = (team: string) => `# >>> robo aws.config - team ${team} -`;

    const fromSettings = await runRobo(['aws.config'], { env: box.env });
    expect(fromSettings.stderr).toBe('');
    expect(fromSettings.code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toContain(block('data'));

    expect((await runRobo(['aws.config'], { env: { ...box.env, SEGMENT_TEAM: 'fpa' } })).code).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toContain(block('fpa'));

    expect(
      (await runRobo(['aws.config', '--team', 'platform'], { env: { ...box.env, SEGMENT_TEAM: 'fpa' } })).code,
    ).toBe(0);
    expect(readFileSync(box.awsConfig, 'utf8')).toContain(block('platform'));
  });

  it('an unknown team from the settings names the settings file', async () => {
    const box = sandbox();
    const file = path.join(box.home, '.config', 'robo', 'config');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '[user]\nteam = nosuch\n');
    const result = await runRobo(['aws.render'], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown team "nosuch" (from team in ~/.config/robo/config)');
  });
});
