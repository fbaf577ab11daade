/**
 * What robo's block in a config says about itself: its team (from the start
 * marker) and the profiles it defines. Pure, for aws.remove, status and
 * doctor, which read the config without rendering anything.
 */
import { findBlock } from './config-readers.js';

export type BlockInfo =
  | { kind: 'none' }
  | { kind: 'broken'; reason: string; lines: number[] }
  /** [from, to): the block's bytes (latin1 offsets), as findBlock gives them. */
  | { kind: 'found'; from: number; to: number; team: string | undefined; profiles: string[] };

const TEAM = /^# >>> robo aws\.config - team ([a-z0-9_-]+) - /;
const HEADER = /^[ \t]*\[\s*(?:profile\s+)?([^\]\s]+)\s*\][ \t]*\r?$/gm;

/** The team in the start marker of the block findBlock found at [from, to) of `text`. */
export function teamOfBlock(text: string, from: number, to: number): string | undefined {
  return TEAM.exec(text.slice(from, to))?.[1];
}

/** The block of `content` (the config's bytes), or why there is none to read. */
export function readBlock(content: Buffer | undefined): BlockInfo {
  if (content === undefined) return { kind: 'none' };
  const text = content.toString('latin1');
  const search = findBlock(text);
  if (search.kind !== 'found') return search;
  const body = text.slice(search.from, search.to);
  const team = teamOfBlock(text, search.from, search.to);
  // The block's own sections but [okta], which is aws-okta's settings, not a profile.
  const profiles = Array.from(body.matchAll(HEADER), (match) => match[1]!).filter((name) => name !== 'okta');
  return { kind: 'found', from: search.from, to: search.to, team, profiles };
}
