import { emailHint, phoneHint } from './user';

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
