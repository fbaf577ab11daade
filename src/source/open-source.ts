/**
 * The one way every task gets at the dotfiles source: settings, which source,
 * whether signatures are required, and a checkout. aws.config, aws.render,
 * teams.list and robo.yml's first clone all come through here, so trust
 * pinning cannot be bypassed by using another task.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { expandHome, resolvePaths, type RoboPaths } from '../paths.js';
import { readSettings, type Settings } from '../settings.js';
import type { RemoteListener } from '../system/git.js';
import {
  checkoutSource,
  describeSpec,
  resolveSourceSpec,
  type Checkout,
  type CheckoutOptions,
  type SourceSpec,
} from './source.js';
import { resolveTimeout, type NetworkTimeout } from './timeout.js';
import type { TrustPolicy } from './trust.js';

export interface OpenSourceRequest {
  repo?: string;
  ref?: string;
  /** --require-signed; [trust] require_signed in the settings does the same. */
  requireSigned?: boolean;
  /** --allow-rollback: accept a signed commit that does not descend from the last one accepted. */
  allowRollback?: boolean;
  strict?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Told when git contacts the remote, and of its progress (the command layer shows it on a terminal). */
  onRemote?: RemoteListener;
  /** The settings, when the caller has read them already (for the team): not read twice. */
  settings?: Settings;
}

export interface OpenSource {
  paths: RoboPaths;
  settings: Settings;
  spec: SourceSpec;
  /** What a commit must pass when commits must be signed; undefined when they need not be. */
  trust: TrustPolicy | undefined;
  /** How long git may wait for the remote: $ROBO_DOTFILES_TIMEOUT, the settings, 30 s. */
  timeout: NetworkTimeout;
}

/** Where the source is and what trust it needs; no git yet. */
export async function resolveSource(request: OpenSourceRequest): Promise<OpenSource> {
  const paths = resolvePaths(request.env);
  const settings = request.settings ?? (await readSettings(paths.settingsFile));
  const spec = resolveSourceSpec({ ...request, settings });
  const trust = trustPolicy(request, settings, spec, paths);
  return { paths, settings, spec, trust, timeout: resolveTimeout(request.env, settings) };
}

/** resolveSource, then a checkout (clone or fetch) that honours trust pinning. */
export async function openSource(request: OpenSourceRequest): Promise<OpenSource & { checkout: Checkout }> {
  const source = await resolveSource(request);
  return { ...source, checkout: await checkoutSource(source.spec, checkoutOptions(source, request)) };
}

/** How a checkout of the source (and askRemote) reaches it: cache, time limit, trust. */
export function checkoutOptions(source: OpenSource, request: OpenSourceRequest): CheckoutOptions {
  const { paths, timeout, trust } = source;
  return {
    cacheDir: paths.cacheDir,
    env: request.env,
    timeout,
    onRemote: request.onRemote,
    strict: request.strict,
    trust,
  };
}

/** The trust policy when signatures are required, after checking the request makes sense. */
function trustPolicy(
  request: OpenSourceRequest,
  settings: Settings,
  spec: SourceSpec,
  paths: RoboPaths,
): TrustPolicy | undefined {
  const flag = request.requireSigned ?? false;
  if (!flag && !settings.trust.requireSigned) {
    if (request.allowRollback) {
      throw new UsageError(
        `--allow-rollback: signed commits are not required (--require-signed, or require_signed in ${settings.file}), so robo keeps no record to roll back from`,
      );
    }
    return undefined;
  }
  const from = flag ? '--require-signed' : `require_signed in ${settings.file}`;
  const { allowedSigners, pgpFingerprints } = settings.trust;
  if (!allowedSigners && pgpFingerprints.length === 0) {
    throw new UsageError(
      `${from}: no allowed-signers file: set allowed_signers in the [trust] section of ${settings.file} (or allowed_pgp_fingerprints, for OpenPGP keys)`,
    );
  }
  if (spec.kind !== 'git') {
    throw new UsageError(`${from}: ${describeSpec(spec)} is not a git source, so there is no commit to verify`);
  }
  const sshAllowedSigners =
    allowedSigners === undefined ? undefined : path.resolve(request.cwd, expandHome(allowedSigners, paths.home));
  if (sshAllowedSigners !== undefined && !existsSync(sshAllowedSigners)) {
    throw new UsageError(`${settings.file}: [trust] allowed_signers: ${sshAllowedSigners} does not exist`);
  }
  return {
    settingsFile: settings.file,
    sshAllowedSigners,
    pgpFingerprints,
    stateDir: paths.stateDir,
    allowRollback: request.allowRollback ?? false,
  };
}
