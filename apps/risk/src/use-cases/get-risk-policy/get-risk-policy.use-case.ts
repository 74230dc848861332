import { Injectable } from '@nestjs/common';
import { RiskReadModel } from '../../domain/ports';
import type { RiskPolicy } from '../../domain/risk-policy';

@Injectable()
export class GetRiskPolicyUseCase {
  constructor(private readonly reads: RiskReadModel) {}

  execute(tenantId: string): Promise<RiskPolicy> {
    return this.reads.policy(tenantId);
  }
}
