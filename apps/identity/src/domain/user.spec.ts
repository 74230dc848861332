import { emailHint, nextStatus, phoneHint, type StatusChange, type UserStatus } from './user';

describe('contact hints', () => {
  it('keep just enough to recognise an address', () => {
    expect(emailHint('jane.doe@example.com')).toBe('j***@example.com');
    expect(emailHint(undefined)).toBe('');
  });

  it('keep the country code and the last two digits of a phone number', () => {
    expect(phoneHint('+447911123456')).toBe('+44********56');
    expect(phoneHint('+33612345678')).toBe('+33*******78');
    expect(phoneHint(undefined)).toBe('');
  });
});

describe('status changes', () => {
  it.each<[UserStatus, StatusChange, UserStatus]>([
    ['ACTIVE', 'lock', 'LOCKED'],
    ['LOCKED', 'lock', 'LOCKED'],
    ['LOCKED', 'unlock', 'ACTIVE'],
    ['ACTIVE', 'unlock', 'ACTIVE'],
    ['ACTIVE', 'disable', 'DISABLED'],
    ['LOCKED', 'disable', 'DISABLED'],
    ['DISABLED', 'disable', 'DISABLED'],
  ])('%s + %s → %s', (from, change, to) => {
    expect(nextStatus(from, change)).toBe(to);
  });

  it.each<StatusChange>(['lock', 'unlock'])(
    'a disabled user cannot be %sed back (USER_DISABLED)',
    (change) => {
      expect(() => nextStatus('DISABLED', change)).toThrow(
        expect.objectContaining({ code: 'USER_DISABLED' }),
      );
    },
  );
});
