import type { AuthPolicy } from '../domain/auth-policy';
import type { AuthenticationStatus, DenialReason, FactorOption, RiskView } from '../domain/authentication';

export interface Decision {
  readonly status: Exclude<AuthenticationStatus, 'EXPIRED'>;
  readonly denialReason?: DenialReason;
}

/**
 * The decision of a new attempt, from what identity, risk and factors said and the tenant's
 * policy: a denial found earlier stands; risk may deny; a challenge needs a factor the user
 * really has, and without one the policy says deny (default) or let through at aal1.
 */
export function decide(
  earlierDenial: DenialReason | undefined,
  risk: RiskView,
  factors: readonly FactorOption[],
  policy: AuthPolicy,
): Decision {
  if (earlierDenial) return { status: 'DENIED', denialReason: earlierDenial };
  if (risk.decision === 'deny') return { status: 'DENIED', denialReason: 'RISK_DENIED' };
  if (risk.decision === 'allow') return { status: 'SUCCEEDED' };
  if (factors.length > 0) return { status: 'CHALLENGE_REQUIRED' };
  return policy.withoutFactors === 'allow'
    ? { status: 'SUCCEEDED' }
    : { status: 'DENIED', denialReason: 'NO_FACTOR_ENROLLED' };
}
