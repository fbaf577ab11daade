/**
 * Shell completion end to end: the built robo answering a Tab, and the
 * scripts in the shells themselves. bash is always here; zsh and fish are
 * tested where installed (CI need not have them) and skipped with a note
 * where not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript } from '../src/completion/scripts.js';
import { exampleTree, fileUrl, makeDotfilesRepo } from './helpers/git.js';
import { projectRoot, roboOnPath, runRobo, type RunResult } from './helpers/robo.js';
import { makeSandbox, sandboxes, type Sandbox } from './helpers/sandbox.js';

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

/**
 * Run `program` with `robo` on its PATH (roboOnPath: each run of it is robo
 * in this process, or the binary with ROBO_TEST_BINARY=1), so the shells'
 * scripts call robo as installed, without a Node start-up per Tab.
 */
async function runWithRobo(
  box: Sandbox,
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<RunResult> {
  const robo = await roboOnPath(box.root);
  try {
    return await run(program, args, { ...env, PATH: `${robo.bin}:${env.PATH}` }, cwd);
  } finally {
    await robo.close();
  }
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

/** A word for a shell's command line, in single quotes. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** What one Tab of a batch printed: its exit status, its candidates, its stderr. */
interface Tab {
  status: string;
  candidates: string[];
  stderr: string[];
}

/** Split a batch's stdout into its Tabs: "=== status", then candidate lines, then "!stderr" lines. */
function tabs(stdout: string, candidate: (line: string) => string): Tab[] {
  const found: Tab[] = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const current = found.at(-1);
    if (line.startsWith('=== ')) found.push({ status: line.slice(4), candidates: [], stderr: [] });
    else if (line.startsWith('!')) current?.stderr.push(line.slice(1));
    else current?.candidates.push(candidate(line));
  }
  return found;
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

  const cases: Array<[string, string[], string[]]> = [
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
  ];

  /**
   * One bash for every case: the script loaded as `eval "$(robo completion bash)"`,
   * then, per case, the function called as bash does on a Tab. Each case prints
   * "=== status", its COMPREPLY as <word> lines and its stderr as !line lines.
   */
  let shell: RunResult;
  let answers: Tab[];
  const box = makeSandbox();
  afterAll(() => box.cleanup());
  beforeAll(async () => {
    const program = [
      'eval "$(robo completion bash)"',
      'complete -p robo >&2',
      `err=${quote(path.join(box.root, 'tab.err'))}`,
      '_robo_tab() {',
      '  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()',
      '  _robo_complete 2>"$err"',
      '  printf "=== %s\\n" "$?"',
      '  for word in "${COMPREPLY[@]}"; do printf "<%s>\\n" "$word"; done',
      '  while IFS= read -r line; do printf "!%s\\n" "$line"; done <"$err"',
      '}',
      ...cases.map(([, words]) => ['_robo_tab', 'robo', ...words].map(quote).join(' ')),
    ].join('\n');
    shell = await runWithRobo(box, 'bash', ['-c', program], box.env, filesIn(box));
    answers = tabs(shell.stdout, (line) => line.slice(1, -1));
  });

  it('loads the script as documented, and registers the function with -o filenames', () => {
    expect(shell.code).toBe(0);
    expect(shell.stderr).toBe('complete -o filenames -F _robo_complete robo\n');
  });

  it.each(cases.map((entry, index) => [...entry, index] as const))('%s: %j', (_what, _words, expected, index) => {
    const answer = answers[index];
    expect({ status: answer?.status, stderr: answer?.stderr }).toEqual({ status: '0', stderr: [] });
    expect(answer?.candidates.sort()).toEqual(expected);
  });
});

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe.skipIf(!has('fish'))('fish (tested only where fish is installed)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['an option, with its description', 'robo aws.config --t', ['--team\tYour team']],
    ['a team after --team=', 'robo aws.config --team=gr', ['--team=growth']],
    ['a team after --team', 'robo aws.render --team s', ['security']],
    ['files after --config=', 'robo --config=b', ['--config=backup-1']],
    ['folders for teams.validate', 'robo teams.validate su', ['sub dir/\tDirectory']],
    ['nothing for a flag', 'robo aws.config --dry-run=', []],
  ];

  /**
   * One fish for every case: the script loaded as documented, then fish's own
   * `complete -C` (what fish offers for a command line) per case, each printed
   * after "=== status", its stderr as !line lines.
   */
  let shell: RunResult;
  let answers: Tab[];
  const box = makeSandbox();
  afterAll(() => box.cleanup());
  beforeAll(async () => {
    const err = path.join(box.root, 'tab.err');
    const program = [
      'robo completion fish | source',
      'for line in $argv',
      `  set -l candidates (complete -C $line 2>${quote(err)})`,
      '  echo "=== $status"',
      "  printf '%s\\n' $candidates",
      `  for error in (cat ${quote(err)}); echo "!$error"; end`,
      'end',
    ].join('\n');
    const env = { ...box.env, XDG_DATA_HOME: path.join(box.home, '.local', 'share') };
    const args = ['--no-config', '-c', program, ...cases.map(([, line]) => line)];
    shell = await runWithRobo(box, 'fish', args, env, filesIn(box));
    answers = tabs(shell.stdout, (line) => line);
  });

  it('loads the script as documented, quietly', () => {
    expect({ code: shell.code, stderr: shell.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it.each(cases.map((entry, index) => [...entry, index] as const))('%s: %j', (_what, _line, expected, index) => {
    const answer = answers[index];
    expect({ status: answer?.status, stderr: answer?.stderr }).toEqual({ status: '0', stderr: [] });
    expect(answer?.candidates).toEqual(expected);
  });
});
if (!has('fish'))
  console.warn('completion.e2e: fish is not installed, so the fish script was not run (apt-get install fish)');

describe.skipIf(!has('zsh'))('zsh (tested only where zsh is installed)', () => {
  const cases: Array<[string, string, string]> = [
    ['an option', 'robo aws.config --t', 'robo aws.config --team'],
    ['a team after --team=', 'robo aws.config --team=gr', '--team=growth'],
    ['a task with its alias', 'robo config.a', 'robo config.aws'],
    ['files after --config=', 'robo --config=ba', '--config=backup-1'],
    ['folders for --repo', 'robo aws.config --repo su', 'sub\\ dir/'],
  ];

  /**
   * A real interactive zsh on a pseudo-terminal (zsh/zpty), one for every
   * case: compinit and the script loaded as documented; per case a line typed
   * with a Tab, the screen read until the completed line shows ("FOUND n"),
   * then the line killed (^U) and a marker printed, so the next case reads
   * only its own screen. Bounded by run()'s timeout: a line that never
   * shows blocks the read, so that case and the ones after it fail.
   */
  let found: string[];
  const box = makeSandbox();
  afterAll(() => box.cleanup());
  beforeAll(async () => {
    const driver = [
      'zmodload zsh/zpty',
      'zpty z zsh -f -i',
      `zpty -w z 'PS1="> "; bindkey -e; autoload -Uz compinit; compinit -u -D; eval "$(robo completion zsh)"; print RE""ADY'`,
      "zpty -r z out '*READY*'",
      'n=0',
      'for line expected in "$@"; do',
      '  n=$((n + 1))',
      '  zpty -w -n z "$line"$\'\\t\'',
      '  zpty -r z out "*${(b)expected}*" && print -r -- "FOUND $n"',
      '  zpty -w z $\'\\x15\'"print DO\\"\\"NE$n"',
      '  zpty -r z out "*DONE$n*"',
      'done',
      'zpty -d z',
    ].join('\n');
    const args = cases.flatMap(([, line, expected]) => [line, expected]);
    const result = await runWithRobo(box, 'zsh', ['-f', '-c', driver, 'zsh', ...args], box.env, filesIn(box));
    found = result.stdout.split('\n').filter((line) => line.startsWith('FOUND '));
  });

  it.each(cases.map((entry, index) => [...entry, index] as const))(
    '%s: %j shows %j',
    (_what, _line, _expected, index) => {
      expect(found).toContain(`FOUND ${index + 1}`);
    },
  );
});
if (!has('zsh'))
  console.warn('completion.e2e: zsh is not installed, so the zsh script was not run (apt-get install zsh)');
