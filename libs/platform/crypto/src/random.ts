import { randomBytes, randomInt } from 'node:crypto';

/** Crockford base32 alphabet: no I, L, O or U, so codes survive being read aloud or retyped. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_CODE_BYTES = 10; // 80 bits = 16 base32 characters

/** A uniformly random numeric code (one CSPRNG draw per digit, no modulo bias), 6 to 10 digits. */
export function randomDigits(length: number): string {
  if (!Number.isInteger(length) || length < 6 || length > 10) {
    throw new Error('randomDigits length must be an integer from 6 to 10');
  }
  let digits = '';
  for (let i = 0; i < length; i++) digits += String(randomInt(0, 10));
  return digits;
}

/** 80 random bits as Crockford base32, formatted `XXXX-XXXX-XXXX-XXXX`. */
export function randomRecoveryCode(): string {
  const bytes = randomBytes(RECOVERY_CODE_BYTES);
  let bits = 0;
  let buffered = 0;
  let code = '';
  for (const byte of bytes) {
    buffered = (buffered << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code += CROCKFORD[(buffered >> bits) & 31];
    }
    buffered &= (1 << bits) - 1;
  }
  bytes.fill(0);
  return [0, 4, 8, 12].map((start) => code.slice(start, start + 4)).join('-');
}

/**
 * The canonical 16-character form of a recovery code as a user may type it: case-insensitive,
 * spaces and dashes ignored, O read as 0 and I or L as 1 (Crockford decoding). It does not
 * validate: compare the result (e.g. with KeyedHasher.matches); a mistyped code simply won't match.
 */
export function normaliseRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** An opaque base64url token of `bytes` random bytes (at least 16, i.e. 128 bits). */
export function randomToken(bytes = 16): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new Error('randomToken needs at least 16 bytes');
  return randomBytes(bytes).toString('base64url');
}
