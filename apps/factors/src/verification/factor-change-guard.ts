import { Injectable } from '@nestjs/common';
import type { Strength } from '../domain/factor';
import type { FactorPolicy } from '../domain/factor-policy';
import { mfaProofInvalid, mfaProofRequired } from '../domain/factors.errors';
import { Clock, type FactorsTransaction } from '../domain/ports';
import { FactorStrategies } from '../strategies/factor-strategies';

/**
 * SECURITY.md 25: adding or removing a factor of a user who already has one needs a recent MFA of
 * the same or higher strength. The proof is the id of a challenge the user verified within the
 * policy's proof age; it is consumed (single use, SECURITY.md 24) in the change's transaction.
 */
@Injectable()
export class FactorChangeGuard {
  constructor(
    private readonly clock: Clock,
    private readonly strategies: FactorStrategies,
  ) {}

  async authorise(
    tx: FactorsTransaction,
    change: {
      tenantId: string;
      userId: string;
      proof: string | undefined;
      policy: FactorPolicy;
      /** Strength of the factor being added or removed. */
      strength: Strength;
      kind: 'add' | 'remove';
    },
  ): Promise<string | undefined> {
    const active = (await tx.factors.listByUser(change.tenantId, change.userId, false)).filter(
      (f) => f.status === 'ACTIVE',
    );
    if (active.length === 0) return undefined;
    if (!change.proof) throw mfaProofRequired();
    const strongest = Math.max(...active.map((f) => this.strategies.of(f.type).strength)) as Strength;
    // Adding: as strong as the new factor, or the strongest the user has if that is weaker.
    const required =
      change.kind === 'add' ? (Math.min(change.strength, strongest) as Strength) : change.strength;
    const now = this.clock.now();
    const notBefore = new Date(now.getTime() - change.policy.mfaProofMaxAgeSeconds * 1000);
    const consumed = await tx.challenges.consumeProof(
      change.tenantId,
      change.userId,
      change.proof,
      required,
      notBefore,
      now,
    );
    if (!consumed) throw mfaProofInvalid();
    return change.proof;
  }
}
