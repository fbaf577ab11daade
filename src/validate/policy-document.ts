/**
 * The grammar of an IAM identity policy document (an inline policy file a
 * role definition names): what IAM's PutRolePolicy accepts, and what moto's
 * policy validator (the reader robo's IAM tests use) accepts too, but for
 * arn:aws:iam::<account>:*, which IAM's own message allows and moto refuses.
 * Pure: a parsed JSON value in, problems with JSON pointers out.
 */
import { pointerSegment, type Problem } from './problems.js';

/**
 * The one version IAM stores: 2008-10-17 (what a policy without Version
 * means) is refused by PutRolePolicy and CreatePolicy with "Policy document
 * must be version 2012-10-17 or greater", as by moto.
 */
export const POLICY_VERSION = '2012-10-17';
const TOP_FIELDS = ['Version', 'Id', 'Statement'];
const STATEMENT_FIELDS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
/** The partitions an ARN may name (regions.ts partitionOf gives each region's). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b'];

/** IAM's condition operators; each may carry ForAnyValue:/ForAllValues: before and IfExists after. */
const CONDITION_OPERATORS = new Set(
  [
    'String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike}',
    'Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}',
    'Date{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}',
    'Arn{Equals,NotEquals,Like,NotLike}',
    '{Bool,BinaryEquals,IpAddress,NotIpAddress,Null}',
  ].flatMap((group) => {
    const [, prefix, names] = /^(\w*)\{(.+)\}$/.exec(group)!;
    return names!.split(',').map((name) => `${prefix}${name}`);
  }),
);

/** "*", or service:Action with * and ? wildcards (ec2:DescribeReservedInstances*). */
const ACTION = /^(\*|[A-Za-z0-9.-]+:[A-Za-z0-9*?]+)$/;
/** "*", or arn:partition:service:region:account:resource (region and account may be empty). */
const RESOURCE = /^(\*|arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+))$/;
/** IAM takes ASCII letters and digits only in a Sid. */
const SID = /^[A-Za-z0-9]*$/;

export interface PolicyCheck {
  /** The partition the policy's roles live in: a resource ARN of another one grants nothing there. */
  partition: string;
}

/** Every problem of a parsed policy document, each at its JSON pointer in `file`. */
export function checkPolicyDocument(document: unknown, file: string, check: PolicyCheck): Problem[] {
  const problems: Problem[] = [];
  const problem = (pointer: string, message: string, value?: unknown) =>
    problems.push({ file, pointer, message, ...(value === undefined ? {} : { value }) });
  if (!isObject(document)) {
    problem('', 'must be a JSON object: an IAM policy document with Version and Statement');
    return problems;
  }
  unknownFields(document, '', TOP_FIELDS, problem);
  if (!('Version' in document))
    problem(
      '/Version',
      `is required: "${POLICY_VERSION}" (without it IAM assumes 2008-10-17, which it refuses in a role's policy)`,
    );
  else if (document.Version !== POLICY_VERSION)
    problem(
      '/Version',
      `must be "${POLICY_VERSION}": IAM refuses any other version in a role's policy ("Policy document must be version 2012-10-17 or greater")`,
      document.Version,
    );
  if ('Id' in document && typeof document.Id !== 'string') problem('/Id', 'must be a string', document.Id);

  const statements = document.Statement;
  if (statements === undefined) {
    problem('/Statement', 'is required: an object, or an array of statement objects');
    return problems;
  }
  const list = Array.isArray(statements) ? statements : [statements];
  if (list.length === 0) problem('/Statement', 'must hold at least one statement');
  if (!Array.isArray(statements) && !isObject(statements)) {
    problem('/Statement', 'must be a statement object or an array of them', statements);
    return problems;
  }
  const sids = new Map<string, string>();
  list.forEach((statement, index) => {
    const at = Array.isArray(statements) ? `/Statement/${index}` : '/Statement';
    checkStatement(statement, at, check, problem);
    if (isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== '') {
      const first = sids.get(statement.Sid);
      if (first !== undefined)
        problem(
          `${at}/Sid`,
          `is also the Sid of ${first}: IAM requires the Sids of one policy to differ`,
          statement.Sid,
        );
      else sids.set(statement.Sid, at);
    }
  });
  return problems;
}

