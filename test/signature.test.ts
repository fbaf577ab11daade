/**
 * Trust pinning's pure parts: which kind of signature a commit carries (as
 * git reads it), who made it, what gpg's status lines mean, and the
 * fingerprints the settings may list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitSignature, normaliseFingerprint, pgpVerdict, signerOf } from '../src/source/signature.js';
import { readSettings } from '../src/settings.js';

// Made with gpg 2.2 (ed25519 key 7269FB21...) and ssh-keygen (ed25519), then copied here: no program needed to read them.
const PGP = `-----BEGIN PGP SIGNATURE-----

iHUEABYIAB0WIQRyafshDjgsAvggf2JUrWnKqmm2NQUCawqM0gAKCRBUrWnKqmm2
Nf7rAP992b65MAmxuFmo+whhIYVcqiHt4vIRBPmhdaFZ/1HoDgEA4Agp20HAc2xl
lrb+meo2S5JA42urMAmKkSieSrnLRwE=
=lexe
-----END PGP SIGNATURE-----
`;
const PGP_FINGERPRINT = '7269FB210E382C02F8207F6254AD69CAAA69B635';
const SSH = `-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgqN8hgZ5S4xhb/ruXvXr3X5iqjR
p1vTOS2p10aCMtHoAAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5
AAAAQCh47UpPKQs5xqABtMelyvDW7stLl2wgcDNRyfI6swq6p4xMyuozRW+9VCZMyPLU3X
CdWPTHGFSbwPLpJApLRwE=
-----END SSH SIGNATURE-----
`;
// A v4 signature packet whose only issuer is a key id subpacket (16): 0102030405060708.
const PGP_KEY_ID_ONLY = '-----BEGIN PGP SIGNATURE-----\n\nwhIEABYIAAAACgkQAQIDBAUGBwg=\n-----END PGP SIGNATURE-----\n';

const SHA1 = 'a'.repeat(40);
const SHA256 = 'b'.repeat(64);

/** A raw commit object with `headers` between committer and the message. */
function commitObject(headers: string): string {
  return `tree ${'1'.repeat(40)}\nauthor T <t@e> 1 +0000\ncommitter T <t@e> 1 +0000\n${headers}\nmessage\n\ngpgsig -----BEGIN SSH SIGNATURE----- in the message is not a header\n`;
}
const header = (name: string, armor: string) => `${name} ${armor.trimEnd().split('\n').join('\n ')}\n`;

describe('commitSignature: the kind is read from the commit object, as git reads it', () => {
  it.each([
    ['no signature', '', SHA1, 'none'],
    ['OpenPGP', header('gpgsig', PGP), SHA1, 'openpgp'],
    [
      'an OpenPGP message',
      header('gpgsig', '-----BEGIN PGP MESSAGE-----\n\nAA==\n-----END PGP MESSAGE-----'),
      SHA1,
      'openpgp',
    ],
    ['ssh', header('gpgsig', SSH), SHA1, 'ssh'],
    ['X.509', header('gpgsig', '-----BEGIN SIGNED MESSAGE-----\nMIIB\n-----END SIGNED MESSAGE-----'), SHA1, 'x509'],
    [
      'an armor git does not know',
      header('gpgsig', '-----BEGIN FOO SIGNATURE-----\nAA==\n-----END FOO SIGNATURE-----'),
      SHA1,
      'unknown',
    ],
    [
      'gpgsig-sha256 in a sha1 repository is not the signature git verifies',
      header('gpgsig-sha256', SSH),
      SHA1,
      'none',
    ],
    ['gpgsig-sha256 in a sha256 repository', header('gpgsig-sha256', SSH), SHA256, 'ssh'],
    ['gpgsig in a sha256 repository is not the one git verifies', header('gpgsig', SSH), SHA256, 'none'],
    ['a signature in the message body does not count', '', SHA1, 'none'],
  ])('%s', (_name, headers, id, kind) => {
    expect(commitSignature(commitObject(headers), id).kind).toBe(kind);
  });

  it('gives back the armor exactly as git hands it to the verifier', () => {
    expect(commitSignature(commitObject(header('gpgsig', SSH)), SHA1).armor).toBe(SSH);
  });
});

