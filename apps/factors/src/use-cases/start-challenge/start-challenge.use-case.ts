import { Injectable } from '@nestjs/common';
import { toTimestamp } from '@portcullis/contracts';
import type { Challenge } from '../../domain/challenge';
import { type Factor, isLocked } from '../../domain/factor';
import {
  allowsType,
  BINDING_CHALLENGE_TTL_SECONDS,
  WEBAUTHN_CHALLENGE_TTL_SECONDS,
} from '../../domain/factor-policy';
import {
  factorNotActive,
  factorNotFound,
  factorTypeNotAllowed,
  verificationFailed,
} from '../../domain/factors.errors';
import { Clock, FactorsUnitOfWork, IdGenerator } from '../../domain/ports';
import { FactorStrategies } from '../../strategies/factor-strategies';
import { CodeIssuer } from '../../verification/code-issuer';
import { FactorPolicies } from '../../verification/factor-policies';

export interface StartChallengeInput {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly factorId?: string | undefined;
  readonly authenticationId: string;
  readonly action: string;
  readonly locale: string;
  readonly clientIp?: string | undefined;
  readonly passwordless: boolean;
}

export interface ChallengeStartedView {
  readonly challenge: Challenge;
  readonly destinationHint: string;
  readonly requestOptionsJson: string;
}

/** A challenge of one factor (or a passwordless passkey challenge) bound to one authentication. */
@Injectable()
export class StartChallengeUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly strategies: FactorStrategies,
    private readonly policies: FactorPolicies,
    private readonly codes: CodeIssuer,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(input: StartChallengeInput): Promise<ChallengeStartedView> {
    return this.uow.run(async (tx) => {
      const now = this.clock.now();
      const policy = await this.policies.of(tx, input.tenantId);
      let factor: Factor | undefined;
      if (!input.passwordless) {
        factor = await tx.factors.findById(input.tenantId, input.userId ?? '', input.factorId ?? '');
        if (!factor || factor.status === 'REMOVED') throw factorNotFound();
        if (factor.status !== 'ACTIVE') throw factorNotActive();
        // A locked factor gets no new code (and costs no message).
        if (isLocked(factor, now)) {
          throw verificationFailed('FACTOR_LOCKED', {
            attemptsRemaining: 0,
            retryAfterSeconds: Math.ceil((factor.lockedUntil!.getTime() - now.getTime()) / 1000),
          });
        }
      }
      const type = factor?.type ?? 'webauthn';
      if (!allowsType(policy, type)) throw factorTypeNotAllowed(type);
      const strategy = this.strategies.of(type);
      const challengeId = this.ids.next();
      const destination = factor && factor.destinationHint ? await tx.secrets.destination(factor) : undefined;
      const plan = await strategy.startChallenge({ factor, challengeId, policy, destination });
      const ttl = plan.outgoing
        ? policy.codeTtlSeconds
        : plan.webauthnChallenge
          ? WEBAUTHN_CHALLENGE_TTL_SECONDS
          : BINDING_CHALLENGE_TTL_SECONDS;
      const challenge: Challenge = {
        id: challengeId,
        tenantId: input.tenantId,
        userId: factor?.userId,
        factorId: factor?.id,
        factorType: type,
        purpose: 'AUTHENTICATION',
        authenticationId: input.authenticationId,
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
        type: 'factors.challenge.started',
        tenantId: input.tenantId,
        ...(factor ? { userId: factor.userId } : {}),
        occurredAt: now,
        payload: {
          tenantId: input.tenantId,
          userId: factor?.userId ?? '',
          challengeId,
          factorId: factor?.id ?? '',
          factorType: type,
          purpose: 'AUTHENTICATION',
          authenticationId: input.authenticationId,
          destinationHint: factor?.destinationHint ?? '',
          expireTime: toTimestamp(challenge.expiresAt),
        },
      });
      if (plan.outgoing && factor) {
        await this.codes.issue(tx, plan.outgoing, {
          codeId: challengeId,
          tenantId: factor.tenantId,
          userId: factor.userId,
          factorId: factor.id,
          purpose: 'AUTHENTICATION',
          locale: input.locale,
          clientIp: input.clientIp ?? '',
          action: input.action,
          expiresAt: challenge.expiresAt,
          now,
        });
      }
      return {
        challenge,
        destinationHint: factor?.destinationHint ?? '',
        requestOptionsJson: plan.requestOptionsJson ?? '',
      };
    });
  }
}
