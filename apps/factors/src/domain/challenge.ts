import type { FactorType, Strength } from './factor';

export type ChallengePurpose = 'AUTHENTICATION' | 'ENROLLMENT';
export type ChallengeStatus = 'PENDING' | 'VERIFIED';

/**
 * One question put to the user, bound to one authentication (or enrolment) id, answered at most
 * once. Out-of-band codes exist only as a keyed hash; WebAuthn challenges as the random value.
 */
export interface Challenge {
  readonly id: string;
  readonly tenantId: string;
  /** Undefined for a passwordless challenge until a passkey names the user. */
  readonly userId: string | undefined;
  readonly factorId: string | undefined;
  readonly factorType: FactorType;
  readonly purpose: ChallengePurpose;
  readonly authenticationId: string;
  readonly status: ChallengeStatus;
  readonly codeHash: string | undefined;
  readonly webauthnChallenge: string | undefined;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly verifiedAt: Date | undefined;
  readonly strength: Strength | undefined;
  readonly proofUsedAt: Date | undefined;
}

export function isExpired(challenge: Pick<Challenge, 'expiresAt'>, now: Date): boolean {
  return challenge.expiresAt <= now;
}
