/**
 * JSON Schema checks for the two definition files, with messages that
 * name the field, the offending value and what is allowed; ajv's own text
 * omits all three.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
// Compiled from schemas/ at build time (scripts/gen-validators.mjs): no ajv at run time.
import validators from '../generated/validators.cjs';
import { pointerSegment, valueAt, type Problem } from './problems.js';

/**
 * Keys that must never reach ~/.aws/config, with the reason. The schemas
 * already refuse every key they do not list; these get a message that says
 * why, because someone will try.
 */
const FORBIDDEN: Array<[RegExp, string]> = [
  [
    /^credential_process$/,
    'is refused: the AWS CLI and SDKs run this program on every call, so a commit to the dotfiles repo would run code on every laptop',
  ],
  [/^credential_source$/, 'is refused: it takes credentials from the environment or instance metadata instead of Okta'],
  [
    /^aws_(access_key_id|secret_access_key|session_token)$/,
    'is refused: nobody has AWS keys here, and secrets never belong in a shared repo',
  ],
  [
    /^sso_/,
    "is refused: AWS IAM Identity Center (SSO) settings are written by robo from organization.json's sso object, never from a team's profile or the okta object",
  ],
  [
    /^(source_profile|role_arn)$/,
    'is refused: robo writes it itself (spokes always chain from the hub profile, and ARNs come from the account registry)',
  ],
];

export function forbiddenReason(key: string): string | undefined {
  return FORBIDDEN.find(([pattern]) => pattern.test(key))?.[1];
}

export function checkOrganizationSchema(data: unknown, file: string, explain: Explainer): Problem[] {
  return schemaCheck(validators.organization, data, file, explain);
}

export function checkTeamSchema(data: unknown, file: string, explain: Explainer): Problem[] {
  return schemaCheck(validators.team, data, file, explain);
}

/** A more precise message for a value that failed its pattern (a region with "did you mean", say). */
export type Explainer = (pointer: string, value: unknown) => string | undefined;

function schemaCheck(validate: ValidateFunction, data: unknown, file: string, explain: Explainer): Problem[] {
  if (validate(data)) return [];
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = problemFromSchemaError(error, data, file, explain);
    if (problem) problems.push(problem);
  }
  return problems;
}

function problemFromSchemaError(
  error: ErrorObject,
  data: unknown,
  file: string,
  explain: Explainer,
): Problem | undefined {
  const params = error.params as Record<string, unknown>;
  // A schema's title says in words what its pattern says in regex: "a 12-digit AWS account id".
  const title = typeof error.parentSchema?.title === 'string' ? error.parentSchema.title : undefined;
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported by the nested error, which names the property
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const pointer = `${error.instancePath}/${pointerSegment(key)}`;
      const reason = forbiddenReason(key);
      if (reason) return { file, pointer, message: reason };
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {}).filter(
        (name) => name !== '$schema',
      );
      return {
        file,
        pointer,
        message: allowed.length > 0 ? `is not a known field (allowed: ${allowed.join(', ')})` : 'is not allowed here',
      };
    }
    case 'required':
      return {
        file,
        pointer: `${error.instancePath}/${pointerSegment(String(params.missingProperty))}`,
        message: 'is required',
      };
    case 'pattern': {
      if (error.propertyName !== undefined) {
        const pointer = `${error.instancePath}/${pointerSegment(error.propertyName)}`;
        return { file, pointer, message: `is not ${title ?? 'a valid name'} (${String(params.pattern)})` };
      }
      const value = valueAt(data, error.instancePath);
      const message =
        explain(error.instancePath, value) ??
        (title ? `must be ${title} (${String(params.pattern)})` : `must match ${String(params.pattern)}`);
      return { file, pointer: error.instancePath, message, value };
    }
    case 'enum':
      return {
        file,
        pointer: error.instancePath,
        message: `must be one of ${JSON.stringify(params.allowedValues)}`,
        value: valueAt(data, error.instancePath),
      };
    case 'maxItems':
    case 'maxProperties':
    case 'maxLength':
      return {
        file,
        pointer: error.instancePath,
        message: `${error.message ?? error.keyword}: robo refuses absurd sizes`,
      };
    default:
      return {
        file,
        pointer: error.instancePath,
        message: error.message ?? error.keyword,
        value: valueAt(data, error.instancePath),
      };
  }
}
