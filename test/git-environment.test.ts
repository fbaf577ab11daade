/** Which variables reach git: the ones users rely on, not the ones that redirect it. */
import { describe, expect, it } from 'vitest';
import { gitEnvironment } from '../src/system/git.js';

describe('gitEnvironment', () => {
  const env = gitEnvironment({
    PATH: '/bin',
    HOME: '/home/u',
    GIT_SSH_COMMAND: 'ssh -i key',
    GIT_SSL_CAINFO: '/etc/ca.pem',
    GIT_DIR: '/elsewhere/.git',
    GIT_WORK_TREE: '/elsewhere',
    GIT_CONFIG_PARAMETERS: "'core.hooksPath=/x'",
    EDITOR: 'vim',
    PAGER: 'less',
    HTTPS_PROXY: 'http://proxy:3128',
  });

  it('passes on what users need to reach their git server', () => {
    expect(env).toMatchObject({
      GIT_SSH_COMMAND: 'ssh -i key',
      GIT_SSL_CAINFO: '/etc/ca.pem',
      HTTPS_PROXY: 'http://proxy:3128',
      PATH: '/bin',
      HOME: '/home/u',
    });
  });

  it('drops variables that would point git elsewhere or run programs', () => {
    for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_PARAMETERS', 'EDITOR', 'PAGER'])
      expect(env).not.toHaveProperty(key);
  });

  it('never lets git prompt unless the user asked for it', () => {
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(gitEnvironment({ GIT_TERMINAL_PROMPT: '1' }).GIT_TERMINAL_PROMPT).toBe('1');
  });

  it('without a terminal, no graphical passphrase or credential dialog either', () => {
    expect(env).toMatchObject({ SSH_ASKPASS_REQUIRE: 'never', GCM_INTERACTIVE: 'never' });
    expect(gitEnvironment({}, true)).not.toHaveProperty('SSH_ASKPASS_REQUIRE');
  });
});
