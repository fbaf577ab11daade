/**
 * robo.yml's before/after steps and `$(…)` expressions, run for real: the
 * steps append to a log so the order is asserted, exit codes as the task's
 * own or the first failing step's, and an expression that creates a file
 * proves that nothing but running a task that uses it runs it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleTree, writeTree } from './helpers/git.js';
import { roboBin, runRobo } from './helpers/robo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const made of sandboxes.splice(0)) made.cleanup();
});

/** A checkout with robo.yml (and the bundled organisation, for teams.validate); `log` is where steps write. */
function setup(roboYml: (log: string) => string) {
  const box = makeSandbox();
  sandboxes.push(box);
  const dir = path.join(box.root, 'checkout');
  const log = path.join(box.root, 'log');
  writeTree(dir, { ...exampleTree(), 'robo.yml': roboYml(log) });
  const file = path.join(dir, 'robo.yml');
  const robo = (...args: string[]) => runRobo(['--tasks', file, ...args], { env: box.env, cwd: box.root });
  const logged = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => line.trimEnd())
      : [];
  return { box, dir, file, log, robo, logged };
}

/**
 * Run task t through the binary, send robo SIGTERM once `stream` says
 * "started" (no clock), and give its exit code.
 */
async function sigtermOnceStarted(box: Sandbox, file: string, stream: 'stdout' | 'stderr'): Promise<number | null> {
  const child = spawn(process.execPath, [roboBin, '--tasks', file, 't'], {
    env: box.env,
    stdio: ['ignore', stream === 'stdout' ? 'pipe' : 'ignore', stream === 'stderr' ? 'pipe' : 'ignore'],
  });
  const exited = once(child, 'exit');
  let said = '';
  let killed = false;
  for await (const chunk of child[stream]!) {
    said += String(chunk);
    if (!killed && said.includes('started')) killed = child.kill('SIGTERM');
  }
  const [code] = (await exited) as [number | null];
  return code;
}

/** robo.yml with global steps and task t's own; `codes` sets the exit code of each (0 unless given). */
const stepsFile =
  (codes: Partial<Record<'gb' | 'tb1' | 'tb2' | 't' | 'ta' | 'ga', number>> = {}) =>
  (log: string) => {
    const step = (name: keyof typeof codes, indent: string) =>
      `${indent}- command: echo ${name} "$@" "$T" >> ${log}; exit ${codes[name] ?? 0}`;
    return [
      'before:',
      step('gb', '  '),
      'after:',
      step('ga', '  '),
      't:',
      '  env: [T=own]',
      `  command: echo t "$@" "$T" >> ${log}; exit ${codes.t ?? 0}`,
      '  before:',
      step('tb1', '    '),
      step('tb2', '    '),
      '  after:',
      step('ta', '    '),
      '',
    ].join('\n');
  };

