/* eslint-disable no-control-regex -- these tests are about control characters */
/**
 * Text from the repo, from the user's files and from git reaches the
 * terminal with its escapes made visible: a team file name, robo.yml's
 * summaries, usage, examples and variables, validation messages quoting
 * values, a remote's failure message, the user's own config lines in a
 * --dry-run diff, and paths from the environment. Each run is checked
 * without colour (only newlines may be raw) and with FORCE_COLOR (robo's own
 * colour codes too, and nothing else).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleTree, writeTree } from './helpers/git.js';
import { runRobo, type RunResult } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** What a hostile repo puts in a string: title, clear screen, clipboard (OSC 52), 8-bit CSI, bidi override, CR, BS, DEL. */
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\x1b]52;c;cm0gLXJmIH4K\x07\u009b2J\u202e\u2066\r\b\x7f';
/** The same as robo shows it. */
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J\\x1b]52;c;cm0gLXJmIH4K\\x07\\u009b2J\\u202e\\u2066\\x0d\\x08\\x7f';
/** Any character a terminal acts on, except newline (tab included: nothing here prints one). */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
/** The SGR colour codes robo (chalk, level 1) writes. */
const SGR = /\x1b\[\d+m/g;

const MODES = [
  { name: 'without colour', env: {}, colour: false },
  { name: 'with FORCE_COLOR', env: { FORCE_COLOR: '1' }, colour: true },
] as const;

/** Neither stream holds a raw control character but newlines and, with colour, robo's own colour codes. */
function expectNoRawControls(result: RunResult, colour: boolean): void {
  for (const [name, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const rest = colour ? text.replace(SGR, '') : text;
    const at = rest.search(RAW_CONTROL);
    expect(
      at,
      `${name} holds a raw control character: ${JSON.stringify(rest.slice(Math.max(0, at - 40), at + 40))}`,
    ).toBe(-1);
  }
}

/** The run printed the hostile text (made visible) somewhere: the check above was not vacuous. */
function expectShown(result: RunResult, shown = SHOWN): void {
  expect(result.stdout + result.stderr).toContain(shown);
}

/** --json output: valid, with nothing raw that `jq -r` would pass to the terminal. */
function parseJson(result: RunResult): unknown {
  expect(result.stdout).not.toMatch(RAW_CONTROL);
  return JSON.parse(result.stdout);
}

async function robo(
  box: Sandbox,
  args: string[],
  mode: (typeof MODES)[number],
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  return runRobo(args, { env: { ...box.env, ...mode.env, ...env } });
}

function dotfiles(box: Sandbox): string {
  const dir = path.join(box.root, 'dotfiles');
  writeTree(dir, exampleTree());
  return dir;
}

describe.each(MODES)('terminal escapes from the repo, $name', (mode) => {
  it('a team file named with escapes, and a value quoted by validation', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const dir = dotfiles(box);
    writeFileSync(path.join(dir, 'teams', `evil${HOSTILE}.json`), exampleTree()['teams/data.json']!);
    const growth = JSON.parse(exampleTree()['teams/growth.json']!) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'teams', 'growth.json'), JSON.stringify({ ...growth, hub_role: `growth${HOSTILE}` }));
    expect(readdirSync(path.join(dir, 'teams'))).toContain(`evil${HOSTILE}.json`);

    const dryRun = await robo(box, ['aws.config', '--repo', dir, '--dry-run'], mode);
    expect(dryRun.code, dryRun.stderr).toBe(6);
    expectNoRawControls(dryRun, mode.colour);
    expect(dryRun.stderr).toContain(`teams/evil${SHOWN}.json`);

    const validate = await robo(box, ['teams.validate', dir], mode);
    expect(validate.code, validate.stderr).toBe(3);
    expectNoRawControls(validate, mode.colour);
    expect(validate.stderr).toContain(`teams/evil${SHOWN}.json`);
    // Quoted with JSON.stringify, which escapes C0 itself but leaves C1, bidi and DEL.
    expectShown(validate, 'growth\\u001b]0;pwned\\u0007');
    expectShown(validate, '\\u009b2J\\u202e\\u2066\\r\\b\\x7f');

    const list = await robo(box, ['teams.list', '--repo', dir], mode);
    expect(list.code, list.stderr).toBe(0);
    expectNoRawControls(list, mode.colour);
    expect(list.stdout).toContain(`evil${SHOWN}`);

    const listed = parseJson(await robo(box, ['teams.list', '--repo', dir, '--json'], mode)) as {
      teams: Array<{ team: string }>;
    };
    expect(listed.teams.map((row) => row.team)).toContain(`evil${HOSTILE}`);
    const json = await robo(box, ['aws.config', '--repo', dir, '--dry-run', '--json'], mode);
    expect(json.code).toBe(6);
    const { warnings } = parseJson(json) as { warnings: string[] };
    expect(warnings.some((warning) => warning.startsWith(`teams/evil${HOSTILE}.json: `))).toBe(true);
  });

  it("robo.yml's task list, help, variables and problems", async () => {
    const box = sandbox();
    const file = path.join(box.root, 'robo.yml');
    const quoted = JSON.stringify(HOSTILE); // a YAML double-quoted string
    writeFileSync(
      file,
      [
        'variables:',
        `  greeting: ${quoted}`,
        `  ${JSON.stringify(`key${HOSTILE}`)}: plain`,
        'hello:',
        `  summary: ${JSON.stringify(`Say hello ${HOSTILE}`)}`,
        `  usage: ${JSON.stringify(`[NAME] ${HOSTILE}`)}`,
        `  command: ${JSON.stringify(`echo ${HOSTILE}`)}`,
        '  examples:',
        `    - description: ${quoted}`,
        `      command: ${JSON.stringify(`robo hello ${HOSTILE}`)}`,
        '',
      ].join('\n'),
    );
    for (const args of [
      ['--config', file],
      ['--config', file, 'help', 'hello'],
      ['--config', file, 'variables'],
    ]) {
      const result = await robo(box, args, mode);
      expect(result.code, result.stderr).toBe(0);
      expectNoRawControls(result, mode.colour);
      expectShown(result);
    }

    const tasks = parseJson(await robo(box, ['--config', file, '--json'], mode)) as {
      tasks: Array<{ name: string; summary: string }>;
    };
    expect(tasks.tasks.find((task) => task.name === 'hello')?.summary).toBe(`Say hello ${HOSTILE}`);
    const variables = parseJson(await robo(box, ['--config', file, '--json', 'variables'], mode)) as {
      variables: Record<string, string>;
    };
    expect(variables.variables.greeting).toBe(HOSTILE);

    // A task name robo refuses is quoted in the message.
    const broken = path.join(box.root, 'broken.yml');
    writeFileSync(broken, `${JSON.stringify(`bad${HOSTILE}`)}:\n  command: echo\n`);
    const listed = await robo(box, ['--config', broken], mode);
    const refused = await robo(box, ['--config', broken, 'hello'], mode);
    expect(refused.code, refused.stderr).toBe(3);
    for (const result of [listed, refused]) {
      expectNoRawControls(result, mode.colour);
      expectShown(result, 'bad\\u001b]0;pwned\\u0007');
      expectShown(result, '\\u009b2J\\u202e\\u2066\\r\\b\\x7f');
    }
  });

  it("a remote's failure message, as git passes it on", async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    // A fake ssh that speaks for the server: lines on stderr (as a git host's
    // ssh banner or "remote:" lines reach git's stderr) and an ERR packet. A sh whose printf (a
    // builtin) writes them: no program started per clone but the sh. HOSTILE has no single quote.
    const message = `ERR no such repo ${HOSTILE}\n`;
    const packet = (Buffer.byteLength(message) + 4).toString(16).padStart(4, '0') + message;
    const server = path.join(box.root, 'fake-ssh');
    writeFileSync(
      server,
      `#!/bin/sh\nprintf '%s' 'remote: ${HOSTILE}\nerror: ${HOSTILE}\n' >&2\nprintf '%s' '${packet}'\n`,
      { mode: 0o755 },
    );
    const env = { GIT_SSH_COMMAND: `'${server}'`, GIT_SSH_VARIANT: 'simple' };
    for (const args of [
      ['aws.config', '--repo', 'ssh://127.0.0.1/dotfiles'],
      ['aws.config', '--repo', 'ssh://127.0.0.1/dotfiles', '--verbose'],
    ]) {
      const result = await robo(box, args, mode, env);
      expect(result.code, result.stderr).toBe(4);
      expectNoRawControls(result, mode.colour);
      expect(result.stderr).toContain('cannot clone ssh://127.0.0.1/dotfiles');
      expectShown(result, `error: ${SHOWN}`);
      expectShown(result, '\\u009b2J\\u202e\\u2066'); // git turns C0 in an ERR packet into "?", but not these
    }
    const json = await robo(box, ['aws.config', '--repo', 'ssh://127.0.0.1/dotfiles', '--json'], mode, env);
    expect(json.code).toBe(4);
    expect((parseJson(json) as { error: { message: string } }).error.message).toContain(`error: ${HOSTILE}`);
  });

  it("the user's own config lines in a --dry-run diff", async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const dir = dotfiles(box);
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    // A section of the user's next to robo's block (diff context), and one robo's block takes over (removed lines).
    writeFileSync(
      box.awsConfig,
      `[profile mine]\nregion = eu-north-1\n# ${HOSTILE}\n\n[profile hub]\nrole_arn = arn:aws:iam::1:role/x${HOSTILE}\n`,
    );

    const result = await robo(box, ['aws.config', '--repo', dir, '--dry-run'], mode);
    expect(result.code, result.stderr).toBe(6);
    expectNoRawControls(result, mode.colour);
    expect(result.stdout).toContain(` # ${SHOWN}\n`);
    expect(result.stderr).toContain('would take out your [profile hub]');
    if (mode.colour) expect(result.stdout).toContain(`\x1b[31m-role_arn = arn:aws:iam::1:role/x${SHOWN}\x1b[39m`);
    else expect(result.stdout).toContain(`-role_arn = arn:aws:iam::1:role/x${SHOWN}\n`);
  });

  it('paths and values from the environment', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const dir = dotfiles(box);
    const config = path.join(box.root, `aws${HOSTILE}`, 'config');
    mkdirSync(path.dirname(config), { recursive: true });
    writeFileSync(config, '[default]\nregion = eu-north-1\n');
    const env = { AWS_CONFIG_FILE: config, ROBO_BACKUP_DIR: path.join(box.root, `backups${HOSTILE}`) };

    const written = await robo(box, ['aws.config', '--repo', dir], mode, env);
    expect(written.code, written.stderr).toBe(0);
    expectNoRawControls(written, mode.colour);
    expect(written.stdout).toContain(`backups${SHOWN}`);
    expect(written.stdout).toContain(`aws${SHOWN}/config`);
    if (mode.colour) expect(written.stdout).toMatch(SGR);

    const missing = await robo(box, ['aws.config'], mode, {
      ...env,
      ROBO_DOTFILES_REPO: path.join(box.root, `missing${HOSTILE}`),
    });
    expect(missing.code, missing.stderr).toBe(4);
    expectNoRawControls(missing, mode.colour);
    expectShown(missing, `missing${SHOWN}`);
  });
});
