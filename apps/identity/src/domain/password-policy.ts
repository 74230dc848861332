import { passwordLength, passwordTooWeak } from './identity.errors';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * No password of at most 128 code points after NFKC is longer than this before it (composition
 * shrinks by a few code points at most, each at most 2 UTF-16 units), so anything longer is
 * refused before normalising it: a 4 MB "password" costs nothing.
 */
export const PASSWORD_MAX_RAW_UNITS = 4096;

/**
 * What is hashed and compared: NFKC, so the same characters typed on another keyboard or OS (a
 * precomposed "é" or "e" + combining accent, full-width digits) give the same password. Nothing
 * else is changed: spaces and case matter (NIST SP 800-63B §3.1.1.2).
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export interface PasswordOwner {
  readonly externalId: string;
  readonly email?: string | undefined;
}

/**
 * NIST SP 800-63B: 8 to 128 characters (Unicode code points, after NFKC), not a common password,
 * not one character repeated, not the user's own identifiers. No composition rules. Returns the
 * normalised password to hash; throws VALIDATION_FAILED (length) or PASSWORD_TOO_WEAK. Messages
 * never contain the password.
 */
export function acceptablePassword(password: string, owner: PasswordOwner): string {
  const tooLong = `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_RAW_UNITS) throw passwordLength(tooLong);
  const normalised = normalisePassword(password);
  const codePoints = [...normalised];
  if (codePoints.length < PASSWORD_MIN_LENGTH) {
    throw passwordLength(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (codePoints.length > PASSWORD_MAX_LENGTH) throw passwordLength(tooLong);

  const folded = normalised.toLowerCase();
  if (new Set(folded).size === 1) throw passwordTooWeak('it repeats a single character');
  if (COMMON_PASSWORDS.has(folded)) throw passwordTooWeak('it is one of the most common passwords');
  if (ownIdentifiers(owner).has(folded)) {
    throw passwordTooWeak("it is the user's external id or email address");
  }
  return normalised;
}

function ownIdentifiers(owner: PasswordOwner): Set<string> {
  const own = new Set([owner.externalId.normalize('NFKC').toLowerCase()]);
  if (owner.email) {
    const email = owner.email.normalize('NFKC').toLowerCase();
    own.add(email);
    own.add(email.slice(0, email.lastIndexOf('@')));
  }
  return own;
}
