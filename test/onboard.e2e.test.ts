/**
 * `robo onboard` end to end: the built robo in a sandboxed HOME with fake
 * schedulers (helpers/schedulers.ts), real git, real rc files. Ported from
 * the tests of scripts/onboard, plus what onboarding must now remember: the
 * source and the team in robo's settings, so a later shell and the nightly
 * job agree (issue #11, finding 1).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { fileUrl, git, makeDotfilesRepo } from './helpers/git.js';
import { projectRoot, roboBin, runRobo, type RunResult } from './helpers/robo.js';
import { hasCommand, markedLines, schedulerBoxes, type SchedulerBox } from './helpers/schedulers.js';

const box = schedulerBoxes();
const onboard = (b: SchedulerBox, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runRobo(['onboard', ...args], { env: { ...b.env, ...env } });
const read = (file: string) => readFileSync(file, 'utf8');
const settingsFile = (b: SchedulerBox) => path.join(b.home, '.config', 'robo', 'config');
const ONBOARD_MARKER = '# added by robo onboard';
/** This repository holds the example organisation: a dotfiles source given by path. */
const REPO = ['--repo', projectRoot];

describe('robo onboard', () => {
  const BASHRC =
    'alias ll="ls -l"\n# ünïcode, a byte that is not UTF-8 \xff, and a CRLF\r\nexport PATH="$HOME/bin:$PATH"   \n';

  it('writes the config, records source and team in the settings and the team once in the rc file, keeps the rest, says what is next', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const rc = path.join(b.home, '.bashrc');
    writeFileSync(rc, Buffer.from(BASHRC, 'latin1'));

    const first = await onboard(b, ['--team', 'platform', '--no-nightly', ...REPO]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(readFileSync(rc)).toEqual(
      Buffer.from(`${BASHRC}export SEGMENT_TEAM=platform  ${ONBOARD_MARKER}\n`, 'latin1'),
    );
    expect(read(b.awsConfig)).toContain('# >>> robo aws.config - team platform');
    expect(read(settingsFile(b))).toBe(`[dotfiles]\nrepo = ${projectRoot}\n\n[user]\nteam = platform\n`);

    const second = await onboard(b, ['--team', 'data', '--no-nightly']);
    expect(second.code).toBe(0);
    expect(readFileSync(rc)).toEqual(Buffer.from(`${BASHRC}export SEGMENT_TEAM=data  ${ONBOARD_MARKER}\n`, 'latin1'));
    expect(read(b.awsConfig)).toContain('# >>> robo aws.config - team data');
    expect(read(settingsFile(b))).toBe(`[dotfiles]\nrepo = ${projectRoot}\n\n[user]\nteam = data\n`);
    expect(second.stdout).toContain('aws-okta add');
    expect(second.stdout).toContain('aws-okta exec hub -- aws sts get-caller-identity');
    expect(existsSync(b.crontab)).toBe(false);
  });

  it('is idempotent: a second run with the same answers writes nothing', async () => {
    const b = box({ SHELL: '/bin/zsh', ROBO_SCHEDULER: 'cron' });
    expect((await onboard(b, ['--team', 'fpa', ...REPO])).code).toBe(0);
    const before = treeState(b.home, (file) => !file.startsWith('.cache'));
    const again = await onboard(b, []);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date');
    expect(again.stdout).toContain(`already has ${projectRoot} and team fpa`);
    expect(again.stdout).toContain('SEGMENT_TEAM=fpa is already set in ~/.zshrc');
    expect(again.stdout).toContain('nightly refresh already installed, unchanged');
    expect(treeState(b.home, (file) => !file.startsWith('.cache'))).toEqual(before);
  });

  it('a later shell and the nightly job use the source onboarding was given, not the bundled example', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const dotfiles = makeDotfilesRepo(path.join(b.root, 'dotfiles'));
    // The organisation's hub profile is renamed, so the example's would be told apart.
    writeFileSync(
      path.join(dotfiles, 'organization.json'),
      read(path.join(dotfiles, 'organization.json')).replace('"profile": "hub"', '"profile": "corp-hub"'),
    );
    git(dotfiles, 'commit', '-qam', 'corp hub');
    expect((await onboard(b, ['--team', 'platform'], { ROBO_DOTFILES_REPO: fileUrl(dotfiles) })).code).toBe(0);
    const written = read(b.awsConfig);
    expect(written).toContain('[profile corp-hub]');

    // A new shell: no $ROBO_DOTFILES_REPO, no $SEGMENT_TEAM.
    const later = await runRobo(['aws.config'], { env: b.env });
    expect(later.code).toBe(0);
    expect(later.stdout).toContain('already up to date (team platform');
    expect(later.stdout).not.toContain('example organisation');
    expect(read(b.awsConfig)).toBe(written);

    // The job reads the settings too: its line does not carry the source.
    const [line] = markedLines(read(b.crontab));
    expect(line).toContain('SEGMENT_TEAM=platform ');
    expect(line).not.toContain('ROBO_DOTFILES_REPO');
  });

  it('a new --repo drops the ref recorded for the old one; --ref is recorded', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const one = makeDotfilesRepo(path.join(b.root, 'one'));
    git(one, 'branch', 'stable');
    expect((await onboard(b, ['--team', 'fpa', '--no-nightly', '--repo', fileUrl(one), '--ref', 'stable'])).code).toBe(
      0,
    );
    expect(read(settingsFile(b))).toBe(`[dotfiles]\nrepo = ${fileUrl(one)}\nref = stable\n\n[user]\nteam = fpa\n`);
    // The new source is a folder (this repository): no second clone for what the settings file shows.
    expect((await onboard(b, ['--no-nightly', ...REPO])).code).toBe(0);
    expect(read(settingsFile(b))).toBe(`[dotfiles]\nrepo = ${projectRoot}\n\n[user]\nteam = fpa\n`);
  });

  it('keeps what else the settings file holds', async () => {
    const b = box({ SHELL: '/bin/bash' });
    mkdirSync(path.dirname(settingsFile(b)), { recursive: true });
    writeFileSync(settingsFile(b), '# mine\n[nightly]\nmax_offline = 3d\n');
    expect((await onboard(b, ['--team', 'fpa', '--no-nightly', ...REPO])).code).toBe(0);
    expect(read(settingsFile(b))).toBe(
      `# mine\n[nightly]\nmax_offline = 3d\n\n[dotfiles]\nrepo = ${projectRoot}\n\n[user]\nteam = fpa\n`,
    );
  });

  it('replaces a marked line in the middle of the rc file in place', async () => {
    const b = box({ SHELL: '/usr/bin/bash' });
    const rc = path.join(b.home, '.bashrc');
    writeFileSync(rc, `# top\nexport SEGMENT_TEAM=fpa  ${ONBOARD_MARKER}\n# bottom, no newline`);
    expect((await onboard(b, ['--team', 'growth', '--no-nightly', ...REPO])).code).toBe(0);
    expect(read(rc)).toBe(`# top\nexport SEGMENT_TEAM=growth  ${ONBOARD_MARKER}\n# bottom, no newline`);
  });

  it.each([
    ['/bin/zsh', { ZDOTDIR: 'zdot' }, 'zdot/.zshrc', 'export SEGMENT_TEAM=fpa'],
    ['/usr/local/bin/fish', {}, '.config/fish/conf.d/robo.fish', 'set -gx SEGMENT_TEAM fpa'],
    ['/bin/ksh', {}, '.profile', 'export SEGMENT_TEAM=fpa'],
  ])('with SHELL=%s creates the right rc file', async (shell, extra: Record<string, string>, file, line) => {
    const b = box({ SHELL: shell });
    const env = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, path.join(b.home, value)]));
    expect((await onboard(b, ['--team', 'fpa', '--no-nightly', ...REPO], env)).code).toBe(0);
    expect(read(path.join(b.home, file))).toBe(`${line}  ${ONBOARD_MARKER}\n`);
  });

  it('installs the nightly refresh unless --no-nightly, with the scheduler asked for', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const result = await onboard(b, ['--team', 'security', ...REPO]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nightly refresh installed');
    const lines = markedLines(read(b.crontab));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SEGMENT_TEAM=security ');
  });

  it('takes the hub profile for the next steps from the generated config', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const dotfiles = path.join(b.root, 'dotfiles');
    cpSync(path.join(projectRoot, 'teams'), path.join(dotfiles, 'teams'), { recursive: true });
    const organization = read(path.join(projectRoot, 'organization.json')).replace(
      '"profile": "hub"',
      '"profile": "ops-hub"',
    );
    writeFileSync(path.join(dotfiles, 'organization.json'), organization);
    const result = await onboard(b, ['--team', 'platform', '--no-nightly'], { ROBO_DOTFILES_REPO: dotfiles });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('aws-okta exec ops-hub -- aws sts get-caller-identity');
  });

  it('with an sso-session organisation: the next steps are aws sso login --sso-session NAME, not aws-okta', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const result = await onboard(b, [
      '--team',
      'platform',
      '--no-nightly',
      '--repo',
      path.join(projectRoot, 'examples', 'sso'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(read(path.join(b.home, '.aws', 'config'))).toContain('[sso-session robo-example]');
    expect(result.stdout).toMatch(/AWS CLI v2.*\n +aws sso login --sso-session robo-example$/m);
    expect(result.stdout).toMatch(/^ +aws sts get-caller-identity --profile hub$/m);
    expect(result.stdout).not.toContain('aws-okta');
  });

  it('says to open a new terminal when this one has another $SEGMENT_TEAM', async () => {
    const b = box({ SHELL: '/bin/bash', SEGMENT_TEAM: 'fpa' });
    const result = await onboard(b, ['--team', 'data', '--no-nightly', ...REPO]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '1. Open a new terminal (or run: export SEGMENT_TEAM=data): this one still has SEGMENT_TEAM=fpa.',
    );
  });

  it('--json gives one object', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const result = await onboard(b, ['--team', 'fpa', '--json', ...REPO]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      task: 'onboard',
      team: 'fpa',
      source: { repo: projectRoot, ref: null },
      settings: { file: settingsFile(b), changed: true },
      rc: { file: path.join(b.home, '.bashrc'), changed: true },
      config: { changed: true, profiles: ['hub'] },
      nightly: { scheduler: 'cron', team: 'fpa', changed: true },
      hub: 'hub',
    });
  });
});

