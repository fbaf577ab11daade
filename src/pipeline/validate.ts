/**
 * Stage 3: validate definitions. Pure apart from the schema compiler: takes
 * the loaded files, returns the typed organisation and team plus every problem
 * found. It never throws for bad input and never prints.
 *
 * Severity follows who can fix what: problems in organization.json or in the
 * engineer's own team file are errors (the run aborts); problems in other
 * teams' files are warnings (someone else's typo must not block everyone).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import organizationSchema from '../../schemas/organization.schema.json' with { type: 'json' };
import teamSchema from '../../schemas/team.schema.json' with { type: 'json' };
import { ACCOUNT_PLACEHOLDER, EVERY_ACCOUNT, type Organization, type Team } from '../model.js';
import { ORGANIZATION_FILE, type DefinitionFile, type Definitions } from './definitions.js';
import { parseStrictJson } from './json.js';
import { pointerSegment, valueAt, type Problem } from './problems.js';

export interface ValidationResult {
  organization: Organization | undefined;
  team: Team | undefined;
  errors: Problem[];
  warnings: Problem[];
}

/** Team names are file names under teams/: never paths, never flags. */
export const TEAM_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function validateDefinitions(definitions: Definitions, teamName: string): ValidationResult {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];

  const organization = checkOrganization(definitions.organization, errors);

  let team: Team | undefined;
  for (const [name, file] of definitions.teams) {
    const sink = name === teamName ? errors : warnings;
    if (!TEAM_NAME.test(name)) {
      sink.push({ file: file.file, pointer: '', message: `file name is not a valid team name (${TEAM_NAME.source})` });
      continue;
    }
    const checked = checkTeam(file, organization, sink);
    if (name === teamName) team = checked;
  }
  return { organization: errors.length === 0 ? organization : undefined, team: errors.length === 0 ? team : undefined, errors, warnings };
}

function checkOrganization(file: DefinitionFile | undefined, errors: Problem[]): Organization | undefined {
  if (!file) {
    errors.push({ file: ORGANIZATION_FILE, pointer: '', message: 'missing: a dotfiles source needs an organisation file at its root' });
    return undefined;
  }
  const data = parseJson(file, errors);
  if (data === undefined) return undefined;
  const schemaProblems = schemaCheck(validators().organization, data, file.file);
  if (schemaProblems.length > 0) {
    errors.push(...schemaProblems);
    return undefined;
  }
  const organization = data as Organization;
  const before = errors.length;
  if (!Object.hasOwn(organization.accounts, organization.hub.account)) {
    errors.push({
      file: file.file,
      pointer: '/hub/account',
      message: `is not an account in /accounts (known: ${Object.keys(organization.accounts).join(', ')})`,
      value: organization.hub.account,
    });
  }
  if (organization.hub.profile === 'okta' || organization.hub.profile === 'default') {
    errors.push({ file: file.file, pointer: '/hub/profile', message: 'is reserved: aws-okta reads [okta] and the AWS CLI [default] specially', value: organization.hub.profile });
  }
  return errors.length === before ? organization : undefined;
}

