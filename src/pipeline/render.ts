/**
 * Stage 4: render the resolved model as AWS config text. Pure and
 * deterministic: same model, same bytes, on any machine, locale or time zone
 * (no clock, no environment, no locale-aware formatting).
 *
 * The text must mean the same to both readers (FACTS.md):
 * - aws-okta (go-ini): no inline comments, no quotes, `key = value` lines;
 *   it follows one source_profile hop, so every spoke points at the hub.
 * - botocore (configparser): profiles are `[profile NAME]`, `[okta]` is kept
 *   as a plain section; duplicate sections or keys are fatal.
 * The ini package is deliberately not used: it quotes and escapes values in
 * ways botocore reads back literally.
 */
import type { AwsConfigModel, ProfileModel } from '../model.js';

/**
 * The only keys robo ever writes. Validation refuses everything else; this
 * list is the last line of defence, so a future change cannot make robo
 * write credential_process or keys by accident.
 */
export const ALLOWED_KEYS: ReadonlySet<string> = new Set([
  'aws_saml_url', 'mfa_provider', 'mfa_factor_type', 'session_ttl', 'assume_role_ttl',
  'role_arn', 'source_profile', 'region',
]);

/** The marker lines that frame robo's part of the file. */
export const BLOCK_START_PREFIX = '# >>> robo aws.config';
export const BLOCK_END = '# <<< robo aws.config';
export function blockStart(team: string): string {
  return `${BLOCK_START_PREFIX} - team ${team} - generated, local edits are overwritten`;
}

export function renderAwsConfig(model: AwsConfigModel): string {
  const sections: string[][] = [
    ['[okta]', ...model.okta.map(([key, value]) => line(key, value))],
    profileLines(model.hub),
    ...model.spokes.map(profileLines),
  ];
  return [blockStart(model.team), sections.map((lines) => lines.join('\n')).join('\n\n'), BLOCK_END, ''].join('\n');
}

function profileLines(profile: ProfileModel): string[] {
  const lines = [`[profile ${safe(profile.name)}]`, line('role_arn', profile.roleArn)];
  if (profile.sourceProfile !== undefined) lines.push(line('source_profile', profile.sourceProfile));
  lines.push(line('region', profile.region));
  return lines;
}

function line(key: string, value: string): string {
  if (!ALLOWED_KEYS.has(key)) throw new Error(`refusing to write key ${key}: it is not on robo's allow-list`);
  return `${key} = ${safe(value)}`;
}

/** Validation guarantees this; a value that could start a new line or section must never get through. */
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f[\]]/.test(text)) throw new Error(`refusing to write ${JSON.stringify(text)}: it holds a control character or bracket`);
  return text;
}

/** What robo's renderer writes between the markers: [okta], [profile NAME], allowed keys with safe values, blank lines. One regex pass, not a test per line. */
const BLOCK_BODY = new RegExp(`^(?:(?:\\[okta\\]|\\[profile [^\\s\\[\\]]+\\]|(?:${[...ALLOWED_KEYS].join('|')}) = [^\\u0000-\\u001f\\u007f\\[\\]]*|)\\n)*$`);
const PROFILE_HEADER = /^\[profile ([^\s[\]]+)\]$/gm;

/**
 * The profiles a block defines, in order, if `text` is a block this renderer
 * could have written for `team` (its markers, and between them only what
 * BLOCK_BODY allows); else undefined. A block taken from robo's cache is
 * checked with this, so the cache can never put into a config what the
 * renderer never would, and the sections robo takes out of your part of the
 * file are always the block's own.
 */
export function profilesOfBlock(text: string, team: string): string[] | undefined {
  const start = `${blockStart(team)}\n`;
  const end = `${BLOCK_END}\n`;
  if (text.length < start.length + end.length || !text.startsWith(start) || !text.endsWith(end)) return undefined;
  const body = text.slice(start.length, text.length - end.length);
  if (!BLOCK_BODY.test(body)) return undefined;
  return Array.from(body.matchAll(PROFILE_HEADER), (match) => match[1]!);
}
