/**
 * The IAM policy grammar of inline policy files (src/validate/policy-document.ts),
 * as a table, checked against a real reader: every document robo accepts,
 * moto's IAM policy validator (the Python AWS mock installed on this machine
 * and CI) accepts too, so the Terraform robo generates from it is not
 * refused for its grammar. The refusals, with their messages, are rows of the
 * hostile corpus (fixtures/hostile.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicyDocument } from '../src/validate/policy-document.js';
import { formatProblem } from '../src/validate/problems.js';
import { python } from './helpers/botocore.js';

const statement = { Effect: 'Allow', Action: 'ec2:DescribeReservedInstances*', Resource: '*' };
const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

const ACCEPTED: Array<[string, unknown]> = [
  ['one statement object, not an array', { Version: '2012-10-17', Statement: statement }],
  ['an Id', { ...policy(statement), Id: 'fpa-reserved' }],
  [
    'NotAction and NotResource',
    policy({ Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], NotResource: 'arn:aws:iam::*:role/x' }),
  ],
  ['every action', policy({ ...statement, Action: '*' })],
  ['a service prefix with a dash and a ? wildcard', policy({ ...statement, Action: 'execute-api:Invok?' })],
  ['a policy variable in a resource', policy({ ...statement, Resource: 'arn:aws:s3:::home/${aws:username}/*' })],
  [
    'an S3 ARN with empty region and account',
    policy({ ...statement, Resource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'] }),
  ],
  [
    'IAM ARNs of each kind, and an S3 access point with its region',
    policy({
      ...statement,
      Resource: [
        'arn:aws:iam::*:role/deploy/*',
        'arn:aws:iam::123456789012:policy/x',
        'arn:aws:iam::123456789012:saml-provider/okta',
        'arn:aws:s3:us-west-2:123456789012:accesspoint/reports',
      ],
    }),
  ],
  ['an empty Sid', policy({ ...statement, Sid: '' })],
  ['two statements with different Sids', policy({ ...statement, Sid: 'A' }, { ...statement, Sid: 'B' })],
  [
    'conditions: qualified operators, lists and booleans',
    policy({
      ...statement,
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'owner'] },
        ArnLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy/*' },
        Bool: { 'aws:SecureTransport': true },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        Null: { 'aws:TokenIssueTime': 'false' },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] },
      },
    }),
  ],
  [
    'dates as IAM reads them: ISO 8601 with a zone or a fraction, and seconds since 1970',
    policy({
      ...statement,
      Condition: {
        DateGreaterThan: { 'aws:CurrentTime': ['2026-01-31T23:59:59Z', '2026-01-31T10:00:00+02:00', '2026-01-31'] },
        DateLessThanIfExists: { 'aws:CurrentTime': '2026-01-31T10:00:00.123z' },
        'ForAnyValue:DateEquals': { 'aws:EpochTime': '1767225599' },
      },
    }),
  ],
];

/**
 * Documents IAM refuses, each with the start of robo's message: robo refuses
 * them too, before Terraform would fail on them (moto, checked below, agrees).
 */