describe('robo onboard refuses, and writes nothing', () => {
  it.each([
    ['an invalid team name', ['--team', '../etc', ...REPO], {}, '--team: "../etc" is not a team name'],
    ['an unknown team (no terminal to ask on)', ['--team', 'nosuchteam', ...REPO], {}, 'unknown team "nosuchteam"'],
    [
      'no team and no terminal',
      [...REPO],
      {},
      'no team given: pass --team TEAM or set SEGMENT_TEAM (stdin is not a terminal, so robo onboard cannot ask)',
    ],
    [
      'no source anywhere',
      ['--team', 'platform'],
      {},
      "no dotfiles source: pass your company's dotfiles repo with --repo URL (or set ROBO_DOTFILES_REPO)",
    ],
    [
      'an unknown $ROBO_SCHEDULER',
      ['--team', 'platform', ...REPO],
      { ROBO_SCHEDULER: 'anacron' },
      '$ROBO_SCHEDULER "anacron": unknown scheduler',
    ],
    ['an empty --repo', ['--team', 'platform', '--repo', ''], {}, '--repo is empty'],
  ])('%s (exit 2)', async (_name, args, env, message) => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron', ...env });
    const result = await onboard(b, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(readdirSync(b.home)).toEqual([]);
  });

  it('a dotfiles source that cannot be reached: exit 4, nothing written', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const result = await onboard(b, ['--team', 'platform', '--repo', 'file:///nonexistent/dotfiles.git']);
    expect(result.code).toBe(4);
    expect(readdirSync(b.home).filter((name) => name !== '.cache')).toEqual([]);
  });

  it('when only the nightly job fails, the rest stays done and the exit code says so', async () => {
    const b = box({
      SHELL: '/bin/bash',
      ROBO_SCHEDULER: 'systemd',
      ROBO_NIGHTLY_NO_ACTIVATE: undefined,
      FAKE_SYSTEMCTL_ENABLE_RC: '1',
    });
    const result = await onboard(b, ['--team', 'platform', ...REPO]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(
      'the nightly refresh was not installed: systemctl --user enable --now robo-aws-config.timer failed: Failed to enable unit: Access denied',
    );
    expect(result.stderr).toContain('then run: robo nightly install');
    expect(read(settingsFile(b))).toContain('team = platform');
    expect(read(path.join(b.home, '.bashrc'))).toContain('SEGMENT_TEAM=platform');
    expect(result.stdout).toContain('aws-okta add');
  });
});

