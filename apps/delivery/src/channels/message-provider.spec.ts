import { handlingOfStatus, isNotSent } from './message-provider';

describe('provider failure classes: never a second paid message', () => {
  it.each([
    [429, 'RETRY'],
    [503, 'RETRY'],
    [500, 'FAILOVER'],
    [502, 'FAILOVER'],
    [504, 'FAILOVER'],
    [401, 'FAILOVER'],
    [403, 'FAILOVER'],
    [400, 'PERMANENT'],
    [404, 'PERMANENT'],
  ])('HTTP %d → %s', (status, handling) => {
    expect(handlingOfStatus(status)).toBe(handling);
  });

  it('treats only errors that prove nothing was sent as not sent', () => {
    expect(isNotSent({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isNotSent({ code: 'ECONNRESET' })).toBe(false);
    expect(isNotSent({ code: 'ETIMEDOUT' })).toBe(false);
    expect(isNotSent(undefined)).toBe(false);
  });
});
