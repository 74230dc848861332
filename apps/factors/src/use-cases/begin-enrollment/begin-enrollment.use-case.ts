import { Injectable } from '@nestjs/common';
import type { Challenge } from '../../domain/challenge';
import { DEFAULT_FACTOR_NAMES, type Factor, type FactorType } from '../../domain/factor';
import {
  allowsType,
  BINDING_CHALLENGE_TTL_SECONDS,
  MAX_FACTORS_PER_USER,
  WEBAUTHN_CHALLENGE_TTL_SECONDS,
} from '../../domain/factor-policy';
import { factorLimitReached, factorTypeNotAllowed } from '../../domain/factors.errors';
import { Clock, FactorsUnitOfWork, IdGenerator } from '../../domain/ports';
import { FactorStrategies } from '../../strategies/factor-strategies';
import type { EnrollmentSetup } from '../../strategies/factor-strategy';
import { CodeIssuer } from '../../verification/code-issuer';
import { FactorChangeGuard } from '../../verification/factor-change-guard';
import { FactorPolicies } from '../../verification/factor-policies';

export interface BeginEnrollmentInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly type: FactorType;
  readonly name?: string | undefined;
  readonly accountName: string;
  readonly destination?: string | undefined;
  readonly mfaProof?: string | undefined;
  readonly locale: string;
  readonly clientIp?: string | undefined;
}

export interface EnrollmentStarted {
  readonly enrollmentId: string;
  readonly factor: Factor;
  readonly expiresAt: Date | undefined;
  readonly setup: EnrollmentSetup;
}

/**
 * begin → setup data → activate with proof. The factor is PENDING (useless for sign-in) until
 * activated; recovery codes, which are their own proof, are active at once and replace the set.
 */
@Injectable()
export class BeginEnrollmentUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly strategies: FactorStrategies,
    private readonly policies: FactorPolicies,
    private readonly guard: FactorChangeGuard,
    private readonly codes: CodeIssuer,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(input: BeginEnrollmentInput): Promise<EnrollmentStarted> {
    const strategy = this.strategies.of(input.type);
    return this.uow.run(async (tx) => {
      const now = this.clock.now();
      const policy = await this.policies.of(tx, input.tenantId);
      if (!allowsType(policy, input.type)) throw factorTypeNotAllowed(input.type);
      if ((await tx.factors.countOpen(input.tenantId, input.userId, now)) >= MAX_FACTORS_PER_USER) {
        throw factorLimitReached();
      }
      await this.guard.authorise(tx, {
        tenantId: input.tenantId,
        userId: input.userId,
        proof: input.mfaProof,
        policy,
        strength: strategy.strength,
        kind: 'add',
      });
      const existing = await tx.factors.listByUser(input.tenantId, input.userId, false);
      const factorId = this.ids.next();
      const challengeId = this.ids.next();
      const plan = await strategy.beginEnrollment({
        tenantId: input.tenantId,
        userId: input.userId,
        factorId,
        challengeId,
        accountName: input.accountName,
        destination: input.destination,
        policy,
        existing,
      });
      const activeNow = plan.activeWithCodeHashes !== undefined;
      const factor: Factor = {
        id: factorId,
        tenantId: input.tenantId,
        userId: input.userId,
        type: input.type,
        name: input.name ?? DEFAULT_FACTOR_NAMES[input.type],
        status: activeNow ? 'ACTIVE' : 'PENDING',
        destinationHint: plan.destinationHint ?? '',
        preferred: false,
        createdAt: now,
        activatedAt: activeNow ? now : undefined,
        lastUsedAt: undefined,
        removedAt: undefined,
        failedAttempts: 0,
        lockedUntil: undefined,
        totp: plan.totp,
        webauthn: undefined,
        recoveryCodesRemaining: plan.activeWithCodeHashes?.length ?? 0,
      };
      await tx.factors.insert({ factor, secret: plan.secret, destination: plan.destination });
      const base = { tenantId: factor.tenantId, userId: factor.userId, occurredAt: now };

      if (plan.activeWithCodeHashes) {
        for (const old of existing.filter((f) => f.type === 'recovery_codes' && f.status === 'ACTIVE')) {
          await tx.factors.setStatus(old.id, 'REMOVED', now);
          await tx.events.record({
            ...base,
            type: 'factors.factor.removed',
            payload: { ...ids(old), reason: 'REPLACED', authorisedBy: input.mfaProof ?? '' },
          });
        }
        await tx.recoveryCodes.replace(factor.id, plan.activeWithCodeHashes);
        await tx.events.record({
          ...base,
          type: enrolledEventType('recovery_codes'),
          payload: { ...enrolledPayload(factor), recoveryCodeCount: plan.activeWithCodeHashes.length },
        });
        return { enrollmentId: factor.id, factor, expiresAt: undefined, setup: plan.setup };
      }

      const ttl = plan.outgoing
        ? policy.codeTtlSeconds
        : plan.webauthnChallenge
          ? WEBAUTHN_CHALLENGE_TTL_SECONDS
          : BINDING_CHALLENGE_TTL_SECONDS;
      const challenge: Challenge = {
        id: challengeId,
        tenantId: factor.tenantId,
        userId: factor.userId,
        factorId: factor.id,
        factorType: factor.type,
        purpose: 'ENROLLMENT',
        authenticationId: challengeId,
        status: 'PENDING',
        codeHash: plan.codeHash,
        webauthnChallenge: plan.webauthnChallenge,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttl * 1000),
        verifiedAt: undefined,
        strength: undefined,
        proofUsedAt: undefined,
      };
      await tx.challenges.insert(challenge);
      await tx.events.record({
        ...base,
        type: 'factors.enrollment.started',
        payload: {
          ...ids(factor),
          enrollmentId: challenge.id,
          destinationHint: factor.destinationHint,
        },
      });
      if (plan.outgoing) {
        await this.codes.issue(tx, plan.outgoing, {
          codeId: challenge.id,
          tenantId: factor.tenantId,
          userId: factor.userId,
          factorId: factor.id,
          purpose: 'ENROLLMENT',
          locale: input.locale,
          clientIp: input.clientIp ?? '',
          action: '',
          expiresAt: challenge.expiresAt,
          now,
        });
      }
      return { enrollmentId: challenge.id, factor, expiresAt: challenge.expiresAt, setup: plan.setup };
    });
  }
}

const ids = (f: Factor) => ({ tenantId: f.tenantId, userId: f.userId, factorId: f.id, factorType: f.type });

export const enrolledPayload = (f: Factor) => ({
  ...ids(f),
  factorName: f.name,
  destinationHint: f.destinationHint,
  aaguid: f.webauthn?.aaguid ?? '',
  backupEligible: f.webauthn?.backupEligible ?? false,
  backedUp: f.webauthn?.backedUp ?? false,
  recoveryCodeCount: 0,
});

/** `factors.totp.enrolled`, `factors.webauthn.enrolled`, ... */
export const enrolledEventType = (type: FactorType) => `factors.${type}.enrolled` as const;
