import { createHmac, timingSafeEqual } from 'node:crypto';

const MIN_KEY_BYTES = 32;

/**
 * HMAC-SHA256 for values that are looked up or compared but never read back (recovery codes,
 * one-time codes). `context` separates uses, so a hash made for one purpose never matches another.
 */
export class KeyedHasher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length < MIN_KEY_BYTES) {
      throw new Error(`KeyedHasher key must be at least ${MIN_KEY_BYTES} bytes`);
    }
    this.key = Buffer.from(key);
  }

  /** Lowercase hex HMAC-SHA256 over `${context}\u0000${value}`. */
  hash(value: string, context: string): string {
    // A NUL in the context would make the context/value boundary ambiguous.
    if (context.includes('\u0000')) throw new Error('KeyedHasher context must not contain NUL');
    return createHmac('sha256', this.key).update(`${context}\u0000${value}`, 'utf8').digest('hex');
  }

  /** Constant-time comparison against a stored hash; false (not a throw) on a length mismatch. */
  matches(value: string, context: string, expectedHex: string): boolean {
    const actual = Buffer.from(this.hash(value, context), 'utf8');
    const expected = Buffer.from(expectedHex, 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
