/**
 * Tasks for the dotfiles repo's maintainers: validate a whole checkout
 * (definitions, the inline policy files their IAM roles name, and robo.yml),
 * as its own CI would, and list the teams of the configured source.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DefinitionsError, SourceError } from './errors.js';
import { ORGANIZATION_FILE, loadDefinitions } from './definitions/definitions.js';
import { resolveAwsConfig } from './render/resolve.js';
import { resolveIam } from './iam/resolve-iam.js';
import { checkIamSizes } from './iam/sizes.js';
import type { OpenSourceRequest } from './source/open-source.js';
import { formatProblem } from './validate/problems.js';
import { withLines } from './definitions/json.js';
import { useSource, type SourceReport } from './source/use-checkout.js';
import { checkEveryFile } from './validate/validate.js';
import { validateOrganizationWide } from './validate/organization-wide.js';
import { checkRoboFile } from './robofile/check.js';
import { ROBO_FILE } from './robofile/load.js';
import { gitStatus } from './system/git.js';

/** A problem of a checkout: a definition file's, at a JSON pointer, or robo.yml's, at a line. */
export interface CheckoutProblem {
  /** Relative to the checkout, with forward slashes. */
  file: string;
  /** RFC 6901 JSON pointer, for definition files. */
  pointer?: string;
  /** 1-based; always for robo.yml, for a definition file when the pointer is found in its text. */
  line?: number;
  message: string;
  value?: unknown;
}

export interface CheckedFile {
  file: string;
  /** policy: an inline policy file a role in organization.json's iam object names. */
  kind: 'organization' | 'team' | 'policy' | 'robofile';
  /** The team, for a team file. */
  team?: string;
  problems: number;
}

/** The commit a git checkout is at, and whether its folder differs from it. */
export interface CheckoutCommit {
  commit: string;
  /** Changes not committed (untracked files included) in the checked folder. */
  dirty: boolean;
}

export interface CheckoutReport {
  root: string;
  /** Undefined when the folder is not in a git work tree (or git is missing). */
  commit: CheckoutCommit | undefined;
  teams: string[];
  /** Every file checked: organization.json, the team files, the inline policy files, then robo.yml when there is one. */
  files: CheckedFile[];
  /** Every problem in every file; empty when the checkout is valid. */
  problems: CheckoutProblem[];
  /** Sizes over an adjustable IAM quota's default (docs/iam.md): the checkout is valid all the same. */
  warnings: CheckoutProblem[];
}

/**
 * Validate a whole checkout as its CI would (definitions, inline policy files,
 * robo.yml; every problem an error). Without a path: the nearest folder from
 * `cwd` up that holds organization.json.
 */
