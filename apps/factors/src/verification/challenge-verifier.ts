import { Injectable } from '@nestjs/common';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Challenge, ChallengePurpose } from '../domain/challenge';
import { isExpired } from '../domain/challenge';
import type { Factor } from '../domain/factor';
import type { FactorPolicy } from '../domain/factor-policy';
import {
  challengeMismatch,
  challengeNotFound,
  enrollmentNotFound,
  proofTypeMismatch,
  type VerificationFailure,
  verificationFailed,
} from '../domain/factors.errors';
import {
  AttemptLimiter,
  ChallengeMetrics,
  Clock,
  type FactorsTransaction,
  FactorsUnitOfWork,
} from '../domain/ports';
import { FactorStrategies } from '../strategies/factor-strategies';
import type { FactorStrategy, Proof, VerificationOutcome } from '../strategies/factor-strategy';
import { FactorPolicies } from './factor-policies';
import { userHandleOf } from '../strategies/webauthn/webauthn.strategy';

export interface VerifyRequest {
  readonly tenantId: string;
  readonly challengeId: string;
  readonly purpose: ChallengePurpose;
  /** The binding the caller names; must equal the challenge's. */
  readonly authenticationId: string;
  /** When the caller knows the user (enrolment), the challenge must be theirs. */
  readonly userId?: string;
  readonly proof: Proof;
}

export interface Verified {
  readonly challenge: Challenge;
  /** The factor as it was before the verification. */
  readonly factor: Factor;
  readonly strategy: FactorStrategy;
  readonly verifiedAt: Date;
}

export interface VerifiedResult extends Verified {
  /** The factor after the success hook, read in the same transaction. */
  readonly updated: Factor;
}

type SuccessHook = (
  tx: FactorsTransaction,
  verified: Verified,
  outcome: Extract<VerificationOutcome, { ok: true }>,
) => Promise<void>;

class Rejected extends Error {
  constructor(
    readonly reason: VerificationFailure,
    readonly outcome?: Extract<VerificationOutcome, { ok: false }>,
  ) {
    super(reason);
  }
}

