import { maskContact, minimise, truncateIp } from './minimise';
import { outcomeOf } from './outcome';

describe('audit minimisation', () => {
  it('masks contacts and drops secrets wherever they appear', () => {
    const { data } = minimise({
      tenantId: 't',
      destinationHint: '*******89',
      email: 'jane.doe@example.com',
      phoneNumber: '+44 7700 900 189',
      detail: 'sent to jane.doe@example.com',
      note: 'bob@example.org',
      code: '123456',
      otp: '654321',
      sealedCode: 'abc',
      clientSecret: 's',
      password: 'hunter2',
      codeId: 'c-1',
      reasonCodes: ['NEW_DEVICE'],
      nested: [{ accessToken: 'x', recipient: '+15551234567' }],
    });
    expect(data).toEqual({
      tenantId: 't',
      destinationHint: '*******89',
      email: 'j***@example.com',
      phoneNumber: '**********89',
      detail: 'sent to j***@example.com',
      note: 'b***@example.org',
      codeId: 'c-1',
      reasonCodes: ['NEW_DEVICE'],
      nested: [{ recipient: '*********67' }],
    });
  });

  it('keeps the client network in the record and the full address apart', () => {
    expect(minimise({ clientIp: '203.0.113.77' })).toEqual({
      data: { clientIp: '203.0.113.0/24' },
      clientIp: '203.0.113.77',
    });
    expect(minimise({ clientIp: '2001:db8:aaaa:bbbb::1' }).data).toEqual({ clientIp: '2001:db8:aaaa::/48' });
    expect(minimise({ clientIp: '::ffff:198.51.100.9' }).data).toEqual({ clientIp: '198.51.100.0/24' });
    expect(minimise({ clientIp: 'not an address' })).toEqual({ data: {}, clientIp: undefined });
    expect(truncateIp('')).toBeUndefined();
  });

  it('shortens long strings and removes NUL characters PostgreSQL cannot store', () => {
    const { data } = minimise({ userAgent: `a\u0000${'x'.repeat(2000)}` });
    expect(String(data['userAgent'])).toHaveLength(513);
    expect(String(data['userAgent'])).not.toContain('\u0000');
  });

  it('leaves hints as they are', () => {
    expect(maskContact('j***@example.com')).toBe('j***@example.com');
  });

  it('derives the outcome an analyst filters on', () => {
    expect(outcomeOf('factors.challenge.verified', {})).toBe('success');
    expect(outcomeOf('factors.challenge.failed', {})).toBe('failure');
    expect(outcomeOf('risk.attempt.scored', { decision: 'deny' })).toBe('denied');
    expect(outcomeOf('risk.attempt.scored', { decision: 'challenge' })).toBe('challenged');
    expect(outcomeOf('identity.user.created', {})).toBe('none');
  });
});
