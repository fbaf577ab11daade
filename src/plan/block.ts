/**
 * What robo's block in a config says about itself: its team (from the start
 * marker), the profiles it defines and how it signs in. Pure: read from the
 * text alone, so aws.remove, status, onboard and doctor need no definitions.
 */
import { findBlock } from './config-readers.js';

export type BlockInfo =
  | { kind: 'none' }
  | { kind: 'broken'; reason: string; lines: number[] }
  /** [from, to): the block's bytes (latin1 offsets), as findBlock gives them. */
  | { kind: 'found'; from: number; to: number; team: string | undefined; profiles: string[] };

const TEAM = /^# >>> robo aws\.config - team ([a-z0-9_-]+) - /;
const HEADER = /^[ \t]*\[\s*(?:profile\s+)?([^\]\s]+)\s*\][ \t]*\r?$/gm;

/** The team in the start marker that `text` (a block, or its first line) begins with. */
export function teamOfBlock(text: string): string | undefined {
  return TEAM.exec(text)?.[1];
}

/** The block of `content` (the config's bytes), or why there is none to read. */
export function readBlock(content: Buffer | undefined): BlockInfo {
  if (content === undefined) return { kind: 'none' };
  const text = content.toString('latin1');
  const search = findBlock(text);
  if (search.kind !== 'found') return search;
  const body = text.slice(search.from, search.to);
  const team = teamOfBlock(body);
  // The block's own sections but [okta], which is aws-okta's settings, not a profile.
  const profiles = Array.from(body.matchAll(HEADER), (match) => match[1]!).filter((name) => name !== 'okta');
  return { kind: 'found', from: search.from, to: search.to, team, profiles };
}

/** How a block signs in: aws-okta, or the IAM Identity Center session its `[sso-session NAME]` section names. */
export type Login = { kind: 'okta' } | { kind: 'sso'; session: string };

const SSO_SESSION = /^[ \t]*\[\s*sso-session\s+([^\]\s]+)\s*\][ \t]*\r?$/m;

/** The login of a robo block's text: its sso-session, else aws-okta (the only other form). */
export function loginOf(block: string): Login {
  const session = SSO_SESSION.exec(block)?.[1];
  return session === undefined ? { kind: 'okta' } : { kind: 'sso', session };
}