describe.runIf(process.platform === 'linux' && hasCommand('script'))('robo onboard on a terminal', () => {
  /** robo on a pseudo-terminal (util-linux script), fed `input` as typed lines. */
  function onTerminal(b: SchedulerBox, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
    const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, roboBin, 'onboard', ...args].map(quote).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        env: { ...b.env, ...env },
        cwd: b.home,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr: '' });
      });
      child.stdin.end(input);
    });
  }

  /** A git that records each call before running the real one, to count clones and fetches. */
  function countingGit(b: SchedulerBox): { env: NodeJS.ProcessEnv; calls: () => string[] } {
    const folder = path.join(b.root, 'git-bin');
    const log = path.join(b.root, 'git-calls.log');
    mkdirSync(folder);
    const real = execPath('git', b.env);
    writeFileSync(path.join(folder, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    return {
      env: { PATH: `${folder}${path.delimiter}${b.env.PATH}` },
      calls: () => (existsSync(log) ? read(log).split('\n').filter(Boolean) : []),
    };
  }

  it('asks again after an unknown team, with "did you mean" and the known teams, and fetches the source once', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const dotfiles = makeDotfilesRepo(path.join(b.root, 'dotfiles'));
    const git = countingGit(b);
    const result = await onTerminal(b, ['--repo', fileUrl(dotfiles), '--no-nightly'], 'platfrom\nplatform\n', git.env);
    expect(result.stdout).toContain('Known teams: data, foundation, fpa, growth, platform, security');
    expect(result.stdout).toContain('unknown team "platfrom"; did you mean platform?');
    expect(result.code).toBe(0);
    expect(read(b.awsConfig)).toContain('# >>> robo aws.config - team platform');
    expect(read(settingsFile(b))).toContain('team = platform');
    // One clone (init, then one fetch); the aws.config run after the answer only asks the remote (ls-remote).
    const calls = git.calls();
    expect(calls.filter((call) => call.startsWith('init'))).toHaveLength(1);
    expect(calls.filter((call) => call.startsWith('fetch'))).toHaveLength(1);
  });

  it('a team given on the command line but unknown is asked for again too', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const result = await onTerminal(b, ['--team', 'securty', '--no-nightly', ...REPO], 'security\n', {});
    expect(result.stdout).toContain('unknown team "securty"; did you mean security?');
    expect(result.code).toBe(0);
    expect(read(b.awsConfig)).toContain('# >>> robo aws.config - team security');
  });

  it('no answer (end of input): exit 2, nothing written', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const result = await onTerminal(b, ['--no-nightly', ...REPO], '\x04', {});
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('no team given');
    expect(readdirSync(b.home)).toEqual([]);
  });
});

function execPath(name: string, env: NodeJS.ProcessEnv): string {
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    if (existsSync(path.join(folder, name))) return path.join(folder, name);
  }
  throw new Error(`${name} not found`);
}
