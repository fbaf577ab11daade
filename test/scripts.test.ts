/**
 * scripts/onboard, the bootstrap a new laptop runs: real bash, the real
 * node and git (or their absence, with a PATH made for the test), and robo
 * onboard behind it in a sandboxed HOME. What robo onboard and robo nightly
 * do is tested in onboard.e2e.test.ts and nightly.e2e.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, roboBin, type RunResult } from './helpers/robo.js';
import { schedulerBoxes, type SchedulerBox } from './helpers/schedulers.js';

const box = schedulerBoxes();
const onboardScript = path.join(projectRoot, 'scripts', 'onboard');

function run(b: SchedulerBox, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Run as the user does, through the script's own #!/usr/bin/env bash: this checks the executable bit too.
    const child = spawn(onboardScript, args, {
      env: { ...b.env, ...env },
      cwd: b.home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

/** A PATH of only the programs named, as links to the real ones (and fakes given as scripts). */
function pathWith(b: SchedulerBox, programs: string[], fakes: Record<string, string> = {}): string {
  const folder = path.join(b.root, `path-${readdirSync(b.root).length}`);
  mkdirSync(folder);
  for (const name of programs) symlinkSync(which(name, b.env), path.join(folder, name));
  for (const [name, text] of Object.entries(fakes)) writeFileSync(path.join(folder, name), text, { mode: 0o755 });
  return folder;
}

function which(name: string, env: NodeJS.ProcessEnv): string {
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    if (folder && existsSync(path.join(folder, name))) return path.join(folder, name);
  }
  throw new Error(`${name} not found on PATH`);
}

// The script needs bash and dirname; robo needs node and git.
const BASICS = ['bash', 'dirname'];

describe('scripts/onboard', () => {
  it('hands its arguments to robo onboard, and says when robo is not on PATH', async () => {
    const b = box({ SHELL: '/bin/bash' });
    const result = await run(b, ['--team', 'platform', '--no-nightly', '--repo', projectRoot], {
      PATH: pathWith(b, [...BASICS, 'node', 'git']),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Recorded');
    expect(result.stdout).toContain('aws-okta exec hub -- aws sts get-caller-identity');
    expect(result.stderr).toBe(
      `⚠ : robo is not on your PATH; this run uses ${roboBin}. For new shells: npm install -g ${projectRoot} (or add ${projectRoot}/bin to PATH)\n`,
    );
    expect(readFileSync(path.join(b.home, '.config', 'robo', 'config'), 'utf8')).toContain('team = platform');
    expect(readFileSync(b.awsConfig, 'utf8')).toContain('# >>> robo aws.config - team platform');
  });

  it("with robo on PATH says nothing of it, and exits with robo onboard's code", async () => {
    const b = box({ SHELL: '/bin/bash' });
    const onPath = pathWith(b, [...BASICS, 'node', 'git'], { robo: `#!/bin/sh\nexec node '${roboBin}' "$@"\n` });
    const result = await run(b, ['--team', 'platform'], { PATH: onPath });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("✖ : no dotfiles source: pass your company's dotfiles repo with --repo URL");
    expect(result.stderr).not.toContain('not on your PATH');
    expect(readdirSync(b.home)).toEqual([]);
  });

  it.each([
    ['no node', [...BASICS, 'git'], {}, 'node is not on PATH: install Node.js 20.19 or later'],
    [
      'an old node',
      [...BASICS, 'git'],
      { node: '#!/bin/sh\n[ "$1" = --version ] && echo v20.11.1 && exit 0\nexit 1\n' },
      'robo needs Node.js 20.19 or later; this node',
    ],
    ['no git', [...BASICS, 'node'], {}, 'git is not on PATH: install git'],
  ])('%s: exit 2 with what to install, nothing written', async (_name, programs, fakes, message) => {
    const b = box({ SHELL: '/bin/bash' });
    const result = await run(b, ['--team', 'platform', '--repo', projectRoot], { PATH: pathWith(b, programs, fakes) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(readdirSync(b.home)).toEqual([]);
  });

  it('the old scripts/nightly is gone: robo nightly replaces it', () => {
    expect(existsSync(path.join(projectRoot, 'scripts', 'nightly'))).toBe(false);
  });
});
