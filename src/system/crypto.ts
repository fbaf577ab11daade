/** Hashes and random names, from node:crypto. */
import { createHash, randomBytes } from 'node:crypto';

/** sha256 of `data`, as hex (or base64, as ssh prints key fingerprints). */
export function sha256(data: string | Buffer, encoding: 'hex' | 'base64' = 'hex'): string {
  return createHash('sha256').update(data).digest(encoding);
}

/** `bytes` random bytes, as hex: names of temp files and backups. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * A short, stable name for a key (the first 64 bits of its sha256, as hex):
 * lock file names, where two keys sharing a name would only make their runs
 * take turns.
 */
export function shortName(key: string): string {
  return sha256(key).slice(0, 16);
}