type Report = (pointer: string, message: string, value?: unknown) => void;

function checkStatement(statement: unknown, at: string, check: PolicyCheck, problem: Report): void {
  if (!isObject(statement)) {
    problem(at, 'must be a statement object with Effect, Action and Resource', statement);
    return;
  }
  for (const key of ['Principal', 'NotPrincipal'])
    if (key in statement)
      problem(
        `${at}/${key}`,
        'is refused: an inline policy is an identity policy, which names no principal (who may assume the role is its trust policy, which robo generates)',
      );
  unknownFields(statement, at, [...STATEMENT_FIELDS, 'Principal', 'NotPrincipal'], problem);
  if ('Sid' in statement && (typeof statement.Sid !== 'string' || !SID.test(statement.Sid)))
    problem(`${at}/Sid`, 'must be a string of ASCII letters and digits (IAM takes nothing else)', statement.Sid);
  if (!('Effect' in statement)) problem(`${at}/Effect`, 'is required: "Allow" or "Deny"');
  else if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
    problem(`${at}/Effect`, 'must be "Allow" or "Deny" (capitalised as written here)', statement.Effect);
  checkPair(statement, at, 'Action', 'NotAction', problem, (value) =>
    ACTION.test(value)
      ? undefined
      : 'must be "*" or a service prefix and an action, like ec2:DescribeInstances (wildcards * and ? allowed)',
  );
  checkPair(statement, at, 'Resource', 'NotResource', problem, (value) => resourceProblem(value, check));
  if ('Condition' in statement) checkCondition(statement.Condition, `${at}/Condition`, problem);
}

/** Exactly one of Action and NotAction (or Resource and NotResource): a string or a non-empty array of strings. */
function checkPair(
  statement: Record<string, unknown>,
  at: string,
  key: string,
  notKey: string,
  problem: Report,
  itemProblem: (value: string) => string | undefined,
): void {
  const has = key in statement;
  const hasNot = notKey in statement;
  if (has && hasNot) {
    problem(`${at}/${notKey}`, `may not be given with ${key}: a statement has one or the other`);
    return;
  }
  if (!has && !hasNot) {
    problem(`${at}/${key}`, `is required (or ${notKey})`);
    return;
  }
  const field = has ? key : notKey;
  const value = statement[field];
  const pointer = `${at}/${field}`;
  if (typeof value === 'string') {
    const issue = itemProblem(value);
    if (issue) problem(pointer, issue, value);
    return;
  }
  if (!Array.isArray(value) || value.length === 0) {
    problem(pointer, 'must be a string or a non-empty array of strings', value);
    return;
  }
  value.forEach((item, index) => {
    const issue = typeof item === 'string' ? itemProblem(item) : 'must be a string';
    if (issue) problem(`${pointer}/${index}`, issue, item);
  });
}

/** What may follow the account in an IAM ARN of a policy ("*", or one of these), as IAM's own message lists them. */
const IAM_RESOURCE_TYPES = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];

/**
 * IAM parses each resource ARN when it stores the policy, and refuses the
 * whole policy over one it cannot read: a partition that is neither "*" nor
 * a real one (no other wildcard, no policy variable: variables work only in
 * the resource part), a region in an IAM ARN or an S3 bucket ARN, an IAM
 * resource of no type it knows.
 */
function resourceProblem(value: string, check: PolicyCheck): string | undefined {
  const match = RESOURCE.exec(value);
  if (!match) return 'must be "*" or an ARN, like arn:aws:ec2:*:123456789012:instance/* (six parts, separated by :)';
  if (value === '*') return undefined;
  const [, , partition = '', service, region, , resource = ''] = match;
  if (partition !== '*' && !PARTITIONS.includes(partition))
    return `names partition "${partition}", which is not one of ${PARTITIONS.join(', ')} or "*" (IAM takes no other wildcard or variable there, and refuses the policy)`;
  if (partition !== '*' && partition !== check.partition)
    return `is in partition ${partition}, but the roles that use this policy are in ${check.partition}: it would grant nothing`;
  if (service === 'iam' && region !== '')
    return 'names a region, but IAM ARNs have none (arn:aws:iam::123456789012:role/name): IAM refuses the policy';
  if (service === 'iam' && resource !== '*' && !IAM_RESOURCE_TYPES.some((type) => resource.startsWith(type)))
    return `names no IAM resource type: after the account comes "*" or one of ${IAM_RESOURCE_TYPES.join(', ')} (IAM refuses the policy)`;
  if (service === 's3' && region !== '' && !resource.startsWith('accesspoint/'))
    return 'names a region, but S3 bucket and object ARNs have none (arn:aws:s3:::bucket/key; only access points do): IAM refuses the policy';
  return undefined;
}

