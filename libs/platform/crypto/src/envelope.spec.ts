import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, SecretUnreadableError, type SealedSecret } from './envelope';
import { parseKeyRing } from './key-ring';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const seed = 'JBSWY3DPEHPK3PXP';
const aad = 'factor:7b0c8f1e';

function unreadable(fn: () => unknown): SecretUnreadableError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretUnreadableError);
    expect((error as SecretUnreadableError).code).toBe('SECRET_UNREADABLE');
    return error as SecretUnreadableError;
  }
  throw new Error('expected SecretUnreadableError');
}

/** Flips one bit of one segment's bytes, keeping the encoding canonical so it reaches the cipher. */
function tamper(sealed: SealedSecret, segment: number): SealedSecret {
  const segments = sealed.value.split('.');
  const bytes = Buffer.from(segments[segment], 'base64url');
  bytes[0] = bytes[0] ^ 0x01;
  segments[segment] = bytes.toString('base64url');
  return { ...sealed, value: segments.join('.') };
}

describe('EnvelopeCipher', () => {
  const cipher = new EnvelopeCipher(parseKeyRing(k1));

  it('round-trips strings and buffers under the active key', () => {
    const sealed = cipher.seal(seed, aad);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.value).toMatch(/^v1(\.[A-Za-z0-9_-]+){6}$/);
    expect(sealed.value).not.toContain(seed);
    expect(cipher.open(sealed, aad).toString('utf8')).toBe(seed);

    const binary = randomBytes(64);
    expect(cipher.open(cipher.seal(binary, aad), aad).equals(binary)).toBe(true);
    expect(cipher.open(cipher.seal('', aad), aad).length).toBe(0);
  });

  it('uses a fresh data key and IV for every secret', () => {
    const a = cipher.seal(seed, aad).value.split('.');
    const b = cipher.seal(seed, aad).value.split('.');
    for (let i = 1; i < 7; i++) expect(a[i]).not.toBe(b[i]);
  });

  it('binds the AAD: a ciphertext cannot be opened for another row', () => {
    const sealed = cipher.seal(seed, 'factor:1');
    const error = unreadable(() => cipher.open(sealed, 'factor:2'));
    expect(error.message).not.toContain(seed);
  });

  it.each([
    [1, 'wrapped data key'],
    [2, 'data key IV'],
    [3, 'data key tag'],
    [4, 'IV'],
    [5, 'ciphertext'],
    [6, 'tag'],
  ])('refuses a tampered segment %i (%s)', (segment) => {
    const sealed = cipher.seal(seed, aad);
    unreadable(() => cipher.open(tamper(sealed, segment), aad));
  });

  it.each([
    ['another version', (v: string) => v.replace(/^v1/, 'v2')],
    ['a missing segment', (v: string) => v.split('.').slice(0, 6).join('.')],
    ['an extra segment', (v: string) => `${v}.AA`],
    ['non-base64url characters', (v: string) => v.replace(/\.([^.]+)$/, '.+/+/+/+/+/+/+/+/+/+/+w')],
    ['padding', (v: string) => `${v}==`],
    ['a truncated tag', (v: string) => v.slice(0, -4)],
    ['an empty string', () => ''],
  ])('refuses a malformed value: %s', (_name, mangle) => {
    const sealed = cipher.seal(seed, aad);
    unreadable(() => cipher.open({ ...sealed, value: mangle(sealed.value) }, aad));
  });

  it('refuses a value whose encoding is not canonical', () => {
    const sealed = cipher.seal(seed, aad);
    const segments = sealed.value.split('.');
    // 16-byte tag = 22 base64url chars, the last carrying 4 unused bits: set one of them.
    const tag = segments[6];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    segments[6] = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.slice(-1)) ^ 1];
    expect(Buffer.from(segments[6], 'base64url').equals(Buffer.from(tag, 'base64url'))).toBe(true);
    unreadable(() => cipher.open({ ...sealed, value: segments.join('.') }, aad));
  });

  it('refuses a secret moved to another key id or sealed under an unknown key', () => {
    const sealed = cipher.seal(seed, aad);
    const error = unreadable(() => cipher.open({ ...sealed, keyId: 'k9' }, aad));
    expect(error.message).toMatch(/unknown key id "k9"/);

    // Same kid, different key material (e.g. a restored backup under a regenerated key).
    const impostor = new EnvelopeCipher(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`));
    unreadable(() => impostor.open(sealed, aad));
  });

  it('refuses something that is not a sealed secret at all', () => {
    unreadable(() => cipher.open(null as unknown as SealedSecret, aad));
    unreadable(() => cipher.open({ keyId: 'k1', value: 42 } as unknown as SealedSecret, aad));
  });

  describe('rotation', () => {
    const sealedUnderK1 = cipher.seal(seed, aad);
    const both = new EnvelopeCipher(parseKeyRing(`${k1},${k2}`));

    it('re-wraps the data key under the new active key without re-encrypting the body', () => {
      expect(both.needsRotation(sealedUnderK1)).toBe(true);
      const rotated = both.rotate(sealedUnderK1, aad);
      expect(rotated.keyId).toBe('k2');
      expect(both.needsRotation(rotated)).toBe(false);
      // iv, ciphertext and tag are untouched; the wrapped key, its IV and tag are new.
      expect(rotated.value.split('.').slice(4)).toEqual(sealedUnderK1.value.split('.').slice(4));
      for (let i = 1; i < 4; i++) {
        expect(rotated.value.split('.')[i]).not.toBe(sealedUnderK1.value.split('.')[i]);
      }

      const onlyK2 = new EnvelopeCipher(parseKeyRing(k2));
      expect(onlyK2.open(rotated, aad).toString('utf8')).toBe(seed);
      unreadable(() => onlyK2.open(sealedUnderK1, aad));
      unreadable(() => cipher.open(rotated, aad));
    });

    it('returns a secret already under the active key unchanged', () => {
      const current = both.seal(seed, aad);
      expect(both.needsRotation(current)).toBe(false);
      expect(both.rotate(current, aad)).toBe(current);
    });

    it('authenticates before re-wrapping, so it never launders a moved or tampered secret', () => {
      unreadable(() => both.rotate(sealedUnderK1, 'factor:other'));
      unreadable(() => both.rotate(tamper(sealedUnderK1, 5), aad));
    });

    it('honours an explicit active key id', () => {
      const pinned = new EnvelopeCipher(parseKeyRing(`${k1},${k2}`, 'k1'));
      expect(pinned.needsRotation(sealedUnderK1)).toBe(false);
      expect(pinned.seal(seed, aad).keyId).toBe('k1');
    });
  });
});
