/**
 * The one way every task gets at the dotfiles source: settings, which source,
 * whether signatures are required, and a checkout. aws.config, aws.render,
 * teams.list and robo.yml's first clone all come through here, so trust
 * pinning cannot be bypassed by using another task.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { expandHome, resolvePaths, type RoboPaths } from '../paths.js';
import { readSettings, type Settings } from '../settings.js';
import type { GitProgress } from '../system/git.js';
import { checkoutSource, describeSpec, resolveSourceSpec, type Checkout, type SourceSpec } from './source.js';

export interface OpenSourceRequest {
  repo?: string;
  ref?: string;
  /** --require-signed; [trust] require_signed in the settings does the same. */
  requireSigned?: boolean;
  strict?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  progress?: GitProgress;
}

export interface OpenSource {
  paths: RoboPaths;
  settings: Settings;
  spec: SourceSpec;
  /** The allowed-signers file when commits must be signed. */
  allowedSigners: string | undefined;
}

/** Where the source is and what trust it needs; no git yet. */
export async function resolveSource(request: OpenSourceRequest): Promise<OpenSource> {
  const paths = resolvePaths(request.env);
  const settings = await readSettings(paths.settingsFile);
  const spec = resolveSourceSpec({ repo: request.repo, ref: request.ref, env: request.env, cwd: request.cwd, settings });
  const allowedSigners = trustedSigners(request.requireSigned ?? false, settings, spec, paths.home, request.cwd);
  return { paths, settings, spec, allowedSigners };
}

/** resolveSource, then a checkout (clone or fetch) that honours trust pinning. */
export async function openSource(request: OpenSourceRequest): Promise<OpenSource & { checkout: Checkout }> {
  const source = await resolveSource(request);
  const checkout = await checkoutSource(source.spec, {
    cacheDir: source.paths.cacheDir,
    env: request.env,
    progress: request.progress,
    strict: request.strict,
    allowedSigners: source.allowedSigners,
  });
  return { ...source, checkout };
}

/** The allowed-signers file when signatures are required, after checking the request makes sense. */
function trustedSigners(flag: boolean, settings: Settings, spec: SourceSpec, home: string, cwd: string): string | undefined {
  if (!flag && !settings.trust.requireSigned) return undefined;
  const from = flag ? '--require-signed' : `require_signed in ${settings.file}`;
  if (!settings.trust.allowedSigners) {
    throw new UsageError(`${from}: no allowed-signers file: set allowed_signers in the [trust] section of ${settings.file}`);
  }
  if (spec.kind !== 'git') {
    throw new UsageError(`${from}: ${describeSpec(spec)} is not a git source, so there is no commit to verify`);
  }
  return path.resolve(cwd, expandHome(settings.trust.allowedSigners, home));
}