describe('signerOf: who signed, read from the signature alone', () => {
  it.each([
    ['the OpenPGP issuer fingerprint', 'openpgp', PGP, PGP_FINGERPRINT],
    ['the OpenPGP issuer key id when there is no fingerprint', 'openpgp', PGP_KEY_ID_ONLY, 'key id 0102030405060708'],
    [
      'the ssh key as ssh-keygen -l names it',
      'ssh',
      SSH,
      'ED25519 key SHA256:UxnZ0hj2HviNbLsrth9kz1KYoKtuVMbxTwTdIL9lq1c',
    ],
    [
      'nothing from a damaged signature',
      'openpgp',
      '-----BEGIN PGP SIGNATURE-----\n\n!!!\n-----END PGP SIGNATURE-----\n',
      undefined,
    ],
    ['nothing from an X.509 signature', 'x509', '-----BEGIN SIGNED MESSAGE-----\nMIIB\n', undefined],
  ] as const)('%s', (_name, kind, armor, signer) => {
    expect(signerOf({ kind, armor })).toBe(signer);
  });
});

describe('pgpVerdict: a listed key, one good signature, trusted fully or ultimately', () => {
  const OTHER = '8137E3040D0F0EFB19DDFEAD3D92E1ECAAB7D2BC';
  const good = (trust: string, fingerprint = PGP_FINGERPRINT, primary = fingerprint) =>
    [
      '[GNUPG:] NEWSIG',
      `[GNUPG:] GOODSIG ${fingerprint.slice(-16)} Admin <admin@example.invalid>`,
      `[GNUPG:] VALIDSIG ${fingerprint} 2024-01-01 1704067200 0 4 0 22 8 00 ${primary}`,
      `[GNUPG:] TRUST_${trust} 0 pgp`,
    ].join('\n');
  const signer = `OpenPGP key ${PGP_FINGERPRINT} (Admin <admin@example.invalid>)`;
  it.each([
    ['ultimately trusted and listed', good('ULTIMATE'), [PGP_FINGERPRINT], { accepted: true, signer }],
    ['fully trusted and listed', good('FULLY'), [PGP_FINGERPRINT], { accepted: true, signer }],
    ['a subkey of a listed primary key', good('FULLY', OTHER, PGP_FINGERPRINT), [PGP_FINGERPRINT], { accepted: true }],
    [
      'listed but of unknown trust',
      good('UNDEFINED'),
      [PGP_FINGERPRINT],
      { accepted: false, signer, reason: expect.stringContaining('trusts the key undefined') },
    ],
    [
      'listed but marginally trusted',
      good('MARGINAL'),
      [PGP_FINGERPRINT],
      { accepted: false, reason: expect.stringContaining('trusts the key marginal') },
    ],
    [
      'listed but never trusted',
      good('NEVER'),
      [PGP_FINGERPRINT],
      { accepted: false, reason: expect.stringContaining('never') },
    ],
    [
      'ultimately trusted but not listed',
      good('ULTIMATE'),
      [OTHER],
      { accepted: false, signer, reason: 'the key is not in allowed_pgp_fingerprints' },
    ],
    [
      'no trust line at all',
      good('ULTIMATE').split('\n').slice(0, 3).join('\n'),
      [PGP_FINGERPRINT],
      { accepted: false, reason: expect.stringContaining('not at all') },
    ],
    [
      'a bad signature',
      `[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 54AD69CAAA69B635 Admin`,
      [PGP_FINGERPRINT],
      { accepted: false, reason: 'the signature does not match the commit' },
    ],
    [
      'a key missing from the keyring, named by the fingerprint gpg saw',
      `[GNUPG:] NEWSIG\n[GNUPG:] ERRSIG 3D92E1ECAAB7D2BC 22 8 00 1795853526 9 ${OTHER}\n[GNUPG:] NO_PUBKEY 3D92E1ECAAB7D2BC`,
      [OTHER],
      { accepted: false, signer: `OpenPGP key ${OTHER}`, reason: expect.stringContaining('not in your GnuPG keyring') },
    ],
    [
      'an expired key',
      `[GNUPG:] EXPKEYSIG 54AD69CAAA69B635 Admin\n[GNUPG:] VALIDSIG ${PGP_FINGERPRINT} x 0 0 4 0 22 8 00 ${PGP_FINGERPRINT}\n[GNUPG:] TRUST_ULTIMATE`,
      [PGP_FINGERPRINT],
      { accepted: false, reason: 'the key has expired' },
    ],
    [
      'a revoked key',
      `[GNUPG:] REVKEYSIG 54AD69CAAA69B635 Admin`,
      [PGP_FINGERPRINT],
      { accepted: false, reason: 'the key has been revoked' },
    ],
    [
      'two signatures, one of them good and listed',
      `${good('ULTIMATE')}\n[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 3D92E1ECAAB7D2BC Other`,
      [PGP_FINGERPRINT],
      { accepted: false, reason: expect.stringContaining('more than one') },
    ],
    [
      'no status lines',
      'gpg: something went wrong',
      [PGP_FINGERPRINT],
      { accepted: false, reason: 'gpg gave no verdict on the signature' },
    ],
  ])('%s', (_name, status, listed, verdict) => {
    expect(pgpVerdict(status, listed)).toMatchObject(verdict);
  });
});