const REFUSED: Array<[string, unknown, string]> = [
  [
    'Version 2008-10-17, which IAM does not store',
    { Version: '2008-10-17', Statement: [statement] },
    'p.json: /Version: must be "2012-10-17": IAM refuses any other version',
  ],
  [
    'a Date condition on a word',
    policy({ ...statement, Condition: { DateGreaterThan: { 'aws:CurrentTime': 'tomorrow' } } }),
    'p.json: /Statement/0/Condition/DateGreaterThan/aws:CurrentTime: must be a date IAM reads',
  ],
  [
    'a Date condition on a boolean',
    policy({ ...statement, Condition: { DateLessThanIfExists: { 'aws:CurrentTime': true } } }),
    'p.json: /Statement/0/Condition/DateLessThanIfExists/aws:CurrentTime: must be a date IAM reads',
  ],
  [
    'a Date condition on a 13th month, in a list',
    policy({
      ...statement,
      Condition: { 'ForAnyValue:DateEquals': { 'aws:CurrentTime': ['2026-01-01', '2026-13-01'] } },
    }),
    'p.json: /Statement/0/Condition/ForAnyValue:DateEquals/aws:CurrentTime/1: must be a date IAM reads',
  ],
  [
    'a partition with a wildcard other than *',
    policy({ ...statement, Resource: 'arn:aw*:s3:::bucket' }),
    'p.json: /Statement/0/Resource: names partition "aw*", which is not one of',
  ],
  [
    'a policy variable as the partition',
    policy({ ...statement, Resource: ['arn:aws:s3:::b', 'arn:${aws:partition}:s3:::b'] }),
    'p.json: /Statement/0/Resource/1: names partition "${aws"',
  ],
  [
    'an IAM ARN with a region, even *',
    policy({ Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam:*:123456789012:role/x' }),
    'p.json: /Statement/0/NotResource: names a region, but IAM ARNs have none',
  ],
  [
    'an IAM ARN of no resource type IAM knows',
    policy({ ...statement, Resource: 'arn:aws:iam::123456789012:roles/x' }),
    'p.json: /Statement/0/Resource: names no IAM resource type',
  ],
  [
    'an S3 bucket ARN with a region',
    policy({ ...statement, Resource: 'arn:aws:s3:us-east-1::bucket/*' }),
    'p.json: /Statement/0/Resource: names a region, but S3 bucket and object ARNs have none',
  ],
];

/** The bundled example's inline policy files, which must be accepted too. */
const exampleDir = path.join(import.meta.dirname, '..', 'iam');
const EXAMPLES: Array<[string, unknown]> = readdirSync(exampleDir).map((name) => [
  `iam/${name}`,
  JSON.parse(readFileSync(path.join(exampleDir, name), 'utf8')),
]);

/** moto's verdict on each document: "ok", or its error message. One python process for all. */
function motoVerdicts(documents: unknown[]): string[] {
  const script = `
import sys, json
from moto.iam.policy_validation import IAMPolicyDocumentValidator
out = []
for document in json.load(sys.stdin):
    try:
        IAMPolicyDocumentValidator(json.dumps(document)).validate()
        out.append("ok")
    except Exception as error:
        out.append(str(error))
print(json.dumps(out))
`;
  const output = execFileSync(python(), ['-c', script], { input: JSON.stringify(documents), encoding: 'utf8' });
  return JSON.parse(output) as string[];
}

const REFUSED_DOCUMENTS = REFUSED.map(([, document]) => document);
const ACCEPTED_DOCUMENTS = [...ACCEPTED, ...EXAMPLES].map(([, document]) => document);
let verdicts: { refused: string[]; accepted: string[] } | undefined;
/** moto's verdicts on the refused and the accepted documents, asked once for both tests: importing moto takes a second. */
function motoOnAll(): { refused: string[]; accepted: string[] } {
  if (!verdicts) {
    const all = motoVerdicts([...REFUSED_DOCUMENTS, ...ACCEPTED_DOCUMENTS]);
    verdicts = { refused: all.slice(0, REFUSED_DOCUMENTS.length), accepted: all.slice(REFUSED_DOCUMENTS.length) };
  }
  return verdicts;
}

describe('the IAM policy grammar of inline policy files', () => {
  it.each([...ACCEPTED, ...EXAMPLES])('accepts %s', (_name, document) => {
    expect(checkPolicyDocument(document, 'p.json', { partition: 'aws' }).map(formatProblem)).toEqual([]);
  });

  it.each(REFUSED)('refuses %s', (_name, document, message) => {
    const messages = checkPolicyDocument(document, 'p.json', { partition: 'aws' }).map(formatProblem);
    expect(messages).toEqual([expect.stringContaining(message)]);
  });

  it('moto refuses every document robo refuses for IAM', () => {
    const { refused } = motoOnAll();
    expect(refused).toHaveLength(REFUSED_DOCUMENTS.length);
    expect(refused.filter((verdict) => verdict === 'ok')).toEqual([]);
  });

  it('moto accepts every document robo accepts', () => {
    expect(motoOnAll().accepted).toEqual(ACCEPTED_DOCUMENTS.map(() => 'ok'));
  });

  it('checks resource ARNs against the partition of the roles: aws-us-gov in a us-gov organisation', () => {
    const gov = policy({ ...statement, Resource: 'arn:aws-us-gov:s3:::bucket' });
    expect(checkPolicyDocument(gov, 'p.json', { partition: 'aws-us-gov' })).toEqual([]);
    expect(checkPolicyDocument(gov, 'p.json', { partition: 'aws' }).map(formatProblem)).toEqual([
      'p.json: /Statement/0/Resource: is in partition aws-us-gov, but the roles that use this policy are in aws: it would grant nothing (got "arn:aws-us-gov:s3:::bucket")',
    ]);
    // A wildcard partition matches any.
    expect(
      checkPolicyDocument(policy({ ...statement, Resource: 'arn:*:s3:::b' }), 'p.json', { partition: 'aws' }),
    ).toEqual([]);
  });

  it('lists every problem of a document, each at its pointer', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: 'Describe', Principal: '*' }] };
    expect(checkPolicyDocument(document, 'p.json', { partition: 'aws' }).map((problem) => problem.pointer)).toEqual([
      '/Statement/0/Principal',
      '/Statement/0/Effect',
      '/Statement/0/Action',
      '/Statement/0/Resource',
    ]);
  });
});
