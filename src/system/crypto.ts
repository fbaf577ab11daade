/**
 * The hashing and random names robo needs, with node:crypto loaded on first
 * use (process.getBuiltinModule, Node >= 20.16): loading it costs about 6 ms,
 * and a warm run that changes nothing never hashes anything.
 */
const crypto = () => process.getBuiltinModule('node:crypto');

/** Load it now (it is about to be needed, and the main thread is waiting anyway). */
export function preloadCrypto(): void {
  crypto();
}

/** sha256 of `data`, as hex. */
export function sha256(data: string | Buffer): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

/** `bytes` random bytes, as hex: names of temp files and backups. */
export function randomHex(bytes: number): string {
  return crypto().randomBytes(bytes).toString('hex');
}
