import { Injectable } from '@nestjs/common';
import type { Factor } from '../../domain/factor';
import type { Proof } from '../../strategies/factor-strategy';
import { ChallengeVerifier } from '../../verification/challenge-verifier';

export interface VerifyChallengeInput {
  readonly tenantId: string;
  readonly challengeId: string;
  readonly authenticationId: string;
  readonly proof: Proof;
}

export interface ChallengeVerified {
  readonly challengeId: string;
  readonly userId: string;
  readonly factor: Factor;
  readonly verifiedAt: Date;
  readonly amr: readonly string[];
}

@Injectable()
export class VerifyChallengeUseCase {
  constructor(private readonly verifier: ChallengeVerifier) {}

  async execute(input: VerifyChallengeInput): Promise<ChallengeVerified> {
    const verified = await this.verifier.verify(
      { ...input, purpose: 'AUTHENTICATION' },
      async (tx, { factor, verifiedAt }, outcome) => {
        const base = { tenantId: factor.tenantId, userId: factor.userId, occurredAt: verifiedAt };
        if (outcome.signCount !== undefined) {
          await tx.factors.updateSignCount(factor.id, outcome.signCount, outcome.cloneFlagged !== undefined);
        }
        if (outcome.cloneFlagged) {
          await tx.events.record({
            ...base,
            type: 'factors.webauthn.clone_suspected',
            payload: {
              tenantId: factor.tenantId,
              userId: factor.userId,
              factorId: factor.id,
              storedCounter: String(outcome.cloneFlagged.stored),
              receivedCounter: String(outcome.cloneFlagged.received),
              policy: 'flag',
            },
          });
        }
        if (outcome.recoveryCodesRemaining !== undefined) {
          // SECURITY.md 11: using a recovery code notifies the user (delivery subscribes).
          await tx.events.record({
            ...base,
            type: 'factors.recovery_code.used',
            payload: {
              tenantId: factor.tenantId,
              userId: factor.userId,
              factorId: factor.id,
              remaining: outcome.recoveryCodesRemaining,
            },
          });
        }
      },
    );
    return {
      challengeId: verified.challenge.id,
      userId: verified.factor.userId,
      factor: verified.updated,
      verifiedAt: verified.verifiedAt,
      amr: verified.strategy.amr,
    };
  }
}
