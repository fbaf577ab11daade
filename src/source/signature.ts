/**
 * A commit's signature kind and signer, and its verifier's verdict, as pure
 * functions over text (trust.ts runs git and gpg). `git verify-commit` picks
 * the program from the signature itself, so robo reads the kind first and lets
 * only the kinds its settings name reach a verifier.
 */
import { sha256 } from '../system/crypto.js';

export type SignatureKind = 'none' | 'openpgp' | 'ssh' | 'x509' | 'unknown';

export interface CommitSignature {
  kind: SignatureKind;
  /** The armored signature, as git hands it to the verifier. */
  armor: string;
}

/** git's own table (gpg-interface.c): the first line of a signature decides its kind. */
const ARMOR_KINDS: ReadonlyArray<[string, SignatureKind]> = [
  ['-----BEGIN PGP SIGNATURE-----', 'openpgp'],
  ['-----BEGIN PGP MESSAGE-----', 'openpgp'],
  ['-----BEGIN SIGNED MESSAGE-----', 'x509'],
  ['-----BEGIN SSH SIGNATURE-----', 'ssh'],
];

/**
 * The signature of a raw commit object (`git cat-file commit`), read as git's
 * parse_buffer_signed_by_header reads it: every `gpgsig` header (`gpgsig-sha256`
 * for 64-hex ids) and its continuation lines, joined, before the blank line.
 */
export function commitSignature(commitObject: string, commitId: string): CommitSignature {
  const header = commitId.length === 64 ? 'gpgsig-sha256' : 'gpgsig';
  const lines: string[] = [];
  let inSignature = false;
  for (const line of commitObject.split('\n')) {
    if (line === '') break;
    if (inSignature && line.startsWith(' ')) lines.push(line.slice(1));
    else if (line.startsWith(`${header} `)) {
      lines.push(line.slice(header.length + 1));
      inSignature = true;
    } else inSignature = false;
  }
  if (lines.length === 0) return { kind: 'none', armor: '' };
  const armor = `${lines.join('\n')}\n`;
  const kind = ARMOR_KINDS.find(([start]) => armor.startsWith(start))?.[1] ?? 'unknown';
  return { kind, armor };
}

export const KIND_NAMES: Record<SignatureKind, string> = {
  none: 'no signature',
  openpgp: 'an OpenPGP signature',
  ssh: 'an ssh signature',
  x509: 'an X.509 (gpgsm) signature',
  unknown: 'a signature of a kind git does not know',
};

/**
 * Who made a signature, from the signature alone (for messages about ones
 * refused unverified): the OpenPGP issuer fingerprint (or key id), or the ssh
 * key's SHA256 fingerprint; undefined when it cannot be read.
 */
export function signerOf(signature: CommitSignature): string | undefined {
  try {
    if (signature.kind === 'openpgp') return pgpIssuer(dearmor(signature.armor));
    if (signature.kind === 'ssh') return sshSigner(dearmor(signature.armor));
  } catch {
    // A damaged signature: the message says the signer could not be read.
  }
  return undefined;
}

/** The bytes of an armored block: base64 lines after the headers, without the OpenPGP checksum line. */
function dearmor(armor: string): Buffer {
  const lines = armor.split('\n').map((line) => line.trim());
  const end = lines.findIndex((line, index) => index > 0 && line.startsWith('-----END '));
  let body = lines.slice(1, end === -1 ? undefined : end);
  // OpenPGP armor has "Key: value" headers and a blank line before the data; ssh armor has neither.
  const blank = body.indexOf('');
  if (blank !== -1 && body.slice(0, blank).every((line) => /^[A-Za-z-]+: /.test(line))) body = body.slice(blank + 1);
  return Buffer.from(body.filter((line) => !line.startsWith('=')).join(''), 'base64');
}

/** The issuer of the first OpenPGP signature packet (RFC 4880 / 9580): fingerprint subpacket, else key id. */
function pgpIssuer(data: Buffer): string | undefined {
  const packet = firstPacket(data);
  if (!packet || packet.tag !== 2) return undefined;
  const body = packet.body;
  const version = body[0];
  if (version === 3) return `key id ${body.subarray(7, 15).toString('hex').toUpperCase()}`;
  if (version !== 4 && version !== 5 && version !== 6) return undefined;
  // v4: two-octet subpacket area lengths; v5 and v6: four-octet.
  const wide = version !== 4;
  let at = 4;
  const areas: Buffer[] = [];
  for (let area = 0; area < 2; area += 1) {
    const length = wide ? body.readUInt32BE(at) : body.readUInt16BE(at);
    at += wide ? 4 : 2;
    areas.push(body.subarray(at, at + length));
    at += length;
  }
  let keyId: string | undefined;
  for (const area of areas) {
    for (const [type, value] of subpackets(area)) {
      if (type === 33 && value.length > 1) return value.subarray(1).toString('hex').toUpperCase();
      if (type === 16 && value.length === 8) keyId ??= `key id ${value.toString('hex').toUpperCase()}`;
    }
  }
  return keyId;
}

function firstPacket(data: Buffer): { tag: number; body: Buffer } | undefined {
  const first = data[0];
  if (first === undefined || (first & 0x80) === 0) return undefined;
  if (first & 0x40) {
    const [length, skip] = newLength(data, 1);
    return { tag: first & 0x3f, body: data.subarray(1 + skip, 1 + skip + length) };
  }
  const type = first & 0x03;
  const size = type === 0 ? 1 : type === 1 ? 2 : type === 2 ? 4 : 0;
  const length = size === 0 ? data.length - 1 : data.readUIntBE(1, size);
  return { tag: (first >> 2) & 0x0f, body: data.subarray(1 + size, 1 + size + length) };
}

