/** robo status and teams.list's mark, through the binary. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRobo } from './helpers/robo.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();

describe('robo status', () => {
  it('after the quick start: the team from $SEGMENT_TEAM, the bundled source, the block and its profiles; --json too', async () => {
    const box = sandbox({ SEGMENT_TEAM: 'platform' });
    expect((await runRobo(['aws.config'], { env: box.env })).code).toBe(0);
    const text = await runRobo(['status'], { env: box.env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('team:     platform  (from $SEGMENT_TEAM)');
    expect(text.stdout).toContain('source:   the example organisation bundled with robo');
    expect(text.stdout).toMatch(/config: +~\/\.aws\/config, last written \d+ minutes? ago \(.*, the file's mtime\)/);
    expect(text.stdout).toContain('block:    team platform, 7 profile(s): hub,');

    const json = await runRobo(['status', '--json', '--team', 'data'], { env: box.env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      task: 'status',
      team: 'data',
      teamOrigin: '--team',
      source: { kind: 'embedded' },
      config: { block: { team: 'platform' } },
    });
  });

  it('no team anywhere and no config: says so, exit 0', async () => {
    const box = sandbox();
    const result = await runRobo(['status'], { env: box.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('team:     (none: pass --team TEAM, or run robo onboard)');
    expect(result.stdout).toContain('config:   ~/.aws/config does not exist');
  });
});

describe('teams.list marks your team', () => {
  it('from the settings (robo onboard), in the table and in --json', async () => {
    const box = sandbox();
    mkdirSync(path.join(box.home, '.config', 'robo'), { recursive: true });
    writeFileSync(path.join(box.home, '.config', 'robo', 'config'), '[user]\nteam = fpa\n');
    const table = await runRobo(['teams.list'], { env: box.env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^fpa +fpa +1 +\(you\)$/m);
    expect(table.stdout).toMatch(/^foundation +foundation +\d+$/m);
    const json = JSON.parse((await runRobo(['teams.list', '--json'], { env: box.env })).stdout) as {
      yourTeam: string;
      teams: Array<{ team: string; yours: boolean }>;
    };
    expect(json.yourTeam).toBe('fpa');
    expect(json.teams.filter((row) => row.yours).map((row) => row.team)).toEqual(['fpa']);
  });
});
