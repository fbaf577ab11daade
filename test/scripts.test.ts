/**
 * scripts/nightly and scripts/onboard: real bash and real files in a sandboxed
 * HOME. crontab, systemctl and launchctl are fakes placed first on PATH (they
 * record their calls and keep the crontab in $HOME/crontab.txt), so no test can
 * reach the machine's real crontab or service managers. Their calls go to
 * $FAKE_CALLS, outside HOME, so that HOME holds only what the scripts wrote.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { projectRoot, roboBin, type RunResult } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const nightlyScript = path.join(projectRoot, 'scripts', 'nightly');
const onboardScript = path.join(projectRoot, 'scripts', 'onboard');
const MARKER = '# robo-aws-config nightly';
const ONBOARD_MARKER = '# added by robo onboard';

const FAKE_CRONTAB = `#!/bin/sh
echo "crontab $*" >> "$FAKE_CALLS"
case "$1" in
  -l) if [ -f "$HOME/crontab.txt" ]; then cat "$HOME/crontab.txt"; else echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
  -) cat > "$HOME/crontab.txt" ;;
  *) cat "$1" > "$HOME/crontab.txt" ;;
esac
`;
// show-environment answers with $FAKE_SYSTEMCTL_RC (default 0: "systemctl --user works here").
const FAKE_SYSTEMCTL = `#!/bin/sh
echo "systemctl $*" >> "$FAKE_CALLS"
if [ "$2" = show-environment ]; then exit "\${FAKE_SYSTEMCTL_RC:-0}"; fi
exit 0
`;
const FAKE_LAUNCHCTL = `#!/bin/sh
echo "launchctl $*" >> "$FAKE_CALLS"
exit 0
`;

interface Box extends Sandbox {
  crontab: string;
  calls(): string[];
}

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.cleanup();
});

function box(extra: NodeJS.ProcessEnv = {}): Box {
  const made = makeSandbox({ ROBO_NIGHTLY_NO_ACTIVATE: '1', ...extra });
  sandboxes.push(made);
  const calls = path.join(made.root, 'calls.log');
  made.env.FAKE_CALLS = calls;
  const bin = path.join(made.root, 'bin');
  mkdirSync(bin);
  for (const [name, text] of [['crontab', FAKE_CRONTAB], ['systemctl', FAKE_SYSTEMCTL], ['launchctl', FAKE_LAUNCHCTL]] as const) {
    writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  }
  made.env.PATH = `${bin}${path.delimiter}${made.env.PATH ?? '/usr/bin:/bin'}`;
  return {
    ...made,
    crontab: path.join(made.home, 'crontab.txt'),
    calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []),
  };
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Run as the user does, through the script's own #!/usr/bin/env bash: this checks the executable bit too.
    const child = spawn(script, args, { env, cwd: env.HOME, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const nightly = (b: Box, args: string[], env: NodeJS.ProcessEnv = {}) => run(nightlyScript, args, { ...b.env, ...env });
const onboard = (b: Box, args: string[], env: NodeJS.ProcessEnv = {}) => run(onboardScript, args, { ...b.env, ...env });

/** The node the scripts find on the sandbox's PATH, as they record it. */
const nodeFor = (b: Box) => execFileSync('bash', ['-c', 'command -v node'], { env: b.env, encoding: 'utf8' }).trim();
const read = (file: string) => readFileSync(file, 'utf8');
const stateLog = (b: Box) => path.join(b.home, '.local', 'state', 'robo', 'nightly.log');
const unitDir = (b: Box) => path.join(b.home, '.config', 'systemd', 'user');
const plistFile = (b: Box) => path.join(b.home, 'Library', 'LaunchAgents', 'com.robo.aws-config.plist');
const markedLines = (text: string) => text.split('\n').filter((line) => line.endsWith(MARKER));

function loadPlist(file: string): Record<string, unknown> {
  const script = 'import plistlib, sys, json; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, unknown>;
}

