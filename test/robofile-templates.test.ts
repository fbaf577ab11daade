/**
 * robo.yml's `templates` (list, help, variables) through robo itself, in
 * process: the data tj/robo's cli.go gives each template, the colour
 * helpers (coloured only where robo colours), and a template that fails as
 * a robo.yml problem with its line.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

const TASKS = `variables:
  host: stage.internal
  ports: [80, 443]
hello:
  summary: Say hello to {{ .host }}
  usage: "[NAME]"
  command: echo hello "$@"
  env:
    - WHO=me
  examples:
    - description: Greet Ann
      command: robo hello ann
deploy:
  summary: Deploy
  script: deploy.sh
`;

function setup(templates: string, extra: NodeJS.ProcessEnv = {}) {
  const box = sandbox(extra);
  const file = path.join(box.root, 'robo.yml');
  writeFileSync(file, `${TASKS}${templates}`);
  return { file, env: { ...box.env, ROBO_TASKS: file } };
}

const CYAN = '\x1b[36m';

describe('templates.list', () => {
  it("replaces robo's list, with .Tasks in name order and built-ins marked", async () => {
    const { env } = setup(`templates:
  list: |
    {{range .Tasks}}{{if not .Builtin}}  {{cyan .Name}} – {{.Usage}} – {{.Summary}}
    {{end}}{{end}}{{ len .Tasks | printf "%d tasks" }} in {{ .File }}
`);
    const result = await runRobo([], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `  deploy –  – Deploy\n  hello – [NAME] – Say hello to stage.internal\n${result.stdout.split('\n').at(-2)}\n`,
    );
    // The built-ins are in .Tasks too.
    expect(result.stdout).toMatch(new RegExp(`^(\\d+) tasks in ${env.ROBO_TASKS}$`, 'm'));
    expect(Number(/(\d+) tasks/.exec(result.stdout)![1])).toBeGreaterThan(4);
  });

  it('shows a built-in with its fields and .Builtin true', async () => {
    const { env } = setup(`templates:
  list: '{{ with index .Tasks "aws.config" }}{{ .Name }} {{ .Builtin }} {{ gt (len .Summary) 0 }}{{ end }}'
`);
    expect((await runRobo([], { env })).stdout).toBe('aws.config true true\n');
  });

  it('colours only where robo colours: with FORCE_COLOR, not with NO_COLOR or without a terminal', async () => {
    const templates =
      'templates:\n  list: \'{{ range .Tasks }}{{ if eq .Name "hello" }}{{ cyan .Name }}{{ end }}{{ end }}\'\n';
    const plain = setup(templates);
    expect((await runRobo([], plain)).stdout).toBe('hello\n');
    const colored = setup(templates, { FORCE_COLOR: '1' });
    expect((await runRobo([], colored)).stdout).toBe(`${CYAN}hello\x1b[39m\n`);
    const noColor = setup(templates, { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect((await runRobo([], noColor)).stdout).toBe('hello\n');
  });

  it('makes terminal escapes in the data visible, while its own colours stay', async () => {
    const { env } = setup('templates:\n  list: \'{{ red "%s" "\\x1b]0;title\\x07" }}\'\n', { FORCE_COLOR: '1' });
    expect((await runRobo([], { env })).stdout).toBe('\x1b[31m\\x1b]0;title\\x07\x1b[39m\n');
  });

  it('is ignored by --json', async () => {
    const { env } = setup("templates:\n  list: 'custom'\n");
    const result = await runRobo(['--json'], { env });
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, tasks: expect.arrayContaining([]) as unknown });
  });

  it("that fails as it runs: a warning with its line, and robo's own list", async () => {
    const { env, file } = setup('templates:\n  list: |\n    line one\n    {{ .Nope }}\n');
    const result = await runRobo([], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${file}: templates.list failed, so robo's own list follows:`);
    expect(result.stderr).toContain(`${file}:19: templates.list: template {{ .Nope }} names an undefined field Nope`);
    expect(result.stdout).toContain('hello');
    expect(result.stdout).toContain('(built-in)');
  });

  it('that does not parse: robo.yml is invalid, with the line; the listing warns and shows the built-ins', async () => {
    const { env, file } = setup(
      'templates:\n  list: |\n    {{ range .Tasks }}\n    {{ upper .Name }}\n    {{ end }}\n',
    );
    const result = await runRobo([], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `${file}:19: templates.list: template {{ upper .Name }}: function "upper" not defined`,
    );
    expect(result.stdout).toContain('aws.config');
    expect(result.stdout).not.toContain('hello');
    expect((await runRobo(['hello'], { env })).code).toBe(3);
  });

  it.each([
    [
      'an unknown key',
      'templates:\n  lsit: x\n',
      "17: templates: unknown key lsit (allowed: list, help, variables; templates holds Go templates for robo's output",
    ],
    ['a template that is not text', 'templates:\n  help: [a]\n', '17: templates.help must be text'],
    ['templates that are not a map', 'templates: x\n', '16: templates: must be a map with list, help, variables'],
  ])('%s is a robo.yml problem', async (_, templates, problem) => {
    const { env, file } = setup(templates);
    const result = await runRobo(['help', 'hello'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:${problem}`);
  });
});

describe('templates.help', () => {
  const help = `templates:
  help: |
    {{cyan "Usage:"}} {{.Name}} {{.Usage}}
    {{.Summary}} (runs {{ .Command }}{{ .Script }}{{ .Exec }}; env {{ .Env }})
    {{with .Examples}}{{range .}}  {{.Description}}: $ {{.Command}}
    {{end}}{{end}}`;

  it("replaces a robo.yml task's help, with the task's fields", async () => {
    // The blank line at the end is Go's too: the block's last newline comes after {{end}}.
    const { env } = setup(help);
    const result = await runRobo(['help', 'hello'], { env });
    expect(result.stdout).toBe(
      'Usage: hello [NAME]\nSay hello to stage.internal (runs echo hello "$@"; env [WHO=me])\n  Greet Ann: $ robo hello ann\n\n',
    );
    expect((await runRobo(['help', 'deploy'], { env })).stdout).toBe(
      'Usage: deploy \nDeploy (runs deploy.sh; env [])\n\n',
    );
  });

  it("leaves a built-in's help robo's", async () => {
    const { env } = setup(help);
    expect((await runRobo(['help', 'aws.config'], { env })).stdout).toMatch(/^robo aws\.config/);
  });

  it('that fails as it runs: exit 3 with its line', async () => {
    const { env, file } = setup('templates:\n  help: |\n    ok\n    {{ index .Examples 5 }}\n');
    const result = await runRobo(['help', 'hello'], { env });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${file}:19: templates.help: template {{ index .Examples 5 }}: error calling index: index out of range: 5`,
    );
  });
});

describe('templates.variables', () => {
  it("replaces robo variables' output, with tj/robo's flattened map", async () => {
    const { env } = setup(`templates:
  variables: |
    {{- range $k, $v := . }}{{ if ne $k ".robo.file" }}
    {{ $k }}: {{ $v }}{{ end }}{{ end }}
`);
    const result = await runRobo(['variables'], { env });
    expect(result.stdout).toMatch(
      /^\n\.host: stage\.internal\n\.ports: \[80 443\]\n\.robo\.path: \/.*\n\.user\.home: \/.*\n\.user\.name: .*\n\.user\.username: .*\n$/,
    );
  });

  it('keeps robo variables as it was without one, and --json ignores it', async () => {
    const { env } = setup('');
    expect((await runRobo(['variables'], { env })).stdout).toMatch(
      /^ {2}host += stage\.internal\n {2}ports += \[80,443\]\n/,
    );
    const withTemplate = setup("templates:\n  variables: 'x'\n");
    expect(JSON.parse((await runRobo(['variables', '--json'], withTemplate)).stdout)).toMatchObject({
      variables: { host: 'stage.internal' },
    });
  });

  it('that fails as it runs: exit 3 with its line', async () => {
    const { env, file } = setup("templates:\n  variables: '{{ .host }}'\n");
    const result = await runRobo(['variables'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `${file}:17: templates.variables: template {{ .host }} names an undefined field host`,
    );
  });
});
