/**
 * A sandbox whose PATH starts with fake crontab, systemctl and launchctl:
 * they record their calls and keep the crontab in $HOME/crontab.txt, so no
 * test can reach the machine's real crontab or service managers. Their calls
 * go to $FAKE_CALLS, outside HOME, so that HOME holds only what robo wrote.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { makeSandbox, type Sandbox } from './sandbox.js';
import { python } from './botocore.js';

// robo calls crontab often (list, then install): the user's name is written in, not asked of id(1)
// each time, and cat replaces the shell rather than running beside it.
const FAKE_CRONTAB = `#!/bin/sh
echo "crontab $*" >> "$FAKE_CALLS"
case "$1" in
  -l) if [ -f "$HOME/crontab.txt" ]; then exec cat "$HOME/crontab.txt"; else echo "no crontab for ${os.userInfo().username}" >&2; exit 1; fi ;;
  -) exec cat > "$HOME/crontab.txt" ;;
  *) exec cat "$1" > "$HOME/crontab.txt" ;;
esac
`;
// show-environment answers with $FAKE_SYSTEMCTL_RC (default 0: "systemctl --user works here");
// enable with $FAKE_SYSTEMCTL_ENABLE_RC (default 0);
// show answers the timer's next run from $FAKE_NEXT_ELAPSE, in UTC only when asked with TZ=UTC.
const FAKE_SYSTEMCTL = `#!/bin/sh
echo "systemctl $*" >> "$FAKE_CALLS"
if [ "$2" = show-environment ]; then exit "\${FAKE_SYSTEMCTL_RC:-0}"; fi
if [ "$2" = enable ]; then
  if [ "\${FAKE_SYSTEMCTL_ENABLE_RC:-0}" != 0 ]; then echo "Failed to enable unit: Access denied" >&2; fi
  exit "\${FAKE_SYSTEMCTL_ENABLE_RC:-0}"
fi
if [ "$2" = show ]; then
  if [ -z "$FAKE_NEXT_ELAPSE" ]; then echo "n/a"; elif [ "$TZ" = UTC ]; then echo "$FAKE_NEXT_ELAPSE UTC"; else echo "$FAKE_NEXT_ELAPSE CET"; fi
fi
exit 0
`;
const FAKE_LAUNCHCTL = `#!/bin/sh
echo "launchctl $*" >> "$FAKE_CALLS"
exit 0
`;

export interface SchedulerBox extends Sandbox {
  crontab: string;
  calls(): string[];
}

/** For a test file: a fresh sandbox with the fakes per call, removed after the test. */
export function schedulerBoxes(): (extra?: NodeJS.ProcessEnv) => SchedulerBox {
  const made: Sandbox[] = [];
  afterEach(() => {
    for (const box of made.splice(0)) box.cleanup();
  });
  return (extra = {}) => {
    const box = makeSandbox({ ROBO_NIGHTLY_NO_ACTIVATE: '1', ...extra });
    made.push(box);
    const calls = path.join(box.root, 'calls.log');
    box.env.FAKE_CALLS = calls;
    const bin = path.join(box.root, 'bin');
    mkdirSync(bin);
    for (const [name, text] of [
      ['crontab', FAKE_CRONTAB],
      ['systemctl', FAKE_SYSTEMCTL],
      ['launchctl', FAKE_LAUNCHCTL],
    ] as const) {
      writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    }
    box.env.PATH = `${bin}${path.delimiter}${box.env.PATH ?? '/usr/bin:/bin'}`;
    for (const [key, value] of Object.entries(extra)) if (value === undefined) delete box.env[key];
    return {
      ...box,
      crontab: path.join(box.home, 'crontab.txt'),
      calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []),
    };
  };
}

/** The node robo finds on the box's PATH, as it records it in the job. */
export const nodeFor = (box: Sandbox) =>
  execFileSync('bash', ['-c', 'command -v node'], { env: box.env, encoding: 'utf8' }).trim();
export const stateLog = (box: Sandbox) => path.join(box.home, '.local', 'state', 'robo', 'nightly.log');
export const unitDir = (box: Sandbox) => path.join(box.home, '.config', 'systemd', 'user');
export const plistFile = (box: Sandbox) => path.join(box.home, 'Library', 'LaunchAgents', 'com.robo.aws-config.plist');
export const CRON_MARKER = '# robo-aws-config nightly';
export const markedLines = (text: string) => text.split('\n').filter((line) => line.endsWith(CRON_MARKER));

export function loadPlist(file: string): Record<string, unknown> {
  const script = 'import plistlib, sys, json; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))';
  return JSON.parse(execFileSync(python(), ['-c', script, file], { encoding: 'utf8' })) as Record<string, unknown>;
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