describe('before and after steps', () => {
  it('run as global before, task before, task, task after, global after, with the arguments; the task env only on its own steps', async () => {
    const { robo, logged } = setup(stepsFile());
    const result = await robo('t', 'x');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(logged()).toEqual(['gb x', 'tb1 x own', 'tb2 x own', 't x own', 'ta x own', 'ga x']);
  });

  it.each([
    {
      name: 'a failing before step ends its list only: the task and the after steps run',
      codes: { tb1: 4 },
      code: 4,
      ran: ['gb', 'tb1', 't', 'ta', 'ga'],
      reported: ['9: before step #1 of task t failed (exit 4)'],
    },
    {
      name: 'a failing global before step still lets everything else run',
      codes: { gb: 7 },
      code: 7,
      ran: ['gb', 'tb1', 'tb2', 't', 'ta', 'ga'],
      reported: ['2: global before step #1 failed (exit 7)'],
    },
    {
      name: "a failing task still lets the after steps run, and its code is robo's",
      codes: { t: 6, ta: 5, tb2: 8 },
      code: 6,
      ran: ['gb', 'tb1', 'tb2', 't', 'ta', 'ga'],
      reported: ['10: before step #2 of task t failed (exit 8)', '12: after step #1 of task t failed (exit 5)'],
    },
    {
      name: "else the first failing step's code",
      codes: { ta: 5, ga: 9 },
      code: 5,
      ran: ['gb', 'tb1', 'tb2', 't', 'ta', 'ga'],
      reported: ['12: after step #1 of task t failed (exit 5)', '4: global after step #1 failed (exit 9)'],
    },
  ])('$name', async ({ codes, code, ran, reported }) => {
    const { robo, logged, file } = setup(stepsFile(codes));
    const result = await robo('t');
    expect(result.code).toBe(code);
    expect(logged().map((line) => line.split(' ')[0])).toEqual(ran);
    for (const line of reported) expect(result.stderr).toContain(`${file}:${line}`);
    expect(result.stderr.split('\n').filter((line) => line.includes('failed (exit'))).toHaveLength(reported.length);
  });

  it('SIGTERM goes to the step running; the task and the after steps still run (binary)', async () => {
    const { box, file, logged } = setup((log) =>
      [
        't:',
        `  command: echo t >> ${log}`,
        '  before:',
        '    - command: |',
        `        trap 'echo got-term >> ${log}; exit 7' TERM`,
        '        echo started',
        '        i=0',
        '        while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done',
        `        echo timeout >> ${log}`,
        '  after:',
        `    - command: echo ta >> ${log}`,
        '',
      ].join('\n'),
    );
    // The step says on stdout when its trap is set.
    expect(await sigtermOnceStarted(box, file, 'stdout')).toBe(7);
    expect(logged()).toEqual(['got-term', 't', 'ta']);
  });

  it('SIGTERM while a $(…) runs goes to its command, which robo waits for; the task does not run (binary)', async () => {
    // The command says on stderr when its trap is set (its stdout is the value): no clock.
    const { box, file, logged } = setup((log) =>
      [
        'variables:',
        `  slow: $(trap 'echo got-term >> ${log}; exit 7' TERM; echo started >&2; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; echo timeout >> ${log})`,
        't:',
        `  command: echo t {{ .slow }} >> ${log}`,
        '',
      ].join('\n'),
    );
    const code = await sigtermOnceStarted(box, file, 'stderr');
    // Before, robo died at once and left the command running (it would have logged "timeout" 20 s later).
    expect(logged()).toEqual(['got-term']);
    expect(code).toBe(3);
  });

  it('a step that cannot start is reported and the rest runs (exit 3)', async () => {
    const { robo, logged, file } = setup(
      (log) => `t:\n  command: echo t >> ${log}\n  before:\n    - exec: /nonexistent/program\n`,
    );
    const result = await robo('t');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:4: before step #1 of task t could not start`);
    expect(logged()).toEqual(['t']);
  });

  it('robo help shows the steps, the global ones marked', async () => {
    const { robo } = setup(stepsFile());
    const help = await robo('help', 't');
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n').map((line) => line.split(':')[0])).toEqual(
      expect.arrayContaining(['Before (command, global)', 'Before (command)', 'Runs (command)', 'After (command)']),
    );
    const lines = help.stdout.split('\n');
    const order = ['Before (command, global)', 'Before (command)', 'Runs (command)', 'After (command)'].map((start) =>
      lines.findIndex((line) => line.startsWith(start)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(lines.findLastIndex((line) => line.startsWith('After (command, global): echo ga'))).toBeGreaterThan(
      order.at(-1)!,
    );
  });

  it('a step that is not a map is a robo.yml problem with its line (exit 3), and nothing runs', async () => {
    const { robo, logged, file } = setup((log) => `before:\n  - echo hi\nt:\n  command: echo t >> ${log}\n`);
    const result = await robo('t');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:2: before step #1 must be a map`);
    expect(logged()).toEqual([]);
  });

  it('teams.validate checks step scripts as it checks task scripts', async () => {
    const { box, dir } = setup(
      () => 'before:\n  - script: missing.sh\nt:\n  command: c\n  after:\n    - script: x.sh\n',
    );
    writeFileSync(path.join(dir, 'x.sh'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'x.sh'), 0o644);
    const result = await runRobo(['teams.validate', dir], { env: box.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('global before step #1: script "missing.sh" does not exist in the checkout');
    expect(result.stderr).toContain('task t: after step #1: script "x.sh" is not executable');
  });
});

describe('$(…) expressions', () => {
  const lazyFile = (made: string) => (log: string) =>
    [
      'variables:',
      `  made: $(echo ran >> ${made}; echo M)`,
      '  through: "<{{ .made }}>"',
      't:',
      `  command: echo "{{ .through }}" >> ${log}`,
      'u:',
      `  command: echo u >> ${log}`,
      '',
    ].join('\n');

  it('run only when a task that uses them runs: not for listing, help, variables, completion, teams.validate or another task', async () => {
    const box = makeSandbox();
    sandboxes.push(box);
    const made = path.join(box.root, 'made');
    const { robo, dir, logged, file } = setup(lazyFile(made));
    const env = { ...box.env, ROBO_TASKS: file };
    const runs = [
      await robo(),
      await robo('help', 't'),
      await robo('variables'),
      await robo('--json', 'variables'),
      await runRobo(['__complete', 'bash', '--', ''], { env }),
      await runRobo(['teams.validate', dir], { env }),
      await robo('u'),
    ];
    for (const run of runs) expect(run.code).toBe(0);
    expect(existsSync(made)).toBe(false);
    expect(runs[1]!.stdout).toContain(`Runs (command): echo "<$(echo ran >> ${made}; echo M)>"`);
    expect(runs[2]!.stdout).toMatch(/^ {2}through += <\$\(echo ran >> .*; echo M\)>$/m);
    expect(JSON.parse(runs[3]!.stdout)).toMatchObject({ variables: { made: `$(echo ran >> ${made}; echo M)` } });

    expect((await robo('t')).code).toBe(0);
    expect(logged()).toEqual(['u', '<M>']);
    expect(readFileSync(made, 'utf8')).toBe('ran\n'); // once, though two variables hold it
  });

  it('robo variables --eval runs them, --json too', async () => {
    const box = makeSandbox();
    sandboxes.push(box);
    const { robo } = setup(lazyFile(path.join(box.root, 'made')));
    expect((await robo('variables', '--eval')).stdout).toMatch(/^ {2}through += <M>$/m);
    expect(JSON.parse((await robo('--json', 'variables', '--eval')).stdout)).toMatchObject({
      variables: { made: 'M', through: '<M>' },
    });
  });

  it('a failing one fails the task before anything runs, with its stderr, the variable, file and line (exit 3)', async () => {
    const { robo, logged, file } = setup((log) =>
      [
        'variables:',
        '  ok: fine',
        '  broken: $(echo oops >&2; exit 2)',
        'before:',
        `  - command: echo gb >> ${log}`,
        't:',
        `  command: echo {{ .broken }} >> ${log}`,
        '',
      ].join('\n'),
    );
    const result = await robo('t');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('oops\n');
    expect(result.stderr).toContain(`${file}:3: variable broken: $(echo oops >&2; exit 2) failed (exit 2)`);
    expect(logged()).toEqual([]);
    const variables = await robo('variables', '--eval');
    expect(variables.code).toBe(3);
    expect(variables.stderr).toContain(`${file}:3: variable broken`);
  });

  it("a failing one in a list is named with the list's line", async () => {
    const { robo, file } = setup(() => 'variables:\n  ok: 1\n  items:\n    - fine\n    - $(exit 4)\n');
    const result = await robo('variables', '--eval');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:3: variable items.1: $(exit 4) failed (exit 4)`);
  });

  it('a cycle of variables is a robo.yml problem for tasks (exit 3) and for teams.validate', async () => {
    const { robo, box, dir, file } = setup(() => 'variables:\n  a: "{{ .b }}"\n  b: "{{ .a }}"\nt:\n  command: c\n');
    const result = await robo('t');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:2: variables: a → b → a is a cycle`);
    const validate = await runRobo(['teams.validate', dir], { env: box.env });
    expect(validate.code).toBe(3);
    expect(validate.stderr).toContain('variables: a → b → a is a cycle');
  });
});
