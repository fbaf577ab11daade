/** Where the team comes from, and what robo status prints, as tables in-process. */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusJson, statusLines } from '../src/commands/status.js';
import { readStatus } from '../src/status.js';
import { git, makeDotfilesRepo } from './helpers/git.js';
import { sandboxes } from './helpers/sandbox.js';

const sandbox = sandboxes();
const BLOCK =
  '# >>> robo aws.config - team platform - generated, local edits are overwritten\n[okta]\naws_saml_url = x\n\n[profile hub]\nregion = r\n# <<< robo aws.config\n';

describe('readStatus', () => {
  it("with no settings and no team: the team of the config's block, its profiles, the file's mtime", async () => {
    const box = sandbox();
    mkdirSync(path.dirname(box.awsConfig), { recursive: true });
    writeFileSync(box.awsConfig, `[default]\n${BLOCK}`);
    const when = new Date('2026-01-02T03:04:05Z');
    utimesSync(box.awsConfig, when, when);
    const status = await readStatus({ env: box.env, cwd: box.root });
    expect(status.team).toEqual({
      team: 'platform',
      origin: 'config',
      teamOrigin: "robo's block in ~/.aws/config (no --team, $SEGMENT_TEAM or settings)",
    });
    expect(statusJson(status)).toMatchObject({
      team: 'platform',
      teamOrigin: 'config',
      source: { kind: 'embedded', ref: null },
      cache: null,
      config: {
        exists: true,
        lastWritten: when.toISOString(),
        lastWrittenFrom: 'mtime',
        block: { team: 'platform', profiles: ['hub'] },
      },
    });
    const lines = statusLines(status, box.env, new Date('2026-01-05T03:04:05Z'));
    expect(lines[0]).toBe(
      "team:     platform  (from robo's block in ~/.aws/config (no --team, $SEGMENT_TEAM or settings))",
    );
    expect(lines).toContain(
      "config:   ~/.aws/config, last written 3 days ago (2026-01-02T03:04:05.000Z, the file's mtime)",
    );
    expect(lines).toContain('block:    team platform, 1 profile(s): hub');
  });

  it('a git source: the settings team and the commit of the cached clone, read without the network', async () => {
    const box = sandbox();
    const repo = makeDotfilesRepo(path.join(box.root, 'repo'));
    const clone = path.join(box.root, 'clone');
    git(box.root, 'clone', '-q', repo, clone);
    const head = git(clone, 'rev-parse', 'HEAD').trim();
    // The clone robo would have made, where robo keeps it; the URL is unreachable, and status never asks it.
    const url = 'https://127.0.0.1:9/dotfiles.git';
    const { cacheFolder } = await import('../src/source/source.js');
    const dir = cacheFolder(box.cacheDir, url);
    mkdirSync(path.dirname(dir), { recursive: true });
    git(box.root, 'clone', '-q', clone, dir);
    mkdirSync(path.join(box.home, '.config', 'robo'), { recursive: true });
    writeFileSync(
      path.join(box.home, '.config', 'robo', 'config'),
      `[dotfiles]\nrepo = ${url}\nref = main\n\n[user]\nteam = data\n`,
    );
    const status = await readStatus({ env: box.env, cwd: box.root });
    expect(status.team).toEqual({ team: 'data', origin: 'settings', teamOrigin: 'team in ~/.config/robo/config' });
    expect(statusJson(status)).toMatchObject({
      source: { kind: 'git', location: url, ref: 'main', origin: 'settings' },
      cache: { commit: head },
      config: { exists: false, block: null },
    });
    expect(statusLines(status, box.env).join('\n')).toContain(`commit:   ${head.slice(0, 12)} of the cached clone`);
  });
});