const credentialIdOf = (proof: Proof) => {
  if (!('webauthnResponseJson' in proof)) return undefined;
  try {
    const parsed = JSON.parse(proof.webauthnResponseJson) as Partial<AuthenticationResponseJSON>;
    return typeof parsed.id === 'string'
      ? { id: parsed.id, userHandle: parsed.response?.userHandle }
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The one verification path of every factor type, for enrolments and authentications alike:
 * binding, single use, expiry, attempt counting before the check, the strategy's check, and the
 * events of either outcome (SECURITY.md 3, 6, 7, 13, 17, 24, 29).
 */
@Injectable()
export class ChallengeVerifier {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly limiter: AttemptLimiter,
    private readonly strategies: FactorStrategies,
    private readonly policies: FactorPolicies,
    private readonly clock: Clock,
    private readonly metrics: ChallengeMetrics,
  ) {}

  async verify(request: VerifyRequest, onSuccess: SuccessHook): Promise<VerifiedResult> {
    const { challenge, factor, policy } = await this.load(request);
    const strategy = this.strategies.of(factor.type);
    const now = this.clock.now();
    const reject = (reason: VerificationFailure, attempts?: number, outcome?: Rejected['outcome']) =>
      this.rejected(challenge, factor, policy, reason, attempts, outcome);

    if (challenge.status === 'VERIFIED') return reject('CODE_REUSED');
    if (isExpired(challenge, now)) return reject('CODE_EXPIRED');
    const kind = 'code' in request.proof ? 'code' : 'webauthn';
    if (kind !== strategy.proofKind) {
      throw proofTypeMismatch(strategy.proofKind === 'code' ? 'a code' : 'a WebAuthn response');
    }
    const attempts = await this.limiter.reserve(factor.id, policy, now);
    if (attempts === undefined) return reject('FACTOR_LOCKED');

    try {
      const result = await this.uow.run(async (tx) => {
        const outcome = await strategy.verify({ tx, factor, challenge, proof: request.proof, policy, now });
        if (!outcome.ok) throw new Rejected(outcome.reason, outcome);
        if (
          !(await tx.challenges.markVerified(challenge.id, now, factor.userId, factor.id, strategy.strength))
        ) {
          throw new Rejected('CODE_REUSED');
        }
        const verified: Verified = { challenge, factor, strategy, verifiedAt: now };
        await onSuccess(tx, verified, outcome);
        await tx.events.record({
          type: 'factors.challenge.verified',
          tenantId: factor.tenantId,
          userId: factor.userId,
          occurredAt: now,
          payload: {
            tenantId: factor.tenantId,
            userId: factor.userId,
            challengeId: challenge.id,
            factorId: factor.id,
            factorType: factor.type,
            purpose: challenge.purpose,
            authenticationId: challenge.authenticationId,
            durationMs: String(now.getTime() - challenge.createdAt.getTime()),
          },
        });
        const updated = await tx.factors.findInTenant(factor.tenantId, factor.id);
        return { ...verified, updated: updated ?? factor };
      });
      // Counted once committed: a verification that rolled back did not succeed.
      this.metrics.outcome({ factorType: factor.type, purpose: challenge.purpose, outcome: 'success' });
      return result;
    } catch (error) {
      if (error instanceof Rejected) return reject(error.reason, attempts, error.outcome);
      throw error;
    }
  }

  /** Reads only: nothing here needs a transaction (single use is decided by markVerified). */
  private async load(request: VerifyRequest) {
    return this.uow.read(async (tx) => {
      const challenge = await tx.challenges.findById(request.tenantId, request.challengeId);
      const notFound = request.purpose === 'ENROLLMENT' ? enrollmentNotFound : challengeNotFound;
      if (!challenge || challenge.purpose !== request.purpose) throw notFound();
      if (request.userId && challenge.userId !== request.userId) throw notFound();
      if (challenge.authenticationId !== request.authenticationId) throw challengeMismatch();
      const policy = await this.policies.of(tx, request.tenantId);
      const factor = challenge.factorId
        ? await tx.factors.findInTenant(request.tenantId, challenge.factorId)
        : await this.passkeyOf(tx, request.tenantId, request.proof);
      const expected = request.purpose === 'ENROLLMENT' ? 'PENDING' : 'ACTIVE';
      if (!factor || factor.status !== expected) {
        if (!factor && !challenge.factorId) throw verificationFailed('WEBAUTHN_INVALID');
        throw notFound();
      }
      return { challenge, factor, policy };
    });
  }

  /** Passwordless: the passkey names its user; its user handle must agree. */
  private async passkeyOf(tx: FactorsTransaction, tenantId: string, proof: Proof) {
    const presented = credentialIdOf(proof);
    if (!presented) return undefined;
    const factor = await tx.factors.findByCredentialId(tenantId, presented.id);
    if (!factor) return undefined;
    if (presented.userHandle && presented.userHandle !== userHandleOf(factor.userId).toString('base64url')) {
      return undefined;
    }
    return factor;
  }

  private async rejected(
    challenge: Challenge,
    factor: Factor,
    policy: FactorPolicy,
    reason: VerificationFailure,
    attempts: number | undefined,
    outcome: Rejected['outcome'],
  ): Promise<never> {
    const now = this.clock.now();
    const counted = attempts !== undefined;
    const lockedUntil = counted ? await this.limiter.fail(factor.id, policy, now) : undefined;
    const failedAttempts = attempts ?? factor.failedAttempts;
    const base = { tenantId: factor.tenantId, userId: factor.userId, occurredAt: now };
    await this.uow.run(async (tx) => {
      await tx.events.record({
        ...base,
        type: 'factors.challenge.failed',
        payload: {
          tenantId: factor.tenantId,
          userId: factor.userId,
          challengeId: challenge.id,
          factorId: factor.id,
          factorType: factor.type,
          purpose: challenge.purpose,
          authenticationId: challenge.authenticationId,
          reason,
          failedAttempts,
        },
      });
      if (lockedUntil) {
        await tx.events.record({
          ...base,
          type: 'factors.factor.locked',
          payload: {
            tenantId: factor.tenantId,
            userId: factor.userId,
            factorId: factor.id,
            factorType: factor.type,
            failedAttempts,
            lockedUntilTime: { seconds: String(Math.floor(lockedUntil.getTime() / 1000)), nanos: 0 },
          },
        });
      }
      if (outcome?.cloneSuspected) {
        await tx.events.record({
          ...base,
          type: 'factors.webauthn.clone_suspected',
          payload: {
            tenantId: factor.tenantId,
            userId: factor.userId,
            factorId: factor.id,
            storedCounter: String(outcome.cloneSuspected.stored),
            receivedCounter: String(outcome.cloneSuspected.received),
            policy: policy.webauthn.clonePolicy,
          },
        });
      }
    });
    this.metrics.outcome({ factorType: factor.type, purpose: challenge.purpose, outcome: 'failure', reason });
    if (reason === 'FACTOR_LOCKED' || lockedUntil) {
      const until = lockedUntil ?? (await this.limiter.lockedUntil(factor.id));
      const retryAfterSeconds = until
        ? Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))
        : policy.lockoutSeconds;
      throw verificationFailed(reason, { attemptsRemaining: 0, retryAfterSeconds });
    }
    throw verificationFailed(
      reason,
      counted ? { attemptsRemaining: Math.max(0, policy.maxFailedAttempts - failedAttempts) } : {},
    );
  }
}
