import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { generateSigningKeyEntry, parseSigningKeys } from './signing-keys';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const pkcs8 = (key: ReturnType<typeof generateKeyPairSync>['privateKey']): string =>
  key.export({ format: 'der', type: 'pkcs8' }).toString('base64url');

describe('parseSigningKeys', () => {
  it('reads comma- or whitespace-separated entries; the first one signs, all are kept in order', () => {
    const a = generateSigningKeyEntry('2026-01.a');
    const b = generateSigningKeyEntry('2025-07_b');
    const c = generateSigningKeyEntry('old-c');

    const ring = parseSigningKeys(` ${a} ,\n ${b}\t${c} `);

    expect(ring.active.kid).toBe('2026-01.a');
    expect(ring.keys.map((key) => key.kid)).toEqual(['2026-01.a', '2025-07_b', 'old-c']);
    expect(ring.key('2025-07_b')).toBe(ring.keys[1]);
    expect(ring.key('missing')).toBeUndefined();
    expect(ring.key('__proto__')).toBeUndefined();
  });

  it('round-trips a generated entry into a P-256 key pair and its public JWK', () => {
    const ring = parseSigningKeys(generateSigningKeyEntry('k1'));
    const key = ring.active;

    expect(key.privateKey.type).toBe('private');
    expect(key.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(key.publicKey.type).toBe('public');
    expect(key.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      y: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      kid: 'k1',
      alg: 'ES256',
      use: 'sig',
    });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.publicKey.export({ format: 'jwk' })).toMatchObject({ x: key.publicJwk.x, y: key.publicJwk.y });
  });

  it('accepts a key id of 64 characters', () => {
    expect(parseSigningKeys(generateSigningKeyEntry('k'.repeat(64))).active.kid).toBe('k'.repeat(64));
  });

  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const p256 = pkcs8(ecKey);
  const p384 = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
  const ed25519 = pkcs8(generateKeyPairSync('ed25519').privateKey);
  const sec1 = ecKey.export({ format: 'der', type: 'sec1' }).toString('base64url');
  const junk = randomBytes(64).toString('base64url');

  it.each([
    ['an empty setting', '', /no keys/],
    ['only separators', ' , \n ,', /no keys/],
    ['an entry without a colon', p256, /entry 1 is not of the form <kid>:<base64url key>/],
    ['an invalid key id', `bad kid!:${p256}`.replace(' ', ''), /entry 1: key id must match/],
    ['a key id over 64 characters', `${'k'.repeat(65)}:${p256}`, /entry 1: key id must match/],
    ['a missing key', 'k1:', /entry 1 \("k1"\): key is missing/],
    ['standard base64', `k1:${p256.slice(0, 10)}+/${p256.slice(12)}`, /not unpadded base64url/],
    ['padding', `k1:${p256}==`, /not unpadded base64url/],
    ['bytes that are no key', `k1:${junk}`, /not a PKCS#8 DER private key/],
    ['a SEC1 EC key', `k1:${sec1}`, /not a PKCS#8 DER private key/],
    ['a P-384 key', `k1:${p384}`, /must be an EC P-256 key for ES256, found EC secp384r1/],
    ['an Ed25519 key', `k1:${ed25519}`, /must be an EC P-256 key for ES256, found ed25519/],
    [
      'a duplicate key id',
      `k1:${p256},k1:${pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)}`,
      /entry 2: duplicate key id "k1"/,
    ],
    ['one key under two ids', `k1:${p256} k2:${p256}`, /entry 2 \("k2"\): the same key is listed twice/],
  ])('refuses %s with a named reason and no key material', (_case, setting, reason) => {
    const error = thrown(() => parseSigningKeys(setting));

    expect(error.message).toMatch(/^GATEWAY_SIGNING_KEYS: /);
    expect(error.message).toMatch(reason);
    for (const material of [p256, p384, ed25519, sec1, junk]) {
      expect(error.message).not.toContain(material.slice(20, 40));
    }
  });

  it('does not echo an invalid key id (a key pasted in its place would leak)', () => {
    const error = thrown(() => parseSigningKeys(`${p256.slice(0, 30)}=:${p256}`));
    expect(error.message).not.toContain(p256.slice(0, 30));
  });
});

describe('generateSigningKeyEntry', () => {
  it('produces a fresh key each time', () => {
    const first = parseSigningKeys(generateSigningKeyEntry('k1')).active.publicJwk;
    const second = parseSigningKeys(generateSigningKeyEntry('k1')).active.publicJwk;
    expect(first.x).not.toBe(second.x);
  });

  it('refuses an invalid key id', () => {
    expect(() => generateSigningKeyEntry('no spaces')).toThrow(/Signing key id must match/);
  });
});
