import { Injectable } from '@nestjs/common';
import type { FactorPolicy } from '../../domain/factor-policy';
import { Clock, FactorsUnitOfWork } from '../../domain/ports';

/** Replaces a tenant's policy (validated at the edge); applies to the next enrolment or challenge. */
@Injectable()
export class SetFactorPolicyUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(tenantId: string, policy: FactorPolicy): Promise<FactorPolicy> {
    return this.uow.run(async (tx) => {
      const now = this.clock.now();
      await tx.policies.save(tenantId, policy, now);
      await tx.events.record({
        type: 'factors.policy.updated',
        tenantId,
        occurredAt: now,
        payload: { tenantId, allowedTypes: [...policy.allowedTypes] },
      });
      return policy;
    });
  }
}