export async function validateTeams(options: {
  path: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<CheckoutReport> {
  const root =
    options.path === undefined
      ? (findCheckoutRoot(options.cwd) ?? options.cwd)
      : path.resolve(options.cwd, options.path);
  if (!existsSync(root)) throw new SourceError(`${root}: no such folder`);
  const definitions = await loadDefinitions(root);
  if (!definitions.organization && definitions.teams.size === 0) {
    const hint =
      options.path === undefined
        ? [
            `no folder above it holds ${ORGANIZATION_FILE} either (robo looks up to the git root): run it inside the dotfiles repo, or give its folder: robo teams.validate PATH`,
          ]
        : [];
    throw new DefinitionsError(
      `${root} is not a dotfiles checkout: it has no ${ORGANIZATION_FILE} and no teams/*.json`,
      hint,
    );
  }
  // git runs while the files are checked; it never rejects.
  const commit = checkoutCommit(root, options.env);
  const robofile = await checkRoboFile(root);
  const wide = await validateOrganizationWide(definitions);
  // IAM's size limits, on what iam.terraform would write: the model only resolves from a valid organisation.
  const sizes = wide.organization?.iam
    ? checkIamSizes(resolveIam(wide.organization, wide.teams, wide.inlinePolicies), wide.teams)
    : { errors: [], warnings: [] };
  const policyFiles = [...wide.inlineFiles.values()].filter((file) => file !== undefined);

  const texts = new Map<string, string>();
  if (definitions.organization) texts.set(ORGANIZATION_FILE, definitions.organization.text);
  for (const file of [...definitions.teams.values(), ...policyFiles]) texts.set(file.file, file.text);
  const withLine = withLines((file) => texts.get(file));
  const problems: CheckoutProblem[] = [...wide.errors, ...sizes.errors].map(withLine);
  problems.push(...(robofile?.problems ?? []).map((problem) => ({ file: ROBO_FILE, ...problem })));

  const counts = new Map<string, number>();
  for (const problem of problems) counts.set(problem.file, (counts.get(problem.file) ?? 0) + 1);
  const count = (file: string) => counts.get(file) ?? 0;
  const files: CheckedFile[] = [
    { file: ORGANIZATION_FILE, kind: 'organization', problems: count(ORGANIZATION_FILE) },
    ...[...definitions.teams].map(([team, file]): CheckedFile => ({
      file: file.file,
      kind: 'team',
      team,
      problems: count(file.file),
    })),
    ...policyFiles.map((file): CheckedFile => ({ file: file.file, kind: 'policy', problems: count(file.file) })),
    ...(robofile ? [{ file: ROBO_FILE, kind: 'robofile' as const, problems: count(ROBO_FILE) }] : []),
  ];
  return {
    root,
    commit: await commit,
    teams: [...definitions.teams.keys()],
    files,
    problems,
    warnings: sizes.warnings.map(withLine),
  };
}

/** `file: /pointer: message (got value)` for a definition file, `robo.yml:LINE: message` for robo.yml. */
export function formatCheckoutProblem(problem: CheckoutProblem): string {
  if (problem.pointer !== undefined) return formatProblem({ ...problem, pointer: problem.pointer });
  return `${problem.file}:${problem.line ?? 1}: ${problem.message}`;
}

/** " at commit abc123def456 (uncommitted changes)", or "" outside git: how a message names what was checked. */
export function describeCommit(commit: CheckoutCommit | undefined): string {
  if (!commit) return '';
  return ` at commit ${commit.commit.slice(0, 12)}${commit.dirty ? ' (uncommitted changes)' : ''}`;
}

/**
 * The nearest folder from `start` up that holds organization.json. The walk
 * stops at the git root (a folder with .git: a dotfiles repo does not reach
 * above its own root) and at the file-system root; each step is one folder
 * up, so it ends after at most as many steps as `start` has parts.
 */
export function findCheckoutRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, ORGANIZATION_FILE))) return dir;
    if (path.dirname(dir) === dir || existsSync(path.join(dir, '.git'))) return undefined;
  }
}

/** The commit of the git work tree `dir` is in, and whether `dir` has changes; undefined outside git, or without git. */
export async function checkoutCommit(dir: string, env: NodeJS.ProcessEnv): Promise<CheckoutCommit | undefined> {
  // With no .git up to the root git finds no work tree either (gitEnvironment drops GIT_DIR): no process for that.
  if (!underGit(dir)) return undefined;
  try {
    // One call for both; only `dir` and below count (it may be a folder of a larger repo).
    const { head, entries } = await gitStatus(dir, env, ['--untracked-files=normal', '--', '.']);
    return head === undefined ? undefined : { commit: head, dirty: entries.length > 0 };
  } catch {
    return undefined; // not a git checkout, no commit yet, or no git: the message simply names no commit
  }
}

/** Whether `dir` or a folder above it holds .git (a folder, or the file of a linked work tree or submodule). */
function underGit(dir: string): boolean {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return true;
    if (path.dirname(at) === at) return false;
  }
}

export interface TeamRow {
  team: string;
  hubRole: string | undefined;
  /** Profiles the team's file gives, the hub profile included (undefined when the file is invalid). */
  profiles: number | undefined;
  problems: number;
}

/** Every team of the configured dotfiles source, with its hub role and how many profiles it gets. */
export async function listTeams(options: OpenSourceRequest): Promise<SourceReport & { teams: TeamRow[] }> {
  const { result, ...report } = await useSource(options, (definitions, source) => {
    const { organization, teams: valid, errors } = checkEveryFile(definitions);
    const organizationProblems = errors.filter((problem) => problem.file === ORGANIZATION_FILE);
    if (organizationProblems.length > 0 || !organization) {
      throw new DefinitionsError(`invalid ${ORGANIZATION_FILE} in ${source}`, organizationProblems.map(formatProblem));
    }
    return definitions.teamNames.map((team): TeamRow => {
      const file = definitions.teams.get(team);
      const data = valid.get(team);
      return {
        team,
        hubRole: data?.hub_role,
        profiles: data ? resolveAwsConfig(organization, team, data).spokes.length + 1 : undefined,
        problems: errors.filter((problem) => problem.file === file?.file).length,
      };
    });
  });
  return { ...report, teams: result };
}
