/** Read AWS config files exactly as the AWS CLI does, with botocore's own loader. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Organization, Team } from '../../src/definitions/model.js';

/**
 * The python that `python3` on PATH runs (for botocore, plistlib), found once per test process: a
 * version manager's shim (pyenv) is a shell script that costs half a second
 * or more per start, more than botocore's loader itself.
 */
let interpreter: string | undefined;
export function python(): string {
  interpreter ??= execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  return interpreter;
}

/**
 * The AWS CLI that `aws` on PATH runs. A pyenv shim (a folder named shims) is
 * the same shell script as python3's, ~270 ms per call: the `aws` pip put
 * beside the interpreter it runs is the program the shim would start.
 */
let cli: string | undefined;
export function awsExecutable(): string {
  if (cli === undefined) {
    const found = execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
    const beside = path.join(path.dirname(python()), 'aws');
    cli = path.basename(path.dirname(found)) === 'shims' && existsSync(beside) ? beside : found;
  }
  return cli;
}

const SCRIPT = 'import sys, json, botocore.configloader as c; print(json.dumps(c.load_config(sys.argv[1])))';

// One python process for many files: load each, or report why botocore refused it.
const BATCH = `
import sys, json, botocore.configloader as c
out = []
for path in sys.argv[1:]:
    try:
        out.append({"ok": True, "config": c.load_config(path)})
    except Exception as e:
        out.append({"ok": False, "error": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`;

export interface BotocoreConfig {
  profiles: Record<string, Record<string, string>>;
  [section: string]: unknown;
}

export function loadWithBotocore(file: string): BotocoreConfig {
  return JSON.parse(execFileSync(python(), ['-c', SCRIPT, file], { encoding: 'utf8' })) as BotocoreConfig;
}

/** A python that reads with botocore on demand: one start (~0.5 s of CPU, mostly importing botocore) for many reads. */
export interface BotocoreReader {
  load(file: string): Promise<BotocoreConfig>;
  stop(): void;
}

// One file name a line in, its load_config (or why botocore refused it) as one JSON line out.
const SERVE = `
import sys, json, botocore.configloader as c
for line in sys.stdin:
    try:
        out = {"ok": True, "config": c.load_config(line.rstrip("\\n"))}
    except Exception as e:
        out = {"ok": False, "error": type(e).__name__ + ": " + str(e)}
    print(json.dumps(out), flush=True)
`;

/** loadWithBotocore for a test file that reads many configs: start it in beforeAll, stop it in afterAll. */
export function botocoreReader(): BotocoreReader {
  const child = spawn(python(), ['-c', SERVE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: Array<{ resolve: (config: BotocoreConfig) => void; reject: (error: Error) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as BatchResult;
    const next = waiting.shift()!;
    if (answer.ok) next.resolve(answer.config);
    else next.reject(new Error(answer.error));
  });
  child.once('exit', (code) => {
    for (const next of waiting.splice(0)) next.reject(new Error(`the botocore reader ended (${String(code)})`));
  });
  return {
    load: (file) =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${file}\n`);
      }),
    stop: () => {
      child.stdin.end();
    },
  };
}

export type BatchResult = { ok: true; config: BotocoreConfig } | { ok: false; error: string };

export function loadManyWithBotocore(files: string[]): BatchResult[] {
  return JSON.parse(
    execFileSync(python(), ['-c', BATCH, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  ) as BatchResult[];
}

// One python process for many files, with what a merge test needs: the raw sections
// (raw_config_parse), the loaded config (load_config is build_profile_map of them), and the
// profile botocore files each raw section under.
const RAW_BATCH = `
import sys, json, botocore.configloader as c
out = []
for path in sys.argv[1:]:
    try:
        raw = c.raw_config_parse(path)
        profile_of = {name: list(c.build_profile_map({name: {}})["profiles"]) for name in raw}
        out.append({"ok": True, "raw": raw, "config": c.build_profile_map(raw), "profileOf": profile_of})
    except Exception as e:
        out.append({"ok": False, "error": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`;

export type RawResult =
  | {
      ok: true;
      raw: Record<string, Record<string, unknown>>;
      config: BotocoreConfig;
      profileOf: Record<string, string[]>;
    }
  | { ok: false; error: string };

export function readManyWithBotocore(files: string[]): RawResult[] {
  return JSON.parse(
    execFileSync(python(), ['-c', RAW_BATCH, ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }),
  ) as RawResult[];
}

/**
 * What botocore should report for a team's config (load_config's shape), worked out from the definitions
 * without robo's resolver: the oracle of the property and read-back tests (aws partition only).
 */
export function intendedConfig(organization: Organization, team: Team) {
  const hub = organization.accounts[organization.hub.account]!;
  const hubRegion = hub.region ?? organization.region;
  const sso = organization.sso;
  const session = sso?.session_name ?? organization.hub.profile;
  const profiles: Record<string, Record<string, string>> = {
    [organization.hub.profile]: sso
      ? { sso_session: session, sso_account_id: hub.id, sso_role_name: team.hub_role, region: hubRegion }
      : { role_arn: `arn:aws:iam::${hub.id}:role/${team.hub_role}`, region: hubRegion },
  };
  for (const spoke of team.profiles) {
    for (const account of spoke.account === '*' ? Object.keys(organization.accounts) : [spoke.account]) {
      const entry = organization.accounts[account]!;
      profiles[spoke.name.replace('{account}', account)] = {
        role_arn: `arn:aws:iam::${entry.id}:role/${spoke.role}`,
        source_profile: organization.hub.profile,
        region: spoke.region ?? entry.region ?? organization.region,
      };
    }
  }
  // Nothing else at all: no extra section, no [okta] with sso, no sso-session or services block smuggled in.
  if (sso) {
    const scopes = sso.registration_scopes ?? 'sso:account:access';
    const keys = { sso_start_url: sso.start_url, sso_region: sso.region, sso_registration_scopes: scopes };
    return { profiles, sso_sessions: { [session]: keys }, services: {} };
  }
  return { okta: { ...organization.okta }, profiles, sso_sessions: {}, services: {} };
}