// Awkward but legal values: quotes, $, %, &, <, > and spaces must all survive every format.
const AWKWARD_REPO = `/srv/dot files/a&b<c>"d"'e'%f$g`;

describe('scripts/nightly with systemd', () => {
  it('writes a oneshot service and a spread-out timer with absolute paths, the environment and the log', async () => {
    const b = box({ SEGMENT_TEAM: 'platform' });
    const awsConfig = path.join(b.root, 'aws', 'config');
    const result = await nightly(b, ['--scheduler', 'systemd'], { ROBO_DOTFILES_REPO: AWKWARD_REPO, AWS_CONFIG_FILE: awsConfig });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('systemd timer robo-aws-config.timer');
    expect(result.stdout).toContain(`log: ${stateLog(b)}`);

    const service = read(path.join(unitDir(b), 'robo-aws-config.service'));
    const node = nodeFor(b);
    expect(path.isAbsolute(node)).toBe(true);
    expect(service).toContain('Type=oneshot\n');
    expect(service).toContain(`ExecStart="${node}" "${roboBin}" aws.config --quiet\n`);
    expect(service).toContain('Environment="SEGMENT_TEAM=platform"\n');
    expect(service).toContain('Environment="NO_COLOR=1"\n');
    expect(service).toContain(`Environment="AWS_CONFIG_FILE=${awsConfig}"\n`);
    // systemd unquoting: \" and \\ are escapes, %% is a literal %.
    expect(service).toContain(String.raw`Environment="ROBO_DOTFILES_REPO=/srv/dot files/a&b<c>\"d\"'e'%%f$g"` + '\n');
    expect(service).not.toContain('ROBO_DOTFILES_REF');
    expect(service).toContain(`StandardOutput=append:${stateLog(b)}\n`);
    expect(service).toContain(`StandardError=append:${stateLog(b)}\n`);
    expect(existsSync(path.dirname(stateLog(b)))).toBe(true);

    const timer = read(path.join(unitDir(b), 'robo-aws-config.timer'));
    for (const line of ['OnCalendar=*-*-* 01:00:00', 'RandomizedDelaySec=4h', 'FixedRandomDelay=true', 'Persistent=true', 'WantedBy=timers.target']) {
      expect(timer).toContain(`${line}\n`);
    }
    expect(b.calls().filter((call) => !call.startsWith('crontab'))).toEqual([]);
  });

  it.runIf(hasCommand('systemd-analyze'))('the units pass systemd-analyze verify', async () => {
    const b = box({ SEGMENT_TEAM: 'platform' });
    expect((await nightly(b, ['--scheduler', 'systemd'])).code).toBe(0);
    const units = ['robo-aws-config.service', 'robo-aws-config.timer'].map((unit) => path.join(unitDir(b), unit));
    expect(() => execFileSync('systemd-analyze', ['verify', ...units], { env: b.env, stdio: 'pipe' })).not.toThrow();
  });

  it('is idempotent, and --uninstall removes both units and succeeds when nothing is installed', async () => {
    const b = box({ SEGMENT_TEAM: 'data' });
    expect((await nightly(b, ['--install', '--scheduler', 'systemd'])).code).toBe(0);
    const first = treeState(b.home);
    const again = await nightly(b, ['--scheduler', 'systemd']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed, unchanged');
    expect(treeState(b.home)).toEqual(first);
    expect(readdirSync(unitDir(b)).sort()).toEqual(['robo-aws-config.service', 'robo-aws-config.timer']);

    const removed = await nightly(b, ['--uninstall']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed');
    expect(readdirSync(unitDir(b))).toEqual([]);
    const nothing = await nightly(b, ['--uninstall']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to remove');
  });

  it('activates with systemctl --user, and deactivates on uninstall', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ROBO_NIGHTLY_NO_ACTIVATE: undefined });
    expect((await nightly(b, ['--scheduler', 'systemd'])).code).toBe(0);
    const installCalls = b.calls().filter((call) => call.startsWith('systemctl'));
    expect(installCalls.slice(-2)).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable --now robo-aws-config.timer']);
    expect((await nightly(b, ['--uninstall', '--scheduler', 'systemd'])).code).toBe(0);
    const uninstallCalls = b.calls().filter((call) => call.startsWith('systemctl')).slice(installCalls.length);
    expect(uninstallCalls).toContain('systemctl --user disable --now robo-aws-config.timer');
    expect(uninstallCalls.at(-1)).toBe('systemctl --user daemon-reload');
  });

  it('--dry-run prints the units and changes nothing', async () => {
    const b = box({ SEGMENT_TEAM: 'platform' });
    const before = treeState(b.home);
    const result = await nightly(b, ['--scheduler', 'systemd', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would write ${path.join(unitDir(b), 'robo-aws-config.service')}:`);
    expect(result.stdout).toContain('RandomizedDelaySec=4h');
    expect(result.stdout).toContain('dry run, nothing changed');
    expect(treeState(b.home)).toEqual(before);
  });
});

describe('scripts/nightly with launchd', () => {
  it('writes a valid plist: program arguments, environment, a time between 01:00 and 04:59, the log', async () => {
    const b = box({ SEGMENT_TEAM: 'platform', ROBO_DOTFILES_REPO: AWKWARD_REPO, ROBO_DOTFILES_REF: 'main' });
    const result = await nightly(b, ['--scheduler', 'launchd']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const log = path.join(b.home, 'Library', 'Logs', 'robo', 'nightly.log');
    expect(result.stdout).toContain(`log: ${log}`);
    const plist = loadPlist(plistFile(b));
    expect(plist).toMatchObject({
      Label: 'com.robo.aws-config',
      ProgramArguments: [nodeFor(b), roboBin, 'aws.config', '--quiet'],
      StandardOutPath: log,
      StandardErrorPath: log,
      RunAtLoad: false,
    });
    expect(plist.EnvironmentVariables).toMatchObject({ SEGMENT_TEAM: 'platform', NO_COLOR: '1', ROBO_DOTFILES_REPO: AWKWARD_REPO, ROBO_DOTFILES_REF: 'main' });
    const { Hour, Minute } = plist.StartCalendarInterval as { Hour: number; Minute: number };
    expect(Hour).toBeGreaterThanOrEqual(1);
    expect(Hour).toBeLessThanOrEqual(4);
    expect(Minute).toBeGreaterThanOrEqual(0);
    expect(Minute).toBeLessThanOrEqual(59);
    expect(result.stdout).toContain(`at ${String(Hour).padStart(2, '0')}:${String(Minute).padStart(2, '0')}`);
    expect(existsSync(path.dirname(log))).toBe(true);
  });

  it('the time is reproducible with a seed and kept on reinstall; --uninstall removes the plist', async () => {
    const [one, two] = [box({ SEGMENT_TEAM: 'data' }), box({ SEGMENT_TEAM: 'data' })];
    expect((await nightly(one, ['--scheduler', 'launchd'], { ROBO_NIGHTLY_SEED: '4242' })).code).toBe(0);
    expect((await nightly(two, ['--scheduler', 'launchd'], { ROBO_NIGHTLY_SEED: '4242' })).code).toBe(0);
    const first = read(plistFile(one));
    const time = (b: Box) => loadPlist(plistFile(b)).StartCalendarInterval;
    expect(time(two)).toEqual(time(one));

    // Other seeds would pick other times: the installed one stays.
    for (const seed of ['1', '77', '31337']) {
      const again = await nightly(one, ['--scheduler', 'launchd'], { ROBO_NIGHTLY_SEED: seed });
      expect(again.code).toBe(0);
      expect(read(plistFile(one))).toBe(first);
    }

    expect((await nightly(one, ['--uninstall'])).code).toBe(0);
    expect(existsSync(plistFile(one))).toBe(false);
  });

  it('boots the agent out and in with launchctl, and out on uninstall', async () => {
    const b = box({ SEGMENT_TEAM: 'data', ROBO_NIGHTLY_NO_ACTIVATE: undefined });
    const uid = execFileSync('id', ['-u'], { encoding: 'utf8' }).trim();
    expect((await nightly(b, ['--scheduler', 'launchd'])).code).toBe(0);
    const launchctl = () => b.calls().filter((call) => call.startsWith('launchctl'));
    expect(launchctl()).toEqual([`launchctl bootout gui/${uid}/com.robo.aws-config`, `launchctl bootstrap gui/${uid} ${plistFile(b)}`]);
    expect((await nightly(b, ['--uninstall', '--scheduler', 'launchd'])).code).toBe(0);
    expect(launchctl().at(-1)).toBe(`launchctl bootout gui/${uid}/com.robo.aws-config`);
    expect(existsSync(plistFile(b))).toBe(false);
  });
});

describe('scripts/nightly with cron', () => {
  // Another job with a %, an environment line, a comment, trailing blanks and a CRLF line.
  const OTHER = 'MAILTO=ops@example.com\n# backups\n30 2 * * * tar czf /tmp/home-$(date +\\%F).tgz ~ \n0 9 * * 1 echo monday\r\n';

  it('adds one marked line and keeps every other line byte for byte; the line runs robo as cron would', async () => {
    const b = box({ SEGMENT_TEAM: 'growth' });
    writeFileSync(b.crontab, OTHER);
    const awsConfig = path.join(b.root, 'elsewhere', 'aws%config');
    const result = await nightly(b, ['--scheduler', 'cron'], { AWS_CONFIG_FILE: awsConfig });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const text = read(b.crontab);
    expect(text.startsWith(OTHER)).toBe(true);
    const line = text.slice(OTHER.length);
    expect(line.endsWith(`${MARKER}\n`)).toBe(true);
    expect(markedLines(text)).toHaveLength(1);
    const fields = /^(\d{1,2}) (\d) \* \* \* (.*) (\S+) (\S+) aws\.config --quiet >> (\S+) 2>&1 # robo-aws-config nightly\n$/.exec(line);
    expect(fields).not.toBeNull();
    const [, minute, hour, env, node, robo, log] = fields as unknown as string[];
    expect(Number(hour)).toBeGreaterThanOrEqual(1);
    expect(Number(hour)).toBeLessThanOrEqual(4);
    expect(Number(minute)).toBeLessThanOrEqual(59);
    expect([node, robo, log]).toEqual([nodeFor(b), roboBin, stateLog(b)]);
    expect(env).toMatch(/^SEGMENT_TEAM=growth /);
    expect(env).toContain(' NO_COLOR=1 ');
    // cron turns a bare % into a newline: the script escapes it.
    expect(env).toContain(`AWS_CONFIG_FILE='${awsConfig.replace('%', '\\%')}' `);

    // Run the command the way cron does: \% becomes %, then sh -c, with a bare environment.
    const command = line.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
    execFileSync('sh', ['-c', command], { env: { HOME: b.home }, stdio: 'pipe', timeout: 15_000 });
    expect(read(awsConfig)).toContain('# >>> robo aws.config - team growth');
    expect(read(stateLog(b))).toBe('');
  });

  it('is idempotent, keeps its time, replaces its line in place, and --uninstall restores the crontab exactly', async () => {
    const b = box({ SEGMENT_TEAM: 'growth' });
    const after = '15 * * * * echo after\n';
    writeFileSync(b.crontab, OTHER);
    expect((await nightly(b, ['--scheduler', 'cron'], { ROBO_NIGHTLY_SEED: '1' })).code).toBe(0);
    writeFileSync(b.crontab, read(b.crontab) + after);
    const installed = read(b.crontab);

    const again = await nightly(b, ['--scheduler', 'cron'], { ROBO_NIGHTLY_SEED: '2' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed, unchanged');
    expect(read(b.crontab)).toBe(installed);

    // Another team: the same line, in the same place, at the same time.
    expect((await nightly(b, ['--scheduler', 'cron', '--team', 'data'], { ROBO_NIGHTLY_SEED: '3' })).code).toBe(0);
    const switched = read(b.crontab);
    expect(markedLines(switched)).toHaveLength(1);
    expect(switched).toBe(installed.replace('SEGMENT_TEAM=growth', 'SEGMENT_TEAM=data'));

    const removed = await nightly(b, ['--uninstall', '--scheduler', 'cron']);
    expect(removed.code).toBe(0);
    expect(read(b.crontab)).toBe(OTHER + after);
    const nothing = await nightly(b, ['--uninstall']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to remove');
    expect(read(b.crontab)).toBe(OTHER + after);
  });

  it('works without any crontab yet', async () => {
    const b = box({ SEGMENT_TEAM: 'fpa' });
    expect((await nightly(b, ['--scheduler', 'cron'])).code).toBe(0);
    expect(markedLines(read(b.crontab))).toHaveLength(1);
    expect(read(b.crontab).split('\n')).toHaveLength(2);
  });

  it('a duplicated marked line (hand edits) is folded into one', async () => {
    const b = box({ SEGMENT_TEAM: 'fpa' });
    writeFileSync(b.crontab, `1 1 * * * old one ${MARKER}\n0 9 * * 1 echo monday\n2 2 * * * old two ${MARKER}\n`);
    expect((await nightly(b, ['--scheduler', 'cron'])).code).toBe(0);
    const lines = read(b.crontab).split('\n');
    expect(markedLines(read(b.crontab))).toHaveLength(1);
    expect(lines[0]).toMatch(/^1 1 \* \* \* SEGMENT_TEAM=fpa /);
    expect(lines.slice(1)).toEqual(['0 9 * * 1 echo monday', '']);
  });
});

describe('scripts/nightly choices and errors', () => {
  it.runIf(process.platform === 'linux')('picks systemd when systemctl --user works, cron otherwise, and $ROBO_SCHEDULER over both', async () => {
    const b = box({ SEGMENT_TEAM: 'fpa' });
    expect((await nightly(b, [])).stdout).toContain('systemd timer');
    expect((await nightly(b, [], { FAKE_SYSTEMCTL_RC: '1' })).stdout).toContain('crontab line');
    // One schedule at a time: moving to cron removed the units.
    expect(existsSync(path.join(unitDir(b), 'robo-aws-config.service'))).toBe(false);
    expect((await nightly(b, [], { ROBO_SCHEDULER: 'launchd' })).stdout).toContain('launchd agent');
    expect(markedLines(read(b.crontab))).toEqual([]);
  });

  it('requires a valid team, and writes nothing without one', async () => {
    const b = box();
    const before = treeState(b.home);
    const missing = await nightly(b, ['--scheduler', 'cron']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no team given: pass --team TEAM or set SEGMENT_TEAM');
    const invalid = await nightly(b, ['--scheduler', 'cron', '--team', 'Platform!']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid team name "Platform!"');
    expect(treeState(b.home)).toEqual(before);
  });

  it.each([[['--bogus']], [['--scheduler', 'anacron']], [['--install', '--uninstall']]])('%j is a usage error (exit 2)', async (args) => {
    const result = await nightly(box({ SEGMENT_TEAM: 'fpa' }), args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^✖ : /);
  });

  it('--help describes the options', async () => {
    const result = await nightly(box(), ['--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--install', '--uninstall', '--team', '--scheduler', '--dry-run']) expect(result.stdout).toContain(flag);
  });
});

describe('scripts/onboard', () => {
  const BASHRC = 'alias ll="ls -l"\n# ünïcode and a CRLF\r\nexport PATH="$HOME/bin:$PATH"   \n';

  it('writes the config, records the team once (a second run replaces it), keeps the rest of the rc file, says what is next', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const rc = path.join(b.home, '.bashrc');
    writeFileSync(rc, BASHRC);

    const first = await onboard(b, ['--team', 'platform', '--no-nightly']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(read(rc)).toBe(`${BASHRC}export SEGMENT_TEAM=platform  ${ONBOARD_MARKER}\n`);
    expect(read(b.awsConfig)).toContain('# >>> robo aws.config - team platform');

    const second = await onboard(b, ['--team', 'data', '--no-nightly']);
    expect(second.code).toBe(0);
    expect(read(rc)).toBe(`${BASHRC}export SEGMENT_TEAM=data  ${ONBOARD_MARKER}\n`);
    expect(read(b.awsConfig)).toContain('# >>> robo aws.config - team data');
    expect(second.stdout).toContain('aws-okta add');
    expect(second.stdout).toContain('aws-okta exec hub -- aws sts get-caller-identity');
    expect(existsSync(b.crontab)).toBe(false);
  });

  it('replaces a marked line in the middle of the rc file in place', async () => {
    const b = box({ SHELL: '/usr/bin/bash' });
    const rc = path.join(b.home, '.bashrc');
    writeFileSync(rc, `# top\nexport SEGMENT_TEAM=fpa  ${ONBOARD_MARKER}\n# bottom, no newline`);
    expect((await onboard(b, ['--team', 'growth', '--no-nightly'])).code).toBe(0);
    expect(read(rc)).toBe(`# top\nexport SEGMENT_TEAM=growth  ${ONBOARD_MARKER}\n# bottom, no newline`);
  });

  it.each([
    ['/bin/zsh', { ZDOTDIR: 'zdot' }, 'zdot/.zshrc', 'export SEGMENT_TEAM=fpa'],
    ['/usr/local/bin/fish', {}, '.config/fish/conf.d/robo.fish', 'set -gx SEGMENT_TEAM fpa'],
    ['/bin/ksh', {}, '.profile', 'export SEGMENT_TEAM=fpa'],
  ])('with SHELL=%s creates the right rc file', async (shell, extra: Record<string, string>, file, line) => {
    const b = box({ SHELL: shell });
    const env = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, path.join(b.home, value)]));
    expect((await onboard(b, ['--team', 'fpa', '--no-nightly'], env)).code).toBe(0);
    expect(read(path.join(b.home, file))).toBe(`${line}  ${ONBOARD_MARKER}\n`);
  });

  it('installs the nightly refresh unless --no-nightly, passing the scheduler on', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const result = await onboard(b, ['--team', 'security']);
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
    const organization = read(path.join(projectRoot, 'organization.json')).replace('"profile": "hub"', '"profile": "ops-hub"');
    writeFileSync(path.join(dotfiles, 'organization.json'), organization);
    const result = await onboard(b, ['--team', 'platform', '--no-nightly'], { ROBO_DOTFILES_REPO: dotfiles });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('aws-okta exec ops-hub -- aws sts get-caller-identity');
  });

  it('an invalid team name writes nothing (exit 2)', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const result = await onboard(b, ['--team', '../etc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid team name "../etc"');
    expect(readdirSync(b.home)).toEqual([]);
  });

  it('an unknown team fails in robo: its exit code, and no rc line or nightly job', async () => {
    const b = box({ SHELL: '/bin/bash', ROBO_SCHEDULER: 'cron' });
    const result = await onboard(b, ['--team', 'nosuchteam']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown team "nosuchteam"');
    expect(readdirSync(b.home)).toEqual([]);
  });

  it('with no team and no terminal, exits 2 without asking or writing', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const result = await onboard(b, []);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no team given');
    expect(readdirSync(b.home)).toEqual([]);
  });
});

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
