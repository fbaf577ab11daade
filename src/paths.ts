/**
 * Where robo reads and writes, from the environment: HOME, the XDG base
 * directories (config, cache, state), AWS_CONFIG_FILE and ROBO_BACKUP_DIR. Tests point all of these
 * at temp dirs; nothing here falls back to the real home unless HOME is unset.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RoboPaths {
  home: string;
  /** $XDG_CONFIG_HOME or ~/.config (the nightly job's systemd units go under it). */
  configHome: string;
  /** robo's own settings (INI): $XDG_CONFIG_HOME/robo/config. */
  settingsFile: string;
  /** Clones of dotfiles sources: $XDG_CACHE_HOME/robo. */
  cacheDir: string;
  /**
   * What robo must remember and may not lose with the cache (records of its
   * backups, the last trusted commit of each source): $XDG_STATE_HOME/robo.
   */
  stateDir: string;
  /** The AWS config robo writes: $AWS_CONFIG_FILE or ~/.aws/config. */
  targetFile: string;
  /** Where backups go: $ROBO_BACKUP_DIR or /tmp. */
  backupDir: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv): RoboPaths {
  const home = env.HOME || os.homedir();
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = (value: string | undefined, fallback: string) => (value && path.isAbsolute(value) ? value : fallback);
  const configHome = xdg(env.XDG_CONFIG_HOME, path.join(home, '.config'));
  const cacheHome = xdg(env.XDG_CACHE_HOME, path.join(home, '.cache'));
  const stateHome = xdg(env.XDG_STATE_HOME, path.join(home, '.local', 'state'));
  const awsConfigFile = env.AWS_CONFIG_FILE;
  return {
    home,
    configHome,
    settingsFile: path.join(configHome, 'robo', 'config'),
    cacheDir: path.join(cacheHome, 'robo'),
    stateDir: path.join(stateHome, 'robo'),
    // botocore and aws-okta expand a leading ~ in AWS_CONFIG_FILE; so do we.
    targetFile: awsConfigFile ? path.resolve(expandHome(awsConfigFile, home)) : path.join(home, '.aws', 'config'),
    backupDir: env.ROBO_BACKUP_DIR ? path.resolve(expandHome(env.ROBO_BACKUP_DIR, home)) : '/tmp',
  };
}

export function expandHome(value: string, home: string): string {
  return value === '~' || value.startsWith('~/') ? path.join(home, value.slice(1)) : value;
}

/** A path under HOME as ~/..., as people write it. */
export function tilde(file: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  return home && file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

/**
 * The package's root folder: it holds the embedded example organisation
 * (organization.json, teams/). This module sits one level below the root both
 * as source (src/paths.ts) and bundled (dist/*.js).
 */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/** A readable name for a source URL in file names (its last two parts), to which callers add a hash so two URLs never share one. */
export function sourceSlug(url: string): string {
  const slug = url
    .replace(/\.git$/, '')
    .split(/[/:]/)
    .filter(Boolean)
    .slice(-2)
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 60);
  return slug || 'source';
}
