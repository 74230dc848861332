import { randomBytes } from 'node:crypto';
import { KeyedHasher } from '@portcullis/crypto';
import { IdempotencyCrypto, principalOf } from './idempotency-crypto';

describe('IdempotencyCrypto', () => {
  const crypto = new IdempotencyCrypto(new KeyedHasher(randomBytes(32)));
  const request = {
    method: 'POST',
    url: '/v1/challenges/x/verify',
    headers: { 'x-end-user-ip': '192.0.2.1' },
    body: { code: '123456' },
  };

  it('hashes requests with the pepper, so stored hashes of codes and passwords cannot be reversed', () => {
    const hash = crypto.requestHash(request);
    expect(crypto.requestHash({ ...request })).toBe(hash);
    expect(new IdempotencyCrypto(new KeyedHasher(randomBytes(32))).requestHash(request)).not.toBe(hash);
    for (const changed of [
      { ...request, url: '/v1/challenges/y/verify' },
      { ...request, body: { code: '123457' } },
      { ...request, headers: { 'x-end-user-ip': '192.0.2.2' } },
      { ...request, headers: {} },
    ]) {
      expect(crypto.sameRequest(hash, crypto.requestHash(changed))).toBe(false);
    }
  });

  it('seals responses so that only the same caller with the same key opens them', () => {
    const response = { secret: 'pcs_very_secret', nested: { n: 1 } };
    const sealed = crypto.seal(response, 'Bearer a', 'key-1');
    expect(sealed).not.toContain('very_secret');
    expect(crypto.open(sealed, 'Bearer a', 'key-1')).toEqual(response);
    expect(() => crypto.open(sealed, 'Bearer b', 'key-1')).toThrow();
    expect(() => crypto.open(sealed, 'Bearer a', 'key-2')).toThrow();
    const [v, iv, ct, tag] = sealed.split('.');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      crypto.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'Bearer a', 'key-1'),
    ).toThrow();
    expect(crypto.open(crypto.seal(undefined, 'Bearer a', 'k'), 'Bearer a', 'k')).toBeNull();
  });

  it('scopes records by the SHA-256 of the Authorization header', () => {
    expect(principalOf('Bearer a')).toMatch(/^[0-9a-f]{64}$/);
    expect(principalOf('Bearer a')).not.toBe(principalOf('Bearer b'));
  });
});
