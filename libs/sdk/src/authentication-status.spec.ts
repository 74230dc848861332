import { gatewayV1 } from '@portcullis/contracts';
import { isAllowed, isChallengeRequired, isDenied, isExpired } from './authentication-status';

const withStatus = (status: string) => gatewayV1.Authentication.fromJSON({ id: 'a-1', status });

describe('authentication status guards', () => {
  it.each([
    ['CHALLENGE_REQUIRED', [true, false, false, false]],
    ['SUCCEEDED', [false, true, false, false]],
    ['DENIED', [false, false, true, false]],
    ['EXPIRED', [false, false, false, true]],
    ['SOMETHING_NEW', [false, false, false, false]],
  ])('%s', (status, expected) => {
    const auth = withStatus(status);
    expect([isChallengeRequired(auth), isAllowed(auth), isDenied(auth), isExpired(auth)]).toEqual(expected);
  });

  it('are false for an absent authentication', () => {
    expect([isChallengeRequired(undefined), isAllowed(undefined), isDenied(undefined)]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('narrow the status type', () => {
    const auth = withStatus('DENIED');
    if (isDenied(auth)) {
      const status: 'DENIED' = auth.status;
      expect(status).toBe('DENIED');
    } else {
      throw new Error('expected DENIED');
    }
  });
});
