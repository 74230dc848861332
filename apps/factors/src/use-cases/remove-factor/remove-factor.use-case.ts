import { Injectable } from '@nestjs/common';
import type { Factor } from '../../domain/factor';
import { factorNotFound } from '../../domain/factors.errors';
import { Clock, FactorsUnitOfWork } from '../../domain/ports';
import { FactorStrategies } from '../../strategies/factor-strategies';
import { FactorChangeGuard } from '../../verification/factor-change-guard';
import { FactorPolicies } from '../../verification/factor-policies';

export interface RemoveFactorInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly factorId: string;
  readonly mfaProof?: string | undefined;
}

/**
 * Removal needs a recent MFA at least as strong as the factor (SECURITY.md 25). The row stays,
 * REMOVED, so every factor ever bound remains on record; subscribers notify the user.
 */
@Injectable()
export class RemoveFactorUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly strategies: FactorStrategies,
    private readonly policies: FactorPolicies,
    private readonly guard: FactorChangeGuard,
    private readonly clock: Clock,
  ) {}

  execute(input: RemoveFactorInput): Promise<Factor> {
    return this.uow.run(async (tx) => {
      const factor = await tx.factors.findById(input.tenantId, input.userId, input.factorId);
      if (!factor || factor.status === 'REMOVED') throw factorNotFound();
      const policy = await this.policies.of(tx, input.tenantId);
      // A pending enrolment can be abandoned without proof: it never protected anything.
      const authorisedBy =
        factor.status === 'ACTIVE'
          ? await this.guard.authorise(tx, {
              tenantId: input.tenantId,
              userId: input.userId,
              proof: input.mfaProof,
              policy,
              strength: this.strategies.of(factor.type).strength,
              kind: 'remove',
            })
          : undefined;
      const now = this.clock.now();
      await tx.factors.setStatus(factor.id, 'REMOVED', now);
      await tx.events.record({
        type: 'factors.factor.removed',
        tenantId: factor.tenantId,
        userId: factor.userId,
        occurredAt: now,
        payload: {
          tenantId: factor.tenantId,
          userId: factor.userId,
          factorId: factor.id,
          factorType: factor.type,
          reason: 'USER',
          authorisedBy: authorisedBy ?? '',
        },
      });
      return (await tx.factors.findById(input.tenantId, input.userId, input.factorId))!;
    });
  }
}
