import { Injectable } from '@nestjs/common';
import { Clock, RiskReadModel, RiskUnitOfWork } from '../../domain/ports';
import { effectiveSignals, type RiskPolicy } from '../../domain/risk-policy';

/** Replaces the tenant's policy; every instance's cache drops the old one on commit. */
@Injectable()
export class SetRiskPolicyUseCase {
  constructor(
    private readonly uow: RiskUnitOfWork,
    private readonly reads: RiskReadModel,
    private readonly clock: Clock,
  ) {}

  async execute(tenantId: string, policy: RiskPolicy): Promise<RiskPolicy> {
    const at = this.clock.now();
    const saved = await this.uow.run(async (tx) => {
      await tx.policies.save(tenantId, policy, at);
      await tx.events.record({
        type: 'risk.policy.updated',
        tenantId,
        occurredAt: at,
        payload: {
          tenantId,
          mfaMode: policy.mfaMode,
          challengeThreshold: policy.challengeThreshold,
          denyThreshold: policy.denyThreshold,
          failMode: policy.failMode,
          stepUpRules: policy.stepUpRules.length,
          disabledSignals: effectiveSignals(policy)
            .filter((s) => !s.enabled)
            .map((s) => s.code),
        },
      });
      return policy;
    });
    this.reads.policyChanged(tenantId);
    return saved;
  }
}
