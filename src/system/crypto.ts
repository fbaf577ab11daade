/**
 * Hashes and random names. Both avoid loading node:crypto on the paths a
 * warm run takes (it costs 6-10 ms to load): random bytes come from the
 * kernel (/dev/urandom, on Linux and macOS), and node:crypto is fetched with
 * process.getBuiltinModule (Node >= 20.16) only for a sha256.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const crypto = () => process.getBuiltinModule('node:crypto');

/** sha256 of `data`, as hex (or base64, as ssh prints key fingerprints). */
export function sha256(data: string | Buffer, encoding: 'hex' | 'base64' = 'hex'): string {
  return crypto().createHash('sha256').update(data).digest(encoding);
}

/** `bytes` random bytes, as hex: names of temp files and backups. */
export function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, buffer, 0, bytes, null) === bytes) return buffer.toString('hex');
    } finally {
      closeSync(fd);
    }
  } catch {
    // No /dev/urandom here: node:crypto below.
  }
  return crypto().randomBytes(bytes).toString('hex');
}

/**
 * A short, stable name for a key (64-bit FNV-1a, as hex). Not for secrets or
 * integrity: for lock file names, where two keys sharing a name would only
 * make their runs take turns.
 */
export function shortName(key: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= BigInt(key.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
