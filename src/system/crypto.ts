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
