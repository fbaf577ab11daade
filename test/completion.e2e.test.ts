/**
 * Shell completion end to end: the built robo answering a Tab, and the
 * scripts in the shells themselves. bash is always here; zsh and fish are
 * tested where installed (CI need not have them) and skipped with a note
 * where not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { completionScript } from '../src/completion/scripts.js';
import { exampleTree, fileUrl, makeDotfilesRepo } from './helpers/git.js';
import { projectRoot, roboBin, runRobo, type RunResult } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

/** A Tab must print candidates and nothing else: exit 0, and stderr empty. */
async function tab(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<string[]> {
  const result = await runRobo(args, { env, cwd });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout === '' ? [] : result.stdout.replace(/\n$/, '').split('\n');
}

describe('robo __complete', () => {
  it('completes an option of the task, and nothing goes to stderr', async () => {
    const box = sandbox();
    expect(await tab(['__complete', 'bash', '--', 'aws.config', '--t'], box.env)).toEqual(['--team']);
  });

  it("answers the scripts older robos installed, which printed yargs' error on the command line (finding 5)", async () => {
    // Before, this printed "✖ : unknown option --get-yargs-completions, ..." to stderr and exited 2.
    const box = sandbox();
    expect(await tab(['--get-yargs-completions', 'robo', 'aws.config', '--t'], box.env)).toEqual(['--team']);
  });

  it.each<[string, (box: Sandbox) => NodeJS.ProcessEnv]>([
    [
      'a broken robo.yml',
      (box) => {
        writeFileSync(path.join(box.root, 'robo.yml'), 'deploy: [\n  nope');
        return { ...box.env, ROBO_CONFIG: path.join(box.root, 'robo.yml') };
      },
    ],
    [
      'a broken settings file',
      (box) => {
        mkdirSync(path.join(box.home, '.config', 'robo'), { recursive: true });
        writeFileSync(path.join(box.home, '.config', 'robo', 'config'), '[dotfiles]\nrepo =\nwhat = ever\n');
        return box.env;
      },
    ],
    [
      'no HOME',
      (box) => {
        const env = { ...box.env };
        delete env.HOME;
        return env;
      },
    ],
    ['a robo.yml that does not exist', (box) => ({ ...box.env, ROBO_CONFIG: path.join(box.root, 'missing.yml') })],
  ])('with %s: the same candidates, no error, exit 0', async (_what, make) => {
    const box = sandbox();
    const env = make(box);
    expect(await tab(['__complete', 'bash', '--', 'aws.config', '--t'], env, box.root)).toEqual(['--team']);
    expect(await tab(['__complete', 'bash', '--', 'aws.c'], env, box.root)).toEqual(['aws.config']);
    expect(await tab(['--get-yargs-completions', 'robo', 'aws.config', '--t'], env, box.root)).toEqual(['--team']);
  });

  it('nonsense in, nothing out, exit 0', async () => {
    const box = sandbox();
    expect(await tab(['__complete'], box.env)).toEqual([]);
    expect(await tab(['__complete', 'tcsh', '--', 'a'], box.env)).toEqual([]);
    expect(
      await tab(['__complete', 'bash', '--', 'aws.config', '--team', '--repo', '--', '-', '=', ':'], box.env),
    ).toEqual([]);
  });

  it('team names from the clone aws.config made, without git or the network; never a clone of its own', async () => {
    const box = sandbox();
    const repo = makeDotfilesRepo(path.join(box.root, 'dotfiles'), {
      ...exampleTree(),
      'teams/zeta.json': readFileSync(path.join(projectRoot, 'teams', 'fpa.json'), 'utf8'),
    });
    const env = { ...box.env, ROBO_DOTFILES_REPO: fileUrl(repo) };
    expect(await tab(['__complete', 'bash', '--', 'aws.config', '--team', ''], env)).toEqual([]);
    expect(existsSync(box.cacheDir)).toBe(false); // the Tab cloned nothing
    expect((await runRobo(['teams.list'], { env })).code).toBe(0); // clones
    const noGit = { ...env, PATH: path.join(box.root, 'no-git-here') };
    const teams = ['data', 'foundation', 'fpa', 'growth', 'platform', 'security', 'zeta'];
    expect(await tab(['__complete', 'bash', '--', 'aws.config', '--team', ''], noGit)).toEqual(teams);
    expect(await tab(['__complete', 'fish', '--', 'aws.render', '--team=z'], noGit)).toEqual(
      teams.map((team) => `--team=${team}`),
    );
  });
});

describe('robo completion', () => {
  it('prints the script of the shell named, or of $SHELL; another shell is a usage error', async () => {
    const box = sandbox();
    expect((await runRobo(['completion', 'fish'], { env: box.env })).stdout).toContain(
      "complete -c robo -f -a '(__robo_complete)'",
    );
    expect((await runRobo(['completion'], { env: { ...box.env, SHELL: '/bin/zsh' } })).stdout).toContain(
      'compdef _robo robo',
    );
    const tcsh = await runRobo(['completion', 'tcsh'], { env: box.env });
    expect(tcsh.code).toBe(2);
    expect(tcsh.stderr).toContain('robo completion tcsh: unknown shell; use bash, zsh, fish');
    const unknown = await runRobo(['completion'], { env: { ...box.env, SHELL: '/bin/tcsh' } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('$SHELL is /bin/tcsh');
    const extra = await runRobo(['completion', 'bash', 'zsh'], { env: box.env });
    expect(extra.code).toBe(2);
    expect(extra.stdout).toBe('');
  });

  it('is listed by robo --help', async () => {
    const box = sandbox();
    expect((await runRobo(['--help'], { env: box.env })).stdout).toMatch(
      /robo completion \[shell\] +Print a bash, zsh or fish completion script/,
    );
  });
});

/** A folder with `robo` in it, running this checkout's build, as installed. */
function roboOnPath(box: Sandbox): NodeJS.ProcessEnv {
  const bin = path.join(box.root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'robo'), `#!/bin/sh\nexec '${process.execPath}' '${roboBin}' "$@"\n`);
  chmodSync(path.join(bin, 'robo'), 0o755);
  return { ...box.env, PATH: `${bin}:${box.env.PATH}` };
}

/** Run a program with a bound on its time: a hung shell fails the test instead of hanging it. */
function run(program: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A folder to complete file names in. */
function filesIn(box: Sandbox): string {
  const dir = path.join(box.root, 'work');
  mkdirSync(path.join(dir, 'sub dir'), { recursive: true });
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'backup-1'), '');
  writeFileSync(path.join(dir, 'settings.yml'), '');
  return dir;
}

describe('bash (the script is written for 3.2, as macOS has)', () => {
  const script = completionScript('bash', {});

  it('uses nothing bash 3.2 lacks', () => {
    const code = script
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const forbidden: Array<[string, RegExp]> = [
      ['mapfile/readarray (bash 4)', /\b(mapfile|readarray)\b/],
      ['associative arrays (bash 4)', /\b(declare|local|typeset)\s+-[a-zA-Z]*A/],
      ['case conversion ${x,,} ${x^^} (bash 4)', /\$\{[^}]*(,,|\^\^|,|\^)\}/],
      ['compopt (bash 4)', /\bcompopt\b/],
      ['coproc (bash 4)', /\bcoproc\b/],
      ['&>> and |& (bash 4)', /&>>|\|&/],
      [';& and ;;& in case (bash 4)', /;;&|;&/],
      ['negative array indexes (bash 4.3)', /\[\s*-\d+\s*\]/],
      ['globstar (bash 4)', /globstar/],
      ['${var@op} (bash 4.4)', /\$\{[^}]*@[QEPAa]\}/],
      ['declare -n namerefs (bash 4.3)', /\b(declare|local|typeset)\s+-[a-zA-Z]*n/],
      ['process substitution into source (does nothing in 3.2)', /source\s+<\(/],
    ];
    for (const [what, pattern] of forbidden) expect(code, what).not.toMatch(pattern);
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
  });

  /** Load the script as `eval "$(robo completion bash)"`, then call the function as bash does on a Tab. */
  async function complete(box: Sandbox, cwd: string, words: string[]): Promise<string[]> {
    const env = roboOnPath(box);
    const program = [
      'eval "$(robo completion bash)"',
      'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      '_robo_complete || exit 9',
      'complete -p robo >&2',
      'for word in "${COMPREPLY[@]}"; do printf "<%s>\\n" "$word"; done',
    ].join('\n');
    const result = await run('bash', ['-c', program, 'bash', 'robo', ...words], env, cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('complete -o filenames -F _robo_complete robo\n');
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(1, -1));
  }

  it.each<[string, string[], string[]]>([
    ['an option', ['aws.config', '--t'], ['--team']],
    ['a task', ['aws.r'], ['aws.remove', 'aws.render', 'aws.restore']],
    ['a team after --team', ['aws.config', '--team', 'gr'], ['growth']],
    ['a team after --team= (bash splits at the =)', ['aws.config', '--team', '=', 'f'], ['foundation', 'fpa']],
    [
      'every team after a bare --team=',
      ['aws.render', '--team', '='],
      ['data', 'foundation', 'fpa', 'growth', 'platform', 'security'],
    ],
    ['files for aws.restore', ['aws.restore', 's'], ['settings.yml', 'src', 'sub dir']],
    ['folders for --repo', ['aws.config', '--repo', 's'], ['src', 'sub dir']],
    ['files for --config=', ['--config', '=', 'b'], ['backup-1']],
    ['nothing for a free-text value', ['aws.config', '--ref', ''], []],
  ])('%s: %j', async (_what, words, expected) => {
    const box = sandbox();
    expect((await complete(box, filesIn(box), words)).sort()).toEqual(expected);
  });
});

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe.skipIf(!has('fish'))('fish (tested only where fish is installed)', () => {
  /** fish's own `complete -C`: what fish offers for a command line, after loading the script as documented. */
  async function complete(box: Sandbox, cwd: string, line: string): Promise<string[]> {
    const env = { ...roboOnPath(box), XDG_DATA_HOME: path.join(box.home, '.local', 'share') };
    const result = await run(
      'fish',
      ['--no-config', '-c', 'robo completion fish | source; complete -C $argv[1]', line],
      env,
      cwd,
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return result.stdout.split('\n').filter(Boolean);
  }

  it.each<[string, string, string[]]>([
    ['an option, with its description', 'robo aws.config --t', ['--team\tYour team']],
    ['a team after --team=', 'robo aws.config --team=gr', ['--team=growth']],
    ['a team after --team', 'robo aws.render --team s', ['security']],
    ['files after --config=', 'robo --config=b', ['--config=backup-1']],
    ['folders for teams.validate', 'robo teams.validate su', ['sub dir/\tDirectory']],
    ['nothing for a flag', 'robo aws.config --dry-run=', []],
  ])('%s: %j', async (_what, line, expected) => {
    const box = sandbox();
    expect(await complete(box, filesIn(box), line)).toEqual(expected);
  });
});
if (!has('fish'))
  console.warn('completion.e2e: fish is not installed, so the fish script was not run (apt-get install fish)');

describe.skipIf(!has('zsh'))('zsh (tested only where zsh is installed)', () => {
  /**
   * A real interactive zsh on a pseudo-terminal (zsh/zpty): compinit, the
   * script loaded as documented, a line typed with a Tab, and the screen
   * read until the completed line shows (bounded by run()'s timeout).
   */
  async function typeTab(box: Sandbox, cwd: string, line: string, expected: string): Promise<void> {
    const env = roboOnPath(box);
    const driver = [
      'zmodload zsh/zpty',
      'zpty z zsh -f -i',
      `zpty -w z 'PS1="> "; autoload -Uz compinit; compinit -u -D; eval "$(robo completion zsh)"; print RE""ADY'`,
      "zpty -r z out '*READY*'",
      'zpty -w -n z "$1"$\'\\t\'',
      'zpty -r z out "*${(b)2}*" && print -r -- FOUND',
      'zpty -d z',
    ].join('\n');
    const result = await run('zsh', ['-f', '-c', driver, 'zsh', line, expected], env, cwd);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('FOUND');
  }

  it.each<[string, string, string]>([
    ['an option', 'robo aws.config --t', 'robo aws.config --team'],
    ['a team after --team=', 'robo aws.config --team=gr', '--team=growth'],
    ['a task with its alias', 'robo config.a', 'robo config.aws'],
    ['files after --config=', 'robo --config=ba', '--config=backup-1'],
    ['folders for --repo', 'robo aws.config --repo su', 'sub\\ dir/'],
  ])('%s: %j shows %j', async (_what, line, expected) => {
    const box = sandbox();
    await typeTab(box, filesIn(box), line, expected);
  });
});
if (!has('zsh'))
  console.warn('completion.e2e: zsh is not installed, so the zsh script was not run (apt-get install zsh)');
