/**
 * A remote that hangs (a half-up VPN, a stalled ssh) against a loopback
 * server that accepts connections and never answers, over git:// and
 * http://: git is stopped after the time limit with every process it
 * started (git-remote-http, ssh), and the run then ends as for a remote that
 * is offline: the cached clone with its one warning line, or exit 4 saying
 * how to wait longer. A robo interrupted while git waits leaves no git
 * behind either. On a terminal, "contacting <source>…" shows while git
 * waits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTACTING_DELAY_MS, remoteLine } from '../src/commands/remote-line.js';
import { GitTimeoutError, runGitRemote, type RemoteListener } from '../src/system/git.js';
import { treeState } from './helpers/files.js';
import {
  allowedSignersFile,
  commitSigned,
  fileUrl,
  git,
  makeDotfilesRepo,
  sshKey,
  startGitDaemon,
  type GitDaemon,
} from './helpers/git.js';
import {
  CAN_SCAN_PROCESSES,
  eventually,
  processesMarked,
  startHungRemote,
  type HungRemote,
} from './helpers/hung-remote.js';
import { roboBin, runRobo, type RunResult } from './helpers/robo.js';
import { makeSandbox, sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();
const HAS_SSH = spawnSync('ssh', ['-V'], { stdio: 'ignore' }).status === 0;
const markers: string[] = [];
/** A marker unique to one test: in robo's (and so git's) environment, and in the URL. */
const newMarker = () => {
  markers.push(`hung-${process.pid}-${markers.length + 1}`);
  return markers.at(-1)!;
};
// A test that failed may have left git waiting on the socket: end those (found by the test's own marker).
afterEach(() => {
  for (const marker of markers) for (const { pid } of processesMarked(marker)) process.kill(pid, 'SIGKILL');
});
const leftovers = (marker: string) => processesMarked(marker).map((found) => `${found.pid} ${found.command}`);
/** Nothing the run started is still running (git gets a moment to be reaped after robo is gone). */
const noneLeft = async (marker: string) => {
  await eventually(() => processesMarked(marker).length === 0, 40);
  return leftovers(marker);
};
const stderrLines = (result: RunResult) => result.stderr.split('\n').filter(Boolean);
const clonesOf = (box: Sandbox) =>
  existsSync(path.join(box.cacheDir, 'sources')) ? readdirSync(path.join(box.cacheDir, 'sources')) : [];
/** The files in the home folder (the locks folder and the settings a test writes aside). */
const homeFiles = (box: Sandbox) =>
  Object.entries(treeState(box.home, (rel) => !rel.includes('locks') && !rel.startsWith('.config'))).filter(
    ([, state]) => !state.startsWith('dir'),
  );
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const settingsFile = (box: Sandbox) => path.join(box.home, '.config', 'robo', 'config');
const writeSettings = (box: Sandbox, text: string) => {
  mkdirSync(path.dirname(settingsFile(box)), { recursive: true });
  writeFileSync(settingsFile(box), text);
};

/** A listener that records what it is told. */
function recorder(): { listener: RemoteListener; events: string[] } {
  const events: string[] = [];
  return {
    events,
    listener: {
      contacting: (remote) => events.push(`contacting ${remote}`),
      progress: ({ stage }) => events.push(`progress ${stage}`),
      done: () => events.push('done'),
    },
  };
}

