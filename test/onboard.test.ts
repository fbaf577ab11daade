/**
 * robo onboard's core in-process: the dialogue with a person (a scripted
 * Prompt), which rc file each shell gets, and the line robo keeps there.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onboard, type Prompt } from '../src/onboard.js';
import { rcFileFor, rcLine } from '../src/shell-rc.js';
import { projectRoot } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** A person who gives these answers in turn (undefined: end of input), and what they were told. */
function person(answers: Array<string | undefined>): Prompt & { heard: string[]; asked: number } {
  const heard: string[] = [];
  const state = { asked: 0 };
  return {
    heard,
    get asked() {
      return state.asked;
    },
    ask: async () => answers[state.asked++],
    say: (line) => heard.push(line),
  };
}

const options = (env: NodeJS.ProcessEnv, prompt: Prompt | undefined, team?: string) => ({
  team,
  repo: projectRoot,
  ref: undefined,
  nightly: false,
  env,
  cwd: env.HOME!,
  robo: '/robo',
  prompt,
});

describe('onboard on a terminal', () => {
  it('lists the known teams, skips what is not a team name, suggests the nearest, and takes the first known one', async () => {
    const box = sandbox();
    const you = person(['Platform!', 'platfrom', 'platform']);
    const result = await onboard(options(box.env, you));
    expect(result.team).toBe('platform');
    expect(you.asked).toBe(3);
    expect(you.heard).toEqual([
      'Known teams: data, foundation, fpa, growth, platform, security',
      '"Platform!" is not a team name (lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters)',
      'unknown team "platfrom"; did you mean platform?',
      'Known teams: data, foundation, fpa, growth, platform, security',
    ]);
  });

  it('asks nothing when the team given is known', async () => {
    const box = sandbox();
    const you = person([]);
    expect((await onboard(options(box.env, you, 'fpa'))).team).toBe('fpa');
    expect([you.asked, you.heard]).toEqual([0, []]);
  });

  it.each([
    ['five wrong answers', ['a1', 'a2', 'a3', 'a4', 'a5', 'platform'], 'no known team given after 5 answers', 5],
    ['end of input', [undefined], 'no team given', 1],
    ['an empty answer', [''], 'no team given', 1],
  ])('gives up after %s (exit 2), having written nothing', async (_name, answers, message, asked) => {
    const box = sandbox();
    const you = person(answers);
    await expect(onboard(options(box.env, you))).rejects.toMatchObject({ exitCode: 2, message });
    expect(you.asked).toBe(asked);
    expect(readdirSync(box.home)).toEqual([]);
  });
});

describe('the rc file', () => {
  it.each([
    ['/bin/zsh', {}, '/h/.zshrc', false],
    ['/bin/zsh', { ZDOTDIR: '/z' }, '/z/.zshrc', false],
    ['/bin/zsh', { ZDOTDIR: 'relative' }, '/h/.zshrc', false],
    ['/usr/bin/bash', {}, '/h/.bashrc', false],
    ['/usr/local/bin/fish', {}, '/h/.config/fish/conf.d/robo.fish', true],
    ['/usr/local/bin/fish', { XDG_CONFIG_HOME: '/x' }, '/x/fish/conf.d/robo.fish', true],
    ['/bin/ksh', {}, '/h/.profile', false],
    [undefined, {}, '/h/.profile', false],
  ])('SHELL=%s %j: %s', (shell, extra, file, fish) => {
    expect(rcFileFor({ HOME: '/h', SHELL: shell, ...extra })).toEqual({ file, fish });
  });

  it.each([
    [false, 'export SEGMENT_TEAM=data  # added by robo onboard'],
    [true, 'set -gx SEGMENT_TEAM data  # added by robo onboard'],
  ])('fish=%s: %s', (fish, line) => {
    expect(rcLine('data', fish)).toBe(line);
  });
});