/** An OpenPGP new-format length at `at`: [length, octets it took]. */
function newLength(data: Buffer, at: number): [number, number] {
  const first = data[at]!;
  if (first < 192) return [first, 1];
  if (first < 224) return [((first - 192) << 8) + data[at + 1]! + 192, 2];
  if (first === 255) return [data.readUInt32BE(at + 1), 5];
  throw new Error('partial body lengths are not used by signature packets');
}

function* subpackets(area: Buffer): Generator<[number, Buffer]> {
  let at = 0;
  while (at < area.length) {
    const [length, skip] = newLength(area, at);
    at += skip;
    if (length === 0 || at + length > area.length) return;
    yield [area[at]! & 0x7f, area.subarray(at + 1, at + length)];
    at += length;
  }
}

/** The ssh key inside an SSHSIG blob (PROTOCOL.sshsig), as `ssh-keygen -l` names it: "ED25519 key SHA256:...". */
function sshSigner(data: Buffer): string | undefined {
  if (data.subarray(0, 6).toString('latin1') !== 'SSHSIG') return undefined;
  const keyLength = data.readUInt32BE(10);
  const key = data.subarray(14, 14 + keyLength);
  if (key.length !== keyLength) return undefined;
  const type = key.subarray(4, 4 + key.readUInt32BE(0)).toString('latin1');
  const fingerprint = sha256(key, 'base64').replace(/=+$/, '');
  const name = type
    .replace(/^(ssh-|ecdsa-sha2-|sk-)/, '')
    .replace(/@openssh\.com$/, '')
    .toUpperCase();
  return `${name} key SHA256:${fingerprint}`;
}

/** A full OpenPGP fingerprint as robo's settings hold it: 40 (v4) or 64 (v6) hex digits, upper case. */
export function normaliseFingerprint(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  return /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(compact) ? compact : undefined;
}

export type Verdict =
  { accepted: true; signer: string } | { accepted: false; signer: string | undefined; reason: string };

/** gpg's trust levels that let a listed key's signature through: the keyring vouches for the key as well. */
const TRUSTED_LEVELS = new Set(['FULLY', 'ULTIMATE']);

/**
 * The verdict on an OpenPGP signature from gpg's machine-readable status
 * lines (`git verify-commit --raw`, gpg --status-fd; doc/DETAILS in GnuPG).
 * Accepted only when there is exactly one signature, it is good, its key
 * (the signing subkey or its primary key) is one of `listed`, and the
 * keyring trusts that key fully or ultimately. git's own check lets a good
 * signature of unknown trust through, so robo decides from the lines itself.
 */
export function pgpVerdict(status: string, listed: readonly string[]): Verdict {
  const lines = status
    .split('\n')
    .filter((line) => line.startsWith('[GNUPG:] '))
    .map((line) => line.slice('[GNUPG:] '.length).trim().split(' '));
  const named = (keyword: string) => lines.filter(([word]) => word === keyword);
  const results = lines.filter(([word]) =>
    ['GOODSIG', 'BADSIG', 'ERRSIG', 'EXPSIG', 'EXPKEYSIG', 'REVKEYSIG'].includes(word!),
  );
  const validsig = named('VALIDSIG')[0];
  const fingerprint = validsig?.[1];
  const primary = validsig?.[10] ?? fingerprint;
  const errsig = named('ERRSIG')[0];
  const uid = results[0] && results[0][0] !== 'ERRSIG' ? results[0].slice(2).join(' ') : '';
  // ERRSIG names the issuer's fingerprint in its 7th field (GnuPG >= 2.2.7), else its key id.
  const signer = primary
    ? `OpenPGP key ${primary}${uid ? ` (${uid})` : ''}`
    : errsig
      ? `OpenPGP key ${errsig[7] ?? `id ${errsig[1]}`}`
      : undefined;
  const refuse = (reason: string): Verdict => ({ accepted: false, signer, reason });
  if (named('NEWSIG').length > 1 || results.length > 1)
    return refuse('the commit carries more than one OpenPGP signature');
  const result = results[0]?.[0];
  if (result === undefined) return refuse('gpg gave no verdict on the signature');
  if (result === 'ERRSIG') {
    return refuse(
      named('NO_PUBKEY').length > 0
        ? 'the key is not in your GnuPG keyring (gpg --import it)'
        : 'gpg could not check the signature',
    );
  }
  if (result === 'BADSIG') return refuse('the signature does not match the commit');
  if (result === 'EXPSIG') return refuse('the signature has expired');
  if (result === 'EXPKEYSIG') return refuse('the key has expired');
  if (result === 'REVKEYSIG') return refuse('the key has been revoked');
  if (!fingerprint || !primary) return refuse('gpg did not give the key fingerprint');
  if (!listed.includes(fingerprint) && !listed.includes(primary))
    return refuse('the key is not in allowed_pgp_fingerprints');
  const trust = lines.map(([word]) => /^TRUST_([A-Z]+)$/.exec(word!)?.[1]).find(Boolean);
  if (!trust || !TRUSTED_LEVELS.has(trust)) {
    return refuse(
      `your GnuPG keyring trusts the key ${trust ? trust.toLowerCase() : 'not at all'}; robo needs full or ultimate trust (gpg --lsign-key ${primary}, or gpg --edit-key ${primary} trust)`,
    );
  }
  return { accepted: true, signer: signer! };
}