describe.skipIf(!CAN_SCAN_PROCESSES)('a remote that never answers', () => {
  let hung: HungRemote;
  let daemon: GitDaemon;
  let served: Sandbox;
  beforeAll(async () => {
    served = makeSandbox();
    makeDotfilesRepo(path.join(served.root, 'served', 'dotfiles.git'));
    daemon = await startGitDaemon(path.join(served.root, 'served'));
    hung = await startHungRemote({ port: Number(/:(\d+)\//.exec(daemon.url('x'))![1]) });
  });
  afterAll(async () => {
    await hung.stop();
    await daemon.stop();
    served.cleanup();
  });
  /** The hanging remote's URL for a scheme, with the test's marker in its path. */
  const urlOf = (scheme: string, marker: string) =>
    (scheme === 'git://' ? hung.gitUrl : hung.httpUrl)(`${marker}/dotfiles.git`);

  describe('runGitRemote', () => {
    it.each(['git://', 'http://'])(
      'stops ls-remote over %s after the limit, and every process git started with it',
      async (scheme) => {
        const marker = newMarker();
        const url = urlOf(scheme, marker);
        const dir = sandbox().root;
        const { listener, events } = recorder();
        const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', ROBO_TEST_MARKER: marker };
        const error = await runGitRemote(dir, env, ['ls-remote', url], { remote: url, timeoutMs: 300, listener }).catch(
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(GitTimeoutError);
        expect((error as Error).message).toBe('the remote did not answer within 0.3 s');
        expect(events).toEqual([`contacting ${url}`, 'done']);
        expect(await noneLeft(marker)).toEqual([]);
      },
    );

    it.skipIf(!HAS_SSH)(
      'stops ls-remote over ssh:// after the limit, the sh that runs GIT_SSH_COMMAND and its ssh included',
      async () => {
        const marker = newMarker();
        const url = `ssh://127.0.0.1:${hung.port}/${marker}/dotfiles.git`;
        const env = {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          ROBO_TEST_MARKER: marker,
          // No user or system ssh config, no known_hosts written: ssh connects and waits for a banner that never comes.
          GIT_SSH_COMMAND:
            'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
        };
        const running = runGitRemote(sandbox().root, env, ['ls-remote', url], { remote: url, timeoutMs: 300 });
        const error = await running.catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(GitTimeoutError);
        expect(await noneLeft(marker)).toEqual([]);
      },
    );

    // Why runGitRemote is robo's own and not simple-git's `timeout`: should this
    // ever fail, git stops its helpers itself, and simple-git would do.
    it("simple-git's own time limit stops git alone, and git's helper stays behind on the socket", async () => {
      const { simpleGit } = await import('simple-git');
      // On a loaded machine git may not reach the socket before a short limit: then nothing was left behind
      // because nothing had started, which proves nothing. So the limit grows (bounded) until the remote held
      // the connection before simple-git gave up, and only that attempt is judged.
      for (const block of [300, 1000, 3000]) {
        const marker = newMarker();
        const url = hung.httpUrl(`${marker}/dotfiles.git`);
        const heldBefore = hung.held();
        const error = await simpleGit({ baseDir: sandbox().root, timeout: { block } })
          .env({ PATH: process.env.PATH!, ROBO_TEST_MARKER: marker })
          .listRemote([url])
          .catch((thrown: unknown) => thrown);
        expect(String(error)).toMatch(/timeout/);
        if (hung.held() === heldBefore && block < 3000) continue;
        expect(hung.held()).toBeGreaterThan(heldBefore);
        expect(leftovers(marker)).toEqual([expect.stringMatching(/remote-http/), expect.stringMatching(/remote-http/)]);
        break;
      }
    });

    it('an answer in time is stdout; progress goes to the listener, and only the rest of stderr into a failure', async () => {
      const repo = makeDotfilesRepo(path.join(sandbox().root, 'dotfiles'));
      const clone = sandbox().root;
      git(clone, 'init', '-q');
      const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
      const listed = await runGitRemote(clone, env, ['ls-remote', fileUrl(repo), 'HEAD'], {
        remote: 'r',
        timeoutMs: 5000,
      });
      expect(listed).toBe(`${git(repo, 'rev-parse', 'HEAD')}\tHEAD\n`);

      const { listener, events } = recorder();
      await runGitRemote(clone, env, ['fetch', '--progress', fileUrl(repo), 'HEAD'], {
        remote: 'r',
        timeoutMs: 5000,
        listener,
      });
      expect(events[0]).toBe('contacting r');
      expect(events).toContain('progress counting'); // "remote: Counting objects: 33% (1/3)"
      expect(events.at(-1)).toBe('done');

      const failed = await runGitRemote(clone, env, ['fetch', '--progress', fileUrl(repo), 'refs/heads/nope'], {
        remote: 'r',
        timeoutMs: 5000,
      }).catch((thrown: unknown) => thrown);
      expect((failed as Error).message).toMatch(/couldn't find remote ref refs\/heads\/nope/);
      expect((failed as Error).message).not.toMatch(/\d+% \(/);
    });
  });

  describe('the "contacting" line (remoteLine)', () => {
    /** The status lines a reporter was given: text, or undefined for "cleared". */
    const statuses = () => {
      const shown: Array<string | undefined> = [];
      return { shown, reporter: { status: (line: string | undefined) => shown.push(line) } };
    };

    it('shows after the delay while git waits, and is cleared when git is done', async () => {
      const { shown, reporter } = statuses();
      const line = remoteLine(reporter, true, 0);
      const url = hung.gitUrl(`${newMarker()}/dotfiles.git`);
      await runGitRemote(sandbox().root, { ...process.env, GIT_TERMINAL_PROMPT: '0' }, ['ls-remote', url], {
        remote: url,
        timeoutMs: 100,
        listener: line.listener,
      }).catch(() => {});
      expect(shown).toEqual([`contacting ${url}…`, undefined]);
    });

    it('shows nothing when git answers before the delay', async () => {
      const { shown, reporter } = statuses();
      const line = remoteLine(reporter, true, 60_000);
      const repo = makeDotfilesRepo(path.join(sandbox().root, 'dotfiles'));
      await runGitRemote(sandbox().root, { ...process.env, GIT_TERMINAL_PROMPT: '0' }, ['ls-remote', fileUrl(repo)], {
        remote: 'r',
        timeoutMs: 5000,
        listener: line.listener,
      });
      line.clear();
      expect(shown).toEqual([]);
    });

    it("turns into git's progress, and is cleared once", () => {
      const { shown, reporter } = statuses();
      const line = remoteLine(reporter, true, 60_000);
      line.listener!.contacting('r');
      line.listener!.progress({ stage: 'receiving', progress: 45 });
      line.listener!.done();
      line.clear();
      expect(shown).toEqual(['  git: receiving 45%', undefined]);
    });

    it('is not there at all when it must not show (not a terminal, --quiet, --json)', () => {
      expect(remoteLine({ status: () => {} }, false).listener).toBeUndefined();
    });
  });

  describe('robo aws.config', () => {
    it.each(['git://', 'http://'])(
      'a fresh clone over %s: exit 4 after the limit, saying so and how to wait longer; nothing written, nothing left running',
      async (scheme) => {
        const marker = newMarker();
        const url = urlOf(scheme, marker);
        const [limit, said] = scheme === 'git://' ? ['100ms', '0.1 s'] : ['300ms', '0.3 s'];
        const box = sandbox({
          SEGMENT_TEAM: 'platform',
          ROBO_DOTFILES_REPO: url,
          // Nothing is to answer: a short limit keeps the wait short; over http:// long enough for
          // git-remote-http to start, so "nothing left running" proves it is stopped too.
          ROBO_DOTFILES_TIMEOUT: limit,
          ROBO_TEST_MARKER: marker,
        });
        const before = homeFiles(box);
        const result = await runRobo(['aws.config'], { env: box.env, timeoutMs: 15_000 });
        expect(result.signal).toBeNull(); // not killed by the test's own bound
        expect(result.code).toBe(4);
        expect(stderrLines(result)).toEqual([
          `✖ : cannot clone ${url}: the remote did not answer within ${said}`,
          `    the limit is ${said} (from $ROBO_DOTFILES_TIMEOUT); to wait longer, set ROBO_DOTFILES_TIMEOUT=2m, or "timeout = 2m" under [dotfiles] in ${settingsFile(box)} (0 or off: no limit)`,
        ]);
        expect(homeFiles(box)).toEqual(before);
        expect(clonesOf(box)).toEqual([]);
        expect(await noneLeft(marker)).toEqual([]);
      },
    );

    it('a fetch that hangs after ls-remote answered: exit 4 the same way', async () => {
      const marker = newMarker();
      // The daemon serves dotfiles.git at its root; the marker goes in the environment only.
      const box = sandbox({
        SEGMENT_TEAM: 'platform',
        ROBO_DOTFILES_REPO: hung.gitUrl('dotfiles.git'),
        ROBO_DOTFILES_TIMEOUT: '1',
        ROBO_TEST_MARKER: marker,
      });
      hung.answering = 1;
      const held = hung.held();
      const result = await runRobo(['aws.config'], { env: box.env, timeoutMs: 15_000 });
      hung.answering = 0;
      expect(hung.held()).toBe(held + 1); // ls-remote went through; the fetch was held
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain(
        `cannot clone ${hung.gitUrl('dotfiles.git')}: the remote did not answer within 1 s`,
      );
      expect(clonesOf(box)).toEqual([]);
      expect(await noneLeft(marker)).toEqual([]);
    });

    describe('with a cached clone', () => {
      let box: Sandbox;
      let commit: string;
      const url = () => hung.gitUrl('dotfiles.git');
      /**
       * For the runs nothing answers: the 30 s in box.env is for the clone made through the hung URL, which
       * answers (a short limit there would only fail on a loaded machine).
       * Over git:// git itself is the only process on the socket, so a limit this short still stops a git that connected.
       */
      const SHORT = '100ms';
      beforeAll(async () => {
        box = makeSandbox({ SEGMENT_TEAM: 'platform', ROBO_DOTFILES_REPO: url(), ROBO_DOTFILES_TIMEOUT: '30s' });
        commit = git(path.join(served.root, 'served', 'dotfiles.git'), 'rev-parse', 'HEAD');
        // The clone made through the very URL that hangs from now on.
        hung.answering = Infinity;
        const first = await runRobo(['aws.config'], { env: box.env });
        hung.answering = 0;
        expect(first.code, first.stderr).toBe(0);
      });
      afterAll(() => box.cleanup());

      it('--quiet: falls back to it (exit 0) with exactly one warning line saying it timed out', async () => {
        const marker = newMarker();
        const result = await runRobo(['aws.config', '--quiet'], {
          env: { ...box.env, ROBO_DOTFILES_TIMEOUT: SHORT, ROBO_TEST_MARKER: marker },
          timeoutMs: 15_000,
        });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toBe('');
        expect(stderrLines(result)).toHaveLength(1);
        expect(stderrLines(result)[0]).toMatch(
          new RegExp(
            `^⚠ : could not fetch ${escape(url())}: the remote did not answer within 0.1 s; using the cached clone at commit ${commit.slice(0, 12)}, committed .*\\(2024-01-01T00:00:00.000Z\\)$`,
          ),
        );
        expect(await noneLeft(marker)).toEqual([]);
      });

      it('--strict: exit 4, saying the remote did not answer and how to wait longer', async () => {
        const marker = newMarker();
        const result = await runRobo(['aws.config', '--strict'], {
          env: { ...box.env, ROBO_DOTFILES_TIMEOUT: SHORT, ROBO_TEST_MARKER: marker },
          timeoutMs: 15_000,
        });
        expect(result.code).toBe(4);
        expect(stderrLines(result)[0]).toBe(
          `✖ : cannot fetch ${url()} (--strict: not using the cached clone): the remote did not answer within 0.1 s`,
        );
        expect(stderrLines(result)[1]).toContain('to wait longer, set ROBO_DOTFILES_TIMEOUT=2m');
        expect(await noneLeft(marker)).toEqual([]);
      });

      it('the limit from the settings file, and the variable over it', async () => {
        const env = { ...box.env, ROBO_DOTFILES_TIMEOUT: '' }; // empty counts as unset
        writeSettings(box, `[dotfiles]\ntimeout = ${SHORT}\n`);
        try {
          const fromSettings = await runRobo(['aws.config', '--strict'], { env, timeoutMs: 15_000 });
          expect(fromSettings.code).toBe(4);
          expect(fromSettings.stderr).toContain(
            `the limit is 0.1 s (from timeout under [dotfiles] in ${settingsFile(box)})`,
          );
          // An hour in the settings, 0.1 s in the variable: the run still ends (within the test's bound) after 0.1 s.
          writeSettings(box, '[dotfiles]\ntimeout = 1h\n');
          const fromVariable = await runRobo(['aws.config', '--strict'], {
            env: { ...env, ROBO_DOTFILES_TIMEOUT: SHORT },
            timeoutMs: 15_000,
          });
          expect(fromVariable.code).toBe(4);
          expect(fromVariable.stderr).toContain('the limit is 0.1 s (from $ROBO_DOTFILES_TIMEOUT)');
        } finally {
          writeSettings(box, '');
        }
      });
    });

    it('signed commits required: the history fetch that checks for a rollback has the limit too (exit 9, how to wait longer)', async () => {
      const marker = newMarker();
      const box = sandbox({ SEGMENT_TEAM: 'platform', ROBO_DOTFILES_TIMEOUT: '1', ROBO_TEST_MARKER: marker });
      const { key, publicKey } = sshKey(box.root, 'signer');
      const allowedSigners = allowedSignersFile(box.root, publicKey);
      const name = `${marker}.git`;
      const repo = makeDotfilesRepo(path.join(served.root, 'served', name));
      const signed = (message: string) => commitSigned(repo, key, message);
      signed('signed definitions');
      writeSettings(
        box,
        `[dotfiles]\nrepo = ${hung.gitUrl(name)}\n\n[trust]\nrequire_signed = true\nallowed_signers = ${allowedSigners}\n`,
      );
      hung.answering = Infinity;
      // The first clone only has to be made: no 1 s limit for it to miss on a loaded machine.
      const first = await runRobo(['aws.config'], { env: { ...box.env, ROBO_DOTFILES_TIMEOUT: '30s' } });
      expect(first.code, first.stderr).toBe(0);
      // A signed commit on top: the shallow clone cannot see that it descends from the one accepted, so robo fetches the history.
      signed('signed, on top');
      hung.answering = 2; // ls-remote and the fetch of the new commit answer; the history fetch hangs
      const held = hung.held();
      const result = await runRobo(['aws.config'], { env: box.env, timeoutMs: 15_000 });
      hung.answering = 0;
      expect(hung.held()).toBe(held + 1);
      expect(result.code, result.stderr).toBe(9);
      expect(stderrLines(result)[0]).toMatch(/fetching its history failed: the remote did not answer within 1 s$/);
      expect(result.stderr).toContain('to wait longer, set ROBO_DOTFILES_TIMEOUT=2m');
      expect(await noneLeft(marker)).toEqual([]);
    });

    it('a bad limit is exit 2 naming the variable or the file and key; nothing is written', async () => {
      const box = sandbox({ SEGMENT_TEAM: 'platform', ROBO_DOTFILES_REPO: hung.gitUrl('dotfiles.git') });
      const before = homeFiles(box);
      const variable = await runRobo(['aws.config'], { env: { ...box.env, ROBO_DOTFILES_TIMEOUT: 'soon' } });
      expect(variable.code).toBe(2);
      expect(stderrLines(variable)[0]).toMatch(
        /^✖ : \$ROBO_DOTFILES_TIMEOUT: "soon" is not a duration such as 30s, 2m/,
      );
      writeSettings(box, '[dotfiles]\ntimeout = 2 minutes\n');
      const settings = await runRobo(['aws.config'], { env: box.env });
      expect(settings.code).toBe(2);
      expect(settings.stderr).toContain(`${settingsFile(box)}: [dotfiles] timeout: "2 minutes" is not a duration`);
      expect(homeFiles(box)).toEqual(before);
      expect(variable.stderr + settings.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack
    });

    it.each(['git://', 'http://'])(
      'SIGTERM while git waits over %s: robo ends by it, and leaves no git process and no lock behind',
      async (scheme) => {
        const marker = newMarker();
        const url = urlOf(scheme, marker);
        const box = sandbox({
          SEGMENT_TEAM: 'platform',
          ROBO_DOTFILES_REPO: url,
          ROBO_DOTFILES_TIMEOUT: 'off',
          ROBO_TEST_MARKER: marker,
        });
        const child = spawn(process.execPath, [roboBin, 'aws.config'], {
          env: box.env,
          cwd: box.home,
          stdio: 'ignore',
        });
        const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          child.on('exit', (code, signal) => resolve({ code, signal })),
        );
        try {
          // git talking to the remote (not git init before it): ls-remote, or git-remote-http under it.
          const waiting = await eventually(
            () => processesMarked(marker).some((found) => /^git.* (ls-remote|fetch|remote-http) /.test(found.command)),
            200,
          );
          expect(waiting, 'git never started').toBe(true);
          child.kill('SIGTERM');
          const bound = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const { signal } = await ended;
          clearTimeout(bound);
          expect(signal).toBe('SIGTERM');
          expect(await noneLeft(marker)).toEqual([]);
          const locks = path.join(box.cacheDir, 'locks');
          expect(existsSync(locks) ? readdirSync(locks) : []).toEqual([]);
        } finally {
          child.kill('SIGKILL');
        }
      },
    );

    const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
    it.skipIf(!HAS_SCRIPT)('on a terminal, "contacting <source>…" shows while git waits, and is cleared', async () => {
      const marker = newMarker();
      const url = hung.gitUrl(`${marker}/dotfiles.git`);
      const limitMs = CONTACTING_DELAY_MS + 100;
      const box = sandbox({
        SEGMENT_TEAM: 'platform',
        ROBO_DOTFILES_REPO: url,
        ROBO_DOTFILES_TIMEOUT: `${limitMs}ms`,
        ROBO_TEST_MARKER: marker,
      });
      // script(1) gives robo a terminal. The line shows a second after git starts (CONTACTING_DELAY_MS), before
      // the limit 0.1 s later stops git: both are timers of robo's one event loop, set together, so the shorter one
      // fires first however loaded the machine is.
      const result = spawnSync('script', ['-qec', `${process.execPath} ${roboBin} aws.config`, '/dev/null'], {
        env: box.env,
        cwd: box.home,
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(result.stdout).toContain(`\r\x1b[2Kcontacting ${url}…\r\x1b[2K`);
      expect(result.stdout).toContain(`the remote did not answer within ${limitMs / 1000} s`);
      expect(await noneLeft(marker)).toEqual([]);
    });
  });
});