function checkTeam(file: DefinitionFile, organization: Organization | undefined, problems: Problem[]): Team | undefined {
  const data = parseJson(file, problems);
  if (data === undefined) return undefined;
  const schemaProblems = schemaCheck(validators().team, data, file.file);
  if (schemaProblems.length > 0) {
    problems.push(...schemaProblems);
    return undefined;
  }
  const team = data as Team;
  if (!organization) return team;

  const before = problems.length;
  const accounts = Object.keys(organization.accounts);
  // Every name the rendered file will hold, with where it came from, so a
  // clash names both places. botocore refuses a file with duplicate sections.
  const seen = new Map<string, string>([[organization.hub.profile, `${ORGANIZATION_FILE} /hub/profile`]]);
  team.profiles.forEach((profile, index) => {
    const at = (field: string) => `/profiles/${index}/${pointerSegment(field)}`;
    const every = profile.account === EVERY_ACCOUNT;
    if (!every && !Object.hasOwn(organization.accounts, profile.account)) {
      problems.push({ file: file.file, pointer: at('account'), message: `is not an account in ${ORGANIZATION_FILE} (known: ${accounts.join(', ')})`, value: profile.account });
      return;
    }
    if (every !== profile.name.includes(ACCOUNT_PLACEHOLDER)) {
      problems.push({
        file: file.file,
        pointer: at('name'),
        message: every
          ? `must contain ${ACCOUNT_PLACEHOLDER} when account is "${EVERY_ACCOUNT}", or every account would get the same name`
          : `may contain ${ACCOUNT_PLACEHOLDER} only when account is "${EVERY_ACCOUNT}"`,
        value: profile.name,
      });
      return;
    }
    for (const account of every ? accounts : [profile.account]) {
      const name = profile.name.replaceAll(ACCOUNT_PLACEHOLDER, account);
      const earlier = seen.get(name);
      if (earlier) {
        problems.push({ file: file.file, pointer: at('name'), message: `gives profile "${name}" a second time (first from ${earlier})`, value: profile.name });
      } else if (name === 'okta' || name === 'default') {
        problems.push({ file: file.file, pointer: at('name'), message: `gives reserved profile name "${name}"`, value: profile.name });
      } else {
        seen.set(name, `${file.file} ${at('name')}`);
      }
    }
  });
  return problems.length === before ? team : undefined;
}

/** Strict JSON; a syntax error or a duplicate key becomes a problem. */
function parseJson(file: DefinitionFile, problems: Problem[]): unknown {
  const result = parseStrictJson(file.text);
  if (result.ok) return result.value;
  problems.push(...result.problems.map((problem) => ({ file: file.file, ...problem })));
  return undefined;
}

// --- JSON Schema --------------------------------------------------------

interface Validators {
  organization: ValidateFunction;
  team: ValidateFunction;
}
let compiled: Validators | undefined;

function validators(): Validators {
  if (!compiled) {
    // verbose: errors carry the failing sub-schema, whose description makes the message useful.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    compiled = { organization: ajv.compile(organizationSchema), team: ajv.compile(teamSchema) };
  }
  return compiled;
}

function schemaCheck(validate: ValidateFunction, data: unknown, file: string): Problem[] {
  if (validate(data)) return [];
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = problemFromSchemaError(error, data, file);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Turn an ajv error into a message that names the field and what is allowed (ajv's own text omits both). */
function problemFromSchemaError(error: ErrorObject, data: unknown, file: string): Problem | undefined {
  const params = error.params as Record<string, unknown>;
  // A schema's title says in words what its pattern says in regex: "a 12-digit AWS account id".
  const title = typeof error.parentSchema?.title === 'string' ? error.parentSchema.title : undefined;
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported by the nested error, which names the property
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return {
        file,
        pointer: `${error.instancePath}/${pointerSegment(key)}`,
        message: allowed.length > 0 ? `is not a known field (allowed: ${allowed.join(', ')})` : 'is not allowed here',
      };
    }
    case 'required':
      return { file, pointer: `${error.instancePath}/${pointerSegment(String(params.missingProperty))}`, message: 'is required' };
    case 'pattern': {
      if (error.propertyName !== undefined) {
        return { file, pointer: `${error.instancePath}/${pointerSegment(error.propertyName)}`, message: `is not a valid name: must match ${String(params.pattern)}` };
      }
      const expected = title ? `must be ${title} (${String(params.pattern)})` : `must match ${String(params.pattern)}`;
      return { file, pointer: error.instancePath, message: expected, value: valueAt(data, error.instancePath) };
    }
    case 'enum':
      return { file, pointer: error.instancePath, message: `must be one of ${JSON.stringify(params.allowedValues)}`, value: valueAt(data, error.instancePath) };
    default:
      return { file, pointer: error.instancePath, message: error.message ?? error.keyword, value: valueAt(data, error.instancePath) };
  }
}
