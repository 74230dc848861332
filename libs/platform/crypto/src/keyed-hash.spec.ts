import { randomBytes } from 'node:crypto';
import { KeyedHasher } from './keyed-hash';

describe('KeyedHasher', () => {
  const key = randomBytes(32);
  const hasher = new KeyedHasher(key);

  it('is deterministic for the same key, value and context', () => {
    const hash = hasher.hash('ABCD1234EFGH5678', 'recovery-code');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new KeyedHasher(Buffer.from(key)).hash('ABCD1234EFGH5678', 'recovery-code')).toBe(hash);
  });

  it('separates contexts and keys', () => {
    const hash = hasher.hash('123456', 'otp:sms');
    expect(hasher.hash('123456', 'otp:email')).not.toBe(hash);
    expect(hasher.hash('otp:sms', '123456')).not.toBe(hash);
    expect(new KeyedHasher(randomBytes(32)).hash('123456', 'otp:sms')).not.toBe(hash);
  });

  it('refuses a context containing NUL, which would blur the context/value boundary', () => {
    expect(() => hasher.hash('b', 'a\u0000')).toThrow(/NUL/);
  });

  it('matches the right value only', () => {
    const stored = hasher.hash('123456', 'otp:sms');
    expect(hasher.matches('123456', 'otp:sms', stored)).toBe(true);
    expect(hasher.matches('123457', 'otp:sms', stored)).toBe(false);
    expect(hasher.matches('123456', 'otp:email', stored)).toBe(false);
    expect(hasher.matches('123456', 'otp:sms', stored.slice(0, -1))).toBe(false);
    expect(hasher.matches('123456', 'otp:sms', '')).toBe(false);
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new KeyedHasher(randomBytes(31))).toThrow(/at least 32 bytes/);
  });

  it('keeps its own copy of the key', () => {
    const mutable = randomBytes(32);
    const own = new KeyedHasher(mutable);
    const before = own.hash('v', 'c');
    mutable.fill(0);
    expect(own.hash('v', 'c')).toBe(before);
  });
});