describe('allowed_pgp_fingerprints in the settings', () => {
  it.each([
    ['40 hex digits', PGP_FINGERPRINT, PGP_FINGERPRINT],
    ['lower case and grouped as gpg prints it', '7269 fb21 0e38 2c02 f820  7f62 54ad 69ca aa69 b635', PGP_FINGERPRINT],
    ['a v6 fingerprint', 'C'.repeat(64), 'C'.repeat(64)],
    ['a long key id', '54AD69CAAA69B635', undefined],
    ['a short key id', 'AA69B635', undefined],
    ['not hex', 'Z'.repeat(40), undefined],
  ])('%s', (_name, text, normalised) => {
    expect(normaliseFingerprint(text)).toBe(normalised);
  });

  const settingsFile = (text: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'robo-settings-'));
    const file = path.join(dir, 'config');
    writeFileSync(file, text);
    return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  };

  it('reads a comma-separated list into full upper-case fingerprints', async () => {
    const { file, cleanup } = settingsFile(
      `[trust]\nallowed_pgp_fingerprints = ${PGP_FINGERPRINT.toLowerCase()}, ${'C'.repeat(64)}\n`,
    );
    try {
      expect((await readSettings(file)).trust.pgpFingerprints).toEqual([PGP_FINGERPRINT, 'C'.repeat(64)]);
    } finally {
      cleanup();
    }
  });

  it('refuses a key id or a broken list with the file, the key and the item (exit 2)', async () => {
    const { file, cleanup } = settingsFile(
      `[trust]\nallowed_pgp_fingerprints = ${PGP_FINGERPRINT}, 54AD69CAAA69B635\n`,
    );
    try {
      const error = await readSettings(file).then(
        () => undefined,
        (thrown: unknown) => thrown as { exitCode: number; details: string[] },
      );
      expect(error?.exitCode).toBe(2);
      expect(error?.details).toEqual([
        expect.stringContaining(
          `${file}: [trust] allowed_pgp_fingerprints: "54AD69CAAA69B635" is not a full OpenPGP fingerprint`,
        ),
      ]);
    } finally {
      cleanup();
    }
  });
});
