/**
 * Stage 4: the resolved model as AWS config text. Pure and deterministic (no
 * clock, environment or locale). The text must mean the same to aws-okta
 * (go-ini) and botocore (FACTS.md); the ini package is not used, as it quotes
 * and escapes values in ways botocore reads back literally.
 */
import {
  OKTA_KEYS,
  PROFILE_KEYS,
  SSO_HUB_KEYS,
  SSO_SESSION_KEYS,
  type AwsConfigModel,
  type ProfileModel,
} from '../definitions/model.js';

/**
 * The only keys robo ever writes, for each sign-in form (an okta block holds no
 * sso_ key, an sso block no [okta] one): behind validation, the last defence
 * against writing credential_process or keys by accident.
 */
export const OKTA_FORM_KEYS: ReadonlySet<string> = new Set([...OKTA_KEYS, ...PROFILE_KEYS]);
export const SSO_FORM_KEYS: ReadonlySet<string> = new Set([...SSO_SESSION_KEYS, ...SSO_HUB_KEYS, ...PROFILE_KEYS]);

/** The marker lines that frame robo's part of the file. */
export const BLOCK_START_PREFIX = '# >>> robo aws.config';
export const BLOCK_END = '# <<< robo aws.config';
export function blockStart(team: string): string {
  return `${BLOCK_START_PREFIX} - team ${team} - generated, local edits are overwritten`;
}

export function renderAwsConfig(model: AwsConfigModel): string {
  const { okta, sso } = model;
  if ((okta === undefined) === (sso === undefined))
    throw new Error('refusing to render: a model signs in through exactly one of okta and sso');
  const allowed = sso ? SSO_FORM_KEYS : OKTA_FORM_KEYS;
  const line = (key: string, value: string) => keyLine(key, value, allowed);
  const signIn = sso
    ? [`[sso-session ${sectionName(sso.name, 'sso-session')}]`, ...SSO_SESSION_KEYS.map((key) => line(key, sso[key]))]
    : ['[okta]', ...okta!.map(([key, value]) => line(key, value))];
  if (sso && !model.hub.sso) throw new Error('refusing to render: an sso model whose hub profile has no sso keys');
  const profile = (entry: ProfileModel): string[] => {
    if (entry.sso && !sso) throw new Error(`refusing to write sso keys into profile ${entry.name} of an okta model`);
    const hubSso = entry.sso;
    const keys = hubSso
      ? [
          ...SSO_HUB_KEYS.map((key) => line(key, hubSso[key])),
          // role_arn is what Identity Center gives, not a key: with it botocore would assume a role with no source.
          ...PROFILE_KEYS.filter((key) => key !== 'role_arn').flatMap((key) => optional(entry, key, line)),
        ]
      : PROFILE_KEYS.flatMap((key) => optional(entry, key, line));
    return [`[profile ${sectionName(entry.name, 'profile')}]`, ...keys];
  };
  const sections: string[][] = [signIn, profile(model.hub), ...model.spokes.map(profile)];
  return [blockStart(model.team), sections.map((lines) => lines.join('\n')).join('\n\n'), BLOCK_END, ''].join('\n');
}

function optional(
  entry: ProfileModel,
  key: (typeof PROFILE_KEYS)[number],
  line: (key: string, value: string) => string,
): string[] {
  const value = entry[key];
  return value === undefined ? [] : [line(key, value)];
}

function sectionName(name: string, kind: string): string {
  if (!PROFILE_NAME.test(name))
    throw new Error(`refusing to write ${kind} ${JSON.stringify(name)}: not a ${kind} name validation lets through`);
  return name;
}

function keyLine(key: string, value: string, allowed: ReadonlySet<string>): string {
  if (!allowed.has(key))
    throw new Error(`refusing to write key ${key}: it is not on robo's allow-list for this sign-in form`);
  if (!VALUE.test(value))
    throw new Error(
      `refusing to write ${JSON.stringify(value)}: only printable ASCII but [ and ], and the micro signs of a Go duration`,
    );
  return `${key} = ${value}`;
}

/**
 * What robo ever writes, as validation guarantees it. Profile names are
 * letters, digits, ., _ and - (the schema's names and account names). A
 * value is printable ASCII but [ and ] (a newline or bracket could start a
 * new key or section); the only other characters are the two micro signs a
 * Go duration may use (1h0\u00b5s), which are written as UTF-8 like the rest.
 */
const PROFILE_NAME = /^[A-Za-z0-9_.-]+$/;
const VALUE = /^(?:[\x20-\x5a\x5c\x5e-\x7e]|\u00b5|\u03bc)*$/;

/**
 * The same, for the bytes of a block read back from robo's cache: seen as
 * latin1 (one char per byte), a value is printable ASCII but [ and ], or the
 * UTF-8 of a micro sign (C2 B5, CE BC). Any other byte is refused, so the
 * bytes checked are the bytes written, and they are valid UTF-8.
 */
const VALUE_BYTES = '(?:[\\x20-\\x5a\\x5c\\x5e-\\x7e]|\\xc2\\xb5|\\xce\\xbc)*';
const blockBody = (signIn: string, keys: ReadonlySet<string>) =>
  new RegExp(`^(?:(?:${signIn}|\\[profile [A-Za-z0-9_.-]+\\]|(?:${[...keys].join('|')}) = ${VALUE_BYTES}|)\\n)*$`);
/** One form's sections and keys, never the other's. */
const BLOCK_BODIES = [
  blockBody('\\[okta\\]', OKTA_FORM_KEYS),
  blockBody('\\[sso-session [A-Za-z0-9_.-]+\\]', SSO_FORM_KEYS),
];

/**
 * The profiles a block defines, in order, if `bytes` (or their latin1 view) are
 * a block this renderer could have written for `team`; else undefined. Blocks
 * from robo's cache are checked with this, byte for byte, so the cache never puts
 * into a config what the renderer would not, nor takes out sections of yours.
 */
export function profilesOfBlock(bytes: Buffer | string, team: string): string[] | undefined {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  const start = `${blockStart(team)}\n`;
  const end = `${BLOCK_END}\n`;
  if (text.length < start.length + end.length || !text.startsWith(start) || !text.endsWith(end)) return undefined;
  const body = text.slice(start.length, text.length - end.length);
  if (!BLOCK_BODIES.some((form) => form.test(body))) return undefined;
  // In a body BLOCK_BODY accepts, "[" starts a line and "[profile " a profile's header.
  const profiles: string[] = [];
  for (let at = body.indexOf('[profile '); at !== -1; at = body.indexOf('[profile ', at)) {
    const close = body.indexOf(']', at);
    profiles.push(body.slice(at + '[profile '.length, close));
    at = close;
  }
  return profiles;
}
