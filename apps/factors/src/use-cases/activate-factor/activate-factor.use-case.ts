import { Injectable } from '@nestjs/common';
import type { Factor } from '../../domain/factor';
import type { Proof } from '../../strategies/factor-strategy';
import { ChallengeVerifier } from '../../verification/challenge-verifier';
import { enrolledEventType, enrolledPayload } from '../begin-enrollment/begin-enrollment.use-case';

export interface ActivateFactorInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly enrollmentId: string;
  readonly proof: Proof;
}

/** Proof of possession turns a PENDING factor ACTIVE, once (the enrolment id is single use). */
@Injectable()
export class ActivateFactorUseCase {
  constructor(private readonly verifier: ChallengeVerifier) {}

  async execute(input: ActivateFactorInput): Promise<Factor> {
    const verified = await this.verifier.verify(
      {
        tenantId: input.tenantId,
        userId: input.userId,
        challengeId: input.enrollmentId,
        authenticationId: input.enrollmentId,
        purpose: 'ENROLLMENT',
        proof: input.proof,
      },
      async (tx, { factor, verifiedAt }, outcome) => {
        await tx.factors.activate(factor.id, verifiedAt, outcome.credential);
        const others = await tx.factors.listByUser(factor.tenantId, factor.userId, false);
        if (!others.some((f) => f.preferred && f.status === 'ACTIVE')) {
          await tx.factors.setPreferred(factor.tenantId, factor.userId, factor.id);
        }
        const active = await tx.factors.findById(factor.tenantId, factor.userId, factor.id);
        await tx.events.record({
          type: enrolledEventType(factor.type),
          tenantId: factor.tenantId,
          userId: factor.userId,
          occurredAt: verifiedAt,
          payload: enrolledPayload(active ?? factor),
        });
      },
    );
    return verified.updated;
  }
}