function checkCondition(condition: unknown, at: string, problem: Report): void {
  if (!isObject(condition)) {
    problem(
      at,
      'must be an object of condition operators, like {"StringEquals": {"aws:RequestedRegion": "us-west-2"}}',
    );
    return;
  }
  for (const [operator, block] of Object.entries(condition)) {
    const pointer = `${at}/${pointerSegment(operator)}`;
    const bare = operator.replace(/^For(AnyValue|AllValues):/, '').replace(/IfExists$/, '');
    if (!CONDITION_OPERATORS.has(bare)) {
      problem(pointer, 'is not an IAM condition operator (like StringEquals, ArnLike, Bool, IpAddress)', operator);
      continue;
    }
    if (!isObject(block) || Object.keys(block).length === 0) {
      problem(pointer, 'must be a non-empty object of condition keys and values', block);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const at = `${pointer}/${pointerSegment(key)}`;
      const ok = isConditionValue(value) || (Array.isArray(value) && value.length > 0 && value.every(isConditionValue));
      if (!ok)
        problem(
          at,
          'must be a string, a boolean or a non-empty array of them (write numbers as strings: "3600")',
          value,
        );
      else if (bare.startsWith('Date'))
        for (const [index, date] of (Array.isArray(value) ? value : [value]).entries())
          if (!isPolicyDate(date))
            problem(
              Array.isArray(value) ? `${at}/${index}` : at,
              'must be a date IAM reads: ISO 8601 like "2026-01-31T23:59:59Z" or seconds since 1970 like "1767225599" (IAM refuses the policy otherwise)',
              date,
            );
    }
  }
}

/**
 * A value of a Date condition as IAM parses it: ISO 8601, a date with an
 * optional time (a T, then hours, minutes, seconds, a fraction, Z or a +hh:mm
 * offset), or whole seconds since 1970. Anything else fails IAM's parsing
 * ("The policy failed legacy parsing", moto says likewise).
 */
const ISO_DATE =
  /^-?(\d{1,9})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T(?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.\d{1,9})?(?:Z|\+(\d{2})(?::(\d{2}))?)?)?)?)?)?$/i;
const EPOCH_SECONDS = /^\d{1,18}$/;

function isPolicyDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (EPOCH_SECONDS.test(value)) return true;
  const parts = ISO_DATE.exec(value);
  if (!parts || !/[-T]/i.test(value)) return false;
  const [, year, month, day, hours, minutes, seconds, offsetHours, offsetMinutes] = parts.map(Number);
  // A part not written is NaN, and fine; IAM's years end at 292278993 (a Java long of milliseconds).
  const within = (part: number | undefined, low: number, high: number) =>
    part === undefined || Number.isNaN(part) || (part >= low && part <= high);
  return (
    within(year, 0, 292_278_993) &&
    within(month, 1, 12) &&
    within(day, 1, 31) &&
    within(hours, 0, 23) &&
    within(minutes, 0, 59) &&
    within(seconds, 0, 59) &&
    within(offsetHours, 0, 23) &&
    within(offsetMinutes, 0, 59)
  );
}

function isConditionValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean';
}

function unknownFields(object: Record<string, unknown>, at: string, known: string[], problem: Report): void {
  for (const key of Object.keys(object))
    if (!known.includes(key))
      problem(
        `${at}/${pointerSegment(key)}`,
        `is not a field of an IAM policy${at === '' ? ' document' : ' statement'} (allowed: ${known.filter((name) => !name.includes('Principal')).join(', ')})`,
      );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
