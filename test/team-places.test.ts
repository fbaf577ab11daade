/** Which team a run takes, and when the places that name your team disagree, one line says which and how to make them agree. */
import { describe, expect, it } from 'vitest';
import { renderTeam } from '../src/aws-config/sync.js';
import { notATeamName } from '../src/definitions/model.js';
import { parseSettings } from '../src/settings.js';
import {
  checkTeamName,
  chooseTeam,
  teamDisagreement,
  type TeamPlaces,
  type TeamDisagreement,
} from '../src/team-places.js';

describe('chooseTeam', () => {
  const settings = (team?: string) => ({ file: '/home/u/.config/robo/config', user: { team } });
  it.each([
    [
      '--team wins',
      'a',
      { SEGMENT_TEAM: 'b' },
      settings('c'),
      { team: 'd', file: '/c' },
      { team: 'a', origin: '--team', teamOrigin: '--team' },
    ],
    [
      'then $SEGMENT_TEAM',
      undefined,
      { SEGMENT_TEAM: 'b' },
      settings('c'),
      { team: 'd', file: '/c' },
      { team: 'b', origin: '$SEGMENT_TEAM', teamOrigin: '$SEGMENT_TEAM' },
    ],
    [
      'an empty $SEGMENT_TEAM is unset',
      undefined,
      { SEGMENT_TEAM: '', HOME: '/home/u' },
      settings('c'),
      { team: 'd', file: '/c' },
      { team: 'c', origin: 'settings', teamOrigin: 'team in ~/.config/robo/config' },
    ],
    [
      'then the settings',
      undefined,
      { HOME: '/home/u' },
      settings('c'),
      { team: 'd', file: '/c' },
      { team: 'c', origin: 'settings', teamOrigin: 'team in ~/.config/robo/config' },
    ],
    [
      "then the config's block, when asked",
      undefined,
      { HOME: '/home/u' },
      settings(),
      { team: 'd', file: '/home/u/.aws/config' },
      {
        team: 'd',
        origin: 'config',
        teamOrigin: "robo's block in ~/.aws/config (no --team, $SEGMENT_TEAM or settings)",
      },
    ],
    [
      'aws.config does not look at the block',
      undefined,
      {},
      settings(),
      undefined,
      { team: undefined, origin: undefined },
    ],
    ['no settings at all', undefined, {}, undefined, undefined, { team: undefined, origin: undefined }],
  ])('%s', (_name, flag, env, fromSettings, blockTeam, expected) => {
    expect(chooseTeam(flag, env, fromSettings, blockTeam)).toMatchObject(expected);
  });
});

const base = { team: 'platform', origin: '--team' };
const block = (team?: string) => ({ team, where: '~/.aws/config' });
const settings = (team?: string) => ({ team, where: '~/.config/robo/config' });

describe('teamDisagreement', () => {
  it.each<[string, TeamPlaces, TeamDisagreement | undefined]>([
    [
      'everything agrees',
      {
        ...base,
        block: block('platform'),
        settings: settings('platform'),
        nightly: { team: 'platform', scheduler: 'systemd' },
      },
      undefined,
    ],
    ['nothing else names a team', { ...base, block: block(), settings: settings() }, undefined],
    [
      'only the block was another team: a notice',
      { ...base, block: block('data'), settings: settings() },
      {
        level: 'notice',
        message: '~/.aws/config was written for team data; this run is for team platform (from --team)',
        fix: 'robo onboard --team platform',
      },
    ],
    [
      'the block and the settings: a warning naming both',
      { ...base, block: block('data'), settings: settings('data') },
      {
        level: 'warn',
        message:
          'team platform (from --team) is not your usual team: ~/.aws/config was written for team data; ~/.config/robo/config says team data',
        fix: 'robo onboard --team platform',
      },
    ],
    [
      'settings and nightly job differ',
      {
        team: 'platform',
        origin: '$SEGMENT_TEAM',
        settings: settings('data'),
        nightly: { team: 'fpa', scheduler: 'launchd' },
      },
      {
        level: 'warn',
        message:
          'team platform (from $SEGMENT_TEAM) is not your usual team: ~/.config/robo/config says team data; the nightly job (launchd) writes team fpa',
        fix: 'robo onboard --team platform',
      },
    ],
  ])('%s', (_name, places, expected) => {
    expect(teamDisagreement(places)).toEqual(expected);
  });
});

describe('a string that is not a team name', () => {
  // One rule, one explanation, wherever the name came from: each place says only where.
  it.each(['Bad', '../etc', '-x', 'a'.repeat(64), ''])('%j gets the one explanation from every place', async (name) => {
    const explanation = notATeamName(name);
    expect(explanation).toContain('at most 63 characters');
    expect(() => checkTeamName(name, '--team')).toThrow(`--team: ${explanation}`);
    if (name !== '') {
      // (An empty `team =` in the settings is no team.)
      const settings = (() => {
        try {
          parseSettings(`[user]\nteam = ${name}\n`, '/s');
        } catch (error) {
          return (error as { details: readonly string[] }).details;
        }
      })();
      expect(settings).toEqual([`/s: [user] team: ${explanation}`]);
    }
    await expect(renderTeam({ team: name, teamOrigin: '$SEGMENT_TEAM', env: {}, cwd: '/' })).rejects.toThrow(
      `$SEGMENT_TEAM: ${explanation}`,
    );
  });
});
