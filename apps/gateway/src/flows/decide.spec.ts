import { DEFAULT_AUTH_POLICY } from '../domain/auth-policy';
import type { FactorOption, RiskView } from '../domain/authentication';
import { orderFactors } from '../domain/authentication';
import { decide } from './decide';

const risk = (decision: RiskView['decision']): RiskView => ({
  score: 0,
  level: 'low',
  decision,
  reasons: [],
  fallback: false,
});
const totp: FactorOption = {
  factorId: 'f1',
  type: 'totp',
  name: '',
  destinationHint: '',
  strength: 2,
  preferred: false,
};

describe('the decision of a new attempt', () => {
  it('keeps an earlier denial whatever risk says', () => {
    expect(decide('ACCOUNT_LOCKED', risk('allow'), [totp], DEFAULT_AUTH_POLICY)).toEqual({
      status: 'DENIED',
      denialReason: 'ACCOUNT_LOCKED',
    });
  });

  it('follows risk: deny, allow, or a challenge with a factor the user has', () => {
    expect(decide(undefined, risk('deny'), [totp], DEFAULT_AUTH_POLICY)).toEqual({
      status: 'DENIED',
      denialReason: 'RISK_DENIED',
    });
    expect(decide(undefined, risk('allow'), [], DEFAULT_AUTH_POLICY)).toEqual({ status: 'SUCCEEDED' });
    expect(decide(undefined, risk('challenge'), [totp], DEFAULT_AUTH_POLICY)).toEqual({
      status: 'CHALLENGE_REQUIRED',
    });
  });

  it('denies a challenge the user cannot answer, unless the tenant lets such users through', () => {
    expect(decide(undefined, risk('challenge'), [], DEFAULT_AUTH_POLICY)).toEqual({
      status: 'DENIED',
      denialReason: 'NO_FACTOR_ENROLLED',
    });
    expect(
      decide(undefined, risk('challenge'), [], { ...DEFAULT_AUTH_POLICY, withoutFactors: 'allow' }),
    ).toEqual({
      status: 'SUCCEEDED',
    });
  });

  it('offers the strongest factors first, the preferred one first among equals, recovery codes last', () => {
    const ordered = orderFactors([
      { ...totp, factorId: 'rc', type: 'recovery_codes', strength: 3 },
      { ...totp, factorId: 'sms', type: 'sms_otp', strength: 1 },
      { ...totp, factorId: 'key', type: 'webauthn', strength: 3 },
      { ...totp, factorId: 'totp-b', preferred: true },
      { ...totp, factorId: 'totp-a' },
    ]);
    expect(ordered.map((f) => f.factorId)).toEqual(['key', 'totp-b', 'totp-a', 'sms', 'rc']);
  });
});
