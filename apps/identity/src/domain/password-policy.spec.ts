import { isDomainError } from '@portcullis/errors';
import { COMMON_PASSWORDS } from './common-passwords';
import { acceptablePassword, normalisePassword } from './password-policy';

const owner = { externalId: 'customer-00042', email: 'jane.doe1985@example.com' };

function refusal(password: string) {
  try {
    acceptablePassword(password, owner);
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected the password to be refused');
}

describe('password policy (NIST SP 800-63B)', () => {
  it('accepts 8 to 128 characters of anything, with no composition rules', () => {
    expect(acceptablePassword('correct horse battery staple', owner)).toBe('correct horse battery staple');
    expect(acceptablePassword('tr0ub4dor', owner)).toBe('tr0ub4dor');
    expect(acceptablePassword('ñandú-über', owner)).toBe('ñandú-über');
    expect(acceptablePassword('x'.repeat(127) + 'y', owner)).toHaveLength(128);
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    // Eight emoji are 16 UTF-16 units but 8 characters: accepted. Seven are too short.
    expect(() => acceptablePassword('🔐🗝️🔑🚪🏰🛡️⚔️👑'.replace(/\uFE0F/g, ''), owner)).not.toThrow();
    expect(refusal('🔐🔑🚪🏰🛡⚔👑')).toMatchObject({ code: 'VALIDATION_FAILED' });
    // 128 astral characters (256 units) are fine; 129 are not.
    expect(() => acceptablePassword('😀'.repeat(64) + '🔑'.repeat(64), owner)).not.toThrow();
    expect(refusal('😀'.repeat(65) + '🔑'.repeat(64))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses too short and too long with VALIDATION_FAILED on the password field', () => {
    const short = refusal('Abc123!');
    expect(short).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      code: 'VALIDATION_FAILED',
      details: { violations: [{ field: 'password', description: 'must be at least 8 characters' }] },
    });
    expect(refusal('ab'.repeat(65))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { violations: [{ field: 'password', description: 'must be at most 128 characters' }] },
    });
    expect(refusal('a'.repeat(1_000_000))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('normalises with NFKC before counting and hashing', () => {
    const composed = 'caf\u00e9-au-lait';
    const decomposed = 'cafe\u0301-au-lait';
    expect(normalisePassword(decomposed)).toBe(composed);
    expect(acceptablePassword(decomposed, owner)).toBe(composed);
    // Full-width letters are their ASCII compatibility forms.
    expect(normalisePassword('ｐａｓｓ１２３４')).toBe('pass1234');
    // Full-width "password1" is still the common password.
    expect(refusal('ｐａｓｓｗｏｒｄ１')).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
  });

  it.each(['password', 'Password1', 'QWERTY123', '12345678', 'iloveyou', 'P@ssw0rd'])(
    'refuses the common password %j with PASSWORD_TOO_WEAK',
    (password) => {
      const error = refusal(password);
      expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'PASSWORD_TOO_WEAK' });
      expect(error.message).toBe('The password is too weak: it is one of the most common passwords');
    },
  );

  it("refuses the user's external id, email address or its local part", () => {
    for (const own of ['customer-00042', 'CUSTOMER-00042', 'jane.doe1985@example.com', 'Jane.Doe1985']) {
      expect(refusal(own)).toMatchObject({
        code: 'PASSWORD_TOO_WEAK',
        message: "The password is too weak: it is the user's external id or email address",
      });
    }
    expect(() => acceptablePassword('customer-00042!', owner)).not.toThrow();
  });

  it('refuses one character repeated', () => {
    expect(refusal('zzzzzzzzzzzz')).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
  });

  it('never puts the password in the error', () => {
    for (const password of ['short1', 'password123', 'customer-00042', 'q'.repeat(200)]) {
      const error = refusal(password);
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(password);
    }
  });

  it('keeps a blocklist of about a hundred lower-case entries that the length rule does not already catch', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(100);
    for (const entry of COMMON_PASSWORDS) {
      expect(entry).toBe(entry.toLowerCase());
      expect([...entry].length).toBeGreaterThanOrEqual(8);
    }
  });
});
