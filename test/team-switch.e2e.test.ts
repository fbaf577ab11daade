/**
 * Team switches are visible: aws.config says when its team is not the one the
 * config, the settings or the nightly job name; with no team at all the usage
 * error names the config's; an unknown shared task says robo.yml is the cached clone's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeState } from './helpers/files.js';
import { exampleTree, fileUrl, git, makeDotfilesRepo } from './helpers/git.js';
import { runRobo } from './helpers/robo.js';
import { sandboxes, type Sandbox } from './helpers/sandbox.js';

const sandbox = sandboxes();

function settingsFile(box: Sandbox, text: string): void {
  mkdirSync(path.join(box.home, '.config', 'robo'), { recursive: true });
  writeFileSync(path.join(box.home, '.config', 'robo', 'config'), text);
}

describe('aws.config says when the team differs from your usual one', () => {
  it("--team other than the block's, the settings' and the nightly job's: one warning line, even with --quiet", async () => {
    const box = sandbox();
    settingsFile(box, '[user]\nteam = platform\n');
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const unit = path.join(box.home, '.config', 'systemd', 'user', 'robo-aws-config.service');
    mkdirSync(path.dirname(unit), { recursive: true });
    writeFileSync(
      unit,
      '[Service]\nEnvironment="SEGMENT_TEAM=platform"\nExecStart=/usr/bin/robo nightly run --quiet\n',
    );

    const agree = await runRobo(['aws.config'], { env: box.env });
    expect(agree.stderr).not.toContain('not your usual team');

    const other = await runRobo(['aws.config', '--team', 'fpa', '--quiet'], { env: box.env });
    expect(other.code, other.stderr).toBe(0);
    const lines = other.stderr.split('\n').filter((line) => line.includes('not your usual team'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'team fpa (from --team) is not your usual team: ~/.aws/config was written for team platform; ~/.config/robo/config says team platform; the nightly job (systemd) writes team platform. To switch for good: robo onboard --team fpa',
    );
  });

  it('only the block was another team: a notice on stdout, none with --quiet, stderr empty', async () => {
    const box = sandbox();
    expect((await runRobo(['aws.config', '--team', 'platform'], { env: box.env })).code).toBe(0);
    const other = await runRobo(['aws.config', '--team', 'fpa'], { env: box.env });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toBe('');
    expect(other.stdout).toContain(
      '~/.aws/config was written for team platform; this run is for team fpa (from --team)',
    );
    const quiet = await runRobo(['aws.config', '--team', 'platform', '--quiet'], { env: box.env });
    expect([quiet.stdout, quiet.stderr]).toEqual(['', '']);
  });

  it("no team anywhere: the usage error names the team of the config's block", async () => {
    const box = sandbox({ SEGMENT_TEAM: 'data' });
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    delete box.env.SEGMENT_TEAM;
    const before = treeState(box.root);
    const none = await runRobo(['aws.config'], { env: box.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no team given: pass --team TEAM or set SEGMENT_TEAM');
    expect(none.stderr).toContain('your config (~/.aws/config) was last written for team data: pass --team data');
    expect(treeState(box.root)).toEqual(before);
  });
});

describe('an unknown shared task', () => {
  it('says robo.yml comes from the cached clone, at which commit, and how to update it', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    const repo = makeDotfilesRepo(path.join(box.root, 'repo'), {
      ...exampleTree(),
      'robo.yml': 'hello:\n  command: echo hi\n',
    });
    const head = git(repo, 'rev-parse', 'HEAD');
    box.env.ROBO_DOTFILES_REPO = fileUrl(repo);
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const unknown = await runRobo(['deploy'], { env: box.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown task "deploy"');
    expect(unknown.stderr).toMatch(
      new RegExp(
        `robo\\.yml comes from the cached clone at commit ${head.slice(0, 12)} \\(\\d{4}-\\d\\d-\\d\\dT[^)]*\\); run robo aws\\.config to update it`,
      ),
    );
  });
});
