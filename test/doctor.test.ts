/** robo doctor's checks as tables: facts in, ✔ ⚠ or ✖ out, with a fix for every problem. */
import { describe, expect, it } from 'vitest';
import * as checks from '../src/doctor/checks.js';
import { rcTeam } from '../src/shell-rc.js';
import { readBlock } from '../src/plan/block.js';

const now = new Date('2026-03-10T12:00:00Z');
const BLOCK =
  '# >>> robo aws.config - team platform - generated, local edits are overwritten\n[okta]\naws_saml_url = x\n\n[profile hub]\nregion = r\n# <<< robo aws.config\n';
const statusOf = (check: checks.Check) => [check.status, check.fix !== undefined];

describe('checks', () => {
  it.each<[string, checks.Check, checks.CheckStatus, RegExp]>([
    ['node 20.19 is enough', checks.checkNode('v20.19.0'), 'ok', /v20\.19\.0/],
    ['node 22 is enough', checks.checkNode('v22.1.0'), 'ok', /v22/],
    ['node 20.18 is not', checks.checkNode('v20.18.3'), 'fail', /older than 20\.19/],
    ['node 18 is not', checks.checkNode('v18.20.0'), 'fail', /older than 20\.19/],
    ['git found', checks.checkGit('git version 2.43.0\n'), 'ok', /^git version 2\.43\.0$/],
    ['git missing', checks.checkGit(undefined), 'fail', /not installed/],
    ['bundled example source', checks.checkSource('embedded', 'the example'), 'warn', /no dotfiles repo configured/],
    ['a git source', checks.checkSource('git', 'git@x:y.git'), 'ok', /git@x:y\.git/],
    [
      'remote answers, clone current',
      checks.checkRemote(
        { kind: 'commit', commit: 'a'.repeat(40) },
        { commit: 'a'.repeat(40), commitDate: new Date('2026-03-09T12:00:00Z') },
        now,
      ),
      'ok',
      /reachable.*24 hours ago/,
    ],
    [
      'remote ahead of the clone',
      checks.checkRemote({ kind: 'commit', commit: 'b'.repeat(40) }, { commit: 'a'.repeat(40), commitDate: now }, now),
      'warn',
      /may be behind/,
    ],
    [
      'remote silent, clone there',
      checks.checkRemote({ kind: 'error', reason: 'timed out' }, { commit: 'a'.repeat(40), commitDate: now }, now),
      'warn',
      /did not answer: timed out/,
    ],
    [
      'remote silent, no clone',
      checks.checkRemote({ kind: 'error', reason: 'timed out' }, undefined, now),
      'fail',
      /did not answer/,
    ],
    ['no config', checks.checkConfigParse('~/.aws/config', undefined), 'warn', /does not exist/],
    [
      'a readable config',
      checks.checkConfigParse('~/.aws/config', Buffer.from('[default]\nregion = x\n' + BLOCK)),
      'ok',
      /3 section\(s\)/,
    ],
    [
      'a section twice',
      checks.checkConfigParse('~/.aws/config', Buffer.from('[default]\na = 1\n[profile x]\nb = 2\n[default]\nc = 3\n')),
      'fail',
      /section \[default\] at lines 1 and 5/,
    ],
    [
      'an unparsable line',
      checks.checkConfigParse('~/.aws/config', Buffer.from('[default]\nthis is not a setting\n')),
      'fail',
      /line 2 is not a header/,
    ],
    ['markers intact', checks.checkMarkers('c', readBlock(Buffer.from(BLOCK))), 'ok', /team platform, 1 profile/],
    ['no block', checks.checkMarkers('c', readBlock(Buffer.from('[default]\n'))), 'warn', /no robo block/],
    [
      'a damaged marker',
      checks.checkMarkers('c', readBlock(Buffer.from('# >>> robo aws.config - team x - y\n'))),
      'fail',
      /start marker without an end marker at line 1/,
    ],
    ['no drift', checks.checkDrift({ kind: 'same' }), 'ok', /is what the source says/],
    ['drift', checks.checkDrift({ kind: 'changed' }), 'warn', /differs/],
    ['drift not checked', checks.checkDrift({ kind: 'skipped', reason: 'no team' }), 'warn', /not checked: no team/],
    [
      'drift check fails',
      checks.checkDrift({ kind: 'error', reason: 'invalid definitions' }),
      'fail',
      /invalid definitions/,
    ],
    ['no shadows', checks.checkShadows('creds', ['default'], ['hub']), 'ok', /no profile/],
    ['a shadow', checks.checkShadows('creds', ['default', 'hub'], ['hub', 'dev']), 'warn', /also defines hub/],
    ['AWS_PROFILE unset', checks.checkProfileVariables({}, new Set()), 'ok', /not set/],
    [
      'AWS_PROFILE known',
      checks.checkProfileVariables({ AWS_PROFILE: 'hub' }, new Set(['hub'])),
      'ok',
      /AWS_PROFILE=hub/,
    ],
    [
      'AWS_PROFILE unknown',
      checks.checkProfileVariables({ AWS_PROFILE: 'gone' }, new Set(['hub'])),
      'fail',
      /\$AWS_PROFILE is gone/,
    ],
    [
      'AWS_DEFAULT_PROFILE unknown',
      checks.checkProfileVariables({ AWS_DEFAULT_PROFILE: 'gone' }, new Set(['hub'])),
      'fail',
      /\$AWS_DEFAULT_PROFILE is gone/,
    ],
    ['aws-okta found', checks.checkLoginTool('/usr/bin/aws-okta', 'v1.0.11\n'), 'ok', /\(v1\.0\.11\)/],
    ['aws-okta missing', checks.checkLoginTool(undefined, undefined), 'warn', /not on PATH/],
    [
      'AWS CLI v2',
      checks.checkAwsCli('/usr/bin/aws', 'aws-cli/2.15.30 Python/3.11.8\n', 's'),
      'ok',
      /\(aws-cli\/2\.15\.30\)$/,
    ],
    [
      'AWS CLI v1',
      checks.checkAwsCli('/usr/bin/aws', 'aws-cli/1.45.11 Python/3.11.7\n', 's'),
      'warn',
      /aws-cli\/1\.45\.11: aws sso login needs the AWS CLI v2/,
    ],
    ['AWS CLI silent', checks.checkAwsCli('/usr/bin/aws', '', 's'), 'warn', /did not say its version/],
    ['AWS CLI missing', checks.checkAwsCli(undefined, undefined, 's'), 'warn', /not on PATH/],
    [
      'sso token valid',
      checks.checkSsoToken('s', 'f', { kind: 'found', expiresAt: '2026-03-10T20:00:00Z', refreshToken: false }, now),
      'ok',
      /^sso-session s: token valid for 8 hours$/,
    ],
    [
      'sso token in the older UTC form',
      checks.checkSsoToken('s', 'f', { kind: 'found', expiresAt: '2026-03-10T13:00:00UTC', refreshToken: false }, now),
      'ok',
      /valid for 1 hour$/,
    ],
    [
      'sso token expired',
      checks.checkSsoToken('s', 'f', { kind: 'found', expiresAt: '2026-03-10T10:00:00Z', refreshToken: false }, now),
      'fail',
      /^the token for sso-session s expired 2 hours ago$/,
    ],
    [
      'sso token expired, refreshable',
      checks.checkSsoToken(
        's',
        'f',
        {
          kind: 'found',
          expiresAt: '2026-03-10T10:00:00Z',
          refreshToken: true,
          registrationExpiresAt: '2026-04-01T00:00:00Z',
        },
        now,
      ),
      'warn',
      /expired 2 hours ago; the AWS CLI may refresh it/,
    ],
    [
      'sso token expired, registration expired too',
      checks.checkSsoToken(
        's',
        'f',
        {
          kind: 'found',
          expiresAt: '2026-03-10T10:00:00Z',
          refreshToken: true,
          registrationExpiresAt: '2026-03-01T00:00:00Z',
        },
        now,
      ),
      'fail',
      /expired 2 hours ago$/,
    ],
    [
      'sso token without expiresAt',
      checks.checkSsoToken('s', 'f', { kind: 'found', refreshToken: false }, now),
      'fail',
      /no readable expiresAt/,
    ],
    [
      'sso token not JSON',
      checks.checkSsoToken('s', 'f', { kind: 'unreadable', reason: 'not JSON' }, now),
      'fail',
      /cannot be read: not JSON/,
    ],
    [
      'sso token missing',
      checks.checkSsoToken('s', 'f', { kind: 'missing' }, now),
      'fail',
      /^no token for sso-session s in f$/,
    ],
    ['nightly not installed', checks.checkNightly(undefined, undefined, now), 'warn', /not installed/],
    ['nightly never ran', checks.checkNightly('cron', undefined, now), 'ok', /not run yet/],
    [
      'nightly ran',
      checks.checkNightly(
        'cron',
        { time: new Date('2026-03-10T02:00:00Z'), team: 'p', commit: undefined, result: 'unchanged' },
        now,
      ),
      'ok',
      /10 hours ago: unchanged/,
    ],
    [
      'nightly failed',
      checks.checkNightly('cron', { time: now, team: 'p', commit: undefined, result: 'failed', reason: 'exit 3' }, now),
      'fail',
      /failed: exit 3/,
    ],
    [
      'nightly offline',
      checks.checkNightly('cron', { time: now, team: 'p', commit: undefined, result: 'offline' }, now),
      'warn',
      /could not reach/,
    ],
    ['backups', checks.checkBackups(2, 2048, '/tmp'), 'ok', /2 backup\(s\) in \/tmp, 2\.0 KiB/],
  ])('%s', (_name, check, status, message) => {
    expect(check.status).toBe(status);
    expect(check.message).toMatch(message);
    // Every problem says what to do about it; nothing fine does.
    expect(statusOf(check)).toEqual([status, status !== 'ok']);
  });

  const team = {
    team: 'platform',
    origin: '$SEGMENT_TEAM',
    block: { team: 'platform', where: 'c' },
    settings: { team: 'platform', where: 's' },
    rc: { team: 'platform', where: 'rc' },
    nightly: { team: 'platform', scheduler: 'cron' },
  };
  it.each<[string, Parameters<typeof checks.checkTeam>[0], checks.CheckStatus, RegExp]>([
    ['everything agrees', team, 'ok', /^team platform \(from \$SEGMENT_TEAM\)$/],
    [
      'the nightly job differs',
      { ...team, nightly: { team: 'data', scheduler: 'cron' } },
      'warn',
      /is not your usual team: the nightly job \(cron\) writes team data$/,
    ],
    [
      'the rc line and the block differ',
      { ...team, rc: { team: 'fpa', where: 'rc' }, block: { team: 'data', where: 'c' } },
      'warn',
      /c was written for team data; the rc line in rc says team fpa$/,
    ],
    [
      'only the block differs: still a warn in doctor',
      { ...team, block: { team: 'data', where: 'c' } },
      'warn',
      /^c was written for team data; this run is for team platform/,
    ],
    [
      'the team is not a team name',
      { ...team, team: 'Platform!' },
      'fail',
      /^\$SEGMENT_TEAM: "Platform!" is not a team name \(/,
    ],
    [
      'nothing names a team',
      { ...team, team: undefined, settings: { team: undefined, where: 's' }, block: { team: 'data', where: 'c' } },
      'fail',
      /no team.*c was last written for team data/,
    ],
  ])('team: %s', (_name, facts, status, message) => {
    const check = checks.checkTeam(facts);
    expect([check.status, check.message]).toEqual([status, expect.stringMatching(message)]);
    if (status !== 'ok') expect(check.fix).toMatch(/^robo onboard --team (platform|data)$/);
  });

  it.each([
    ['export SEGMENT_TEAM=platform  # added by robo onboard', 'platform'],
    ['set -gx SEGMENT_TEAM data  # added by robo onboard', 'data'],
    [undefined, undefined],
  ])('rcTeam(%s)', (line, expected) => {
    expect(rcTeam(line)).toBe(expected);
  });

  it('every sso-token problem says to log in to that session', () => {
    for (const token of [
      { kind: 'missing' as const },
      { kind: 'found' as const, expiresAt: '2026-01-01T00:00:00Z', refreshToken: false },
    ])
      expect(checks.checkSsoToken('acme', 'f', token, now).fix).toBe('aws sso login --sso-session acme');
  });

  it('loginOfBlock: the sso-session of the block, else aws-okta (also with no block, or the section outside it)', () => {
    const sso = BLOCK.replace('[okta]\naws_saml_url = x\n', '[sso-session acme]\nsso_region = us-east-1\n');
    expect(checks.loginOfBlock(Buffer.from(sso), readBlock(Buffer.from(sso)))).toEqual({
      kind: 'sso',
      session: 'acme',
    });
    expect(checks.loginOfBlock(Buffer.from(BLOCK), readBlock(Buffer.from(BLOCK)))).toEqual({ kind: 'okta' });
    expect(checks.loginOfBlock(undefined, { kind: 'none' })).toEqual({ kind: 'okta' });
    const outside = `[sso-session mine]\nsso_region = x\n${BLOCK}`;
    expect(checks.loginOfBlock(Buffer.from(outside), readBlock(Buffer.from(outside)))).toEqual({ kind: 'okta' });
  });

  it('credentialProfiles and configProfiles read names as botocore does', () => {
    expect(checks.credentialProfiles(Buffer.from('[default]\nk = v\n[hub]\nk = v\n'))).toEqual(['default', 'hub']);
    expect(checks.configProfiles(Buffer.from('[default]\n[profile dev]\n[okta]\n[sso-session s]\n'))).toEqual([
      'default',
      'dev',
    ]);
  });
});
