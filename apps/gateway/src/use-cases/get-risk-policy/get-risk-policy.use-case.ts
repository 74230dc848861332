import { Injectable } from '@nestjs/common';
import type { riskV1 } from '@portcullis/contracts';
import { RiskAssessor } from '../../domain/ports';

/** The tenant's risk policy, from the risk service (its contract types, relayed as they are). */
@Injectable()
export class GetRiskPolicyUseCase {
  constructor(private readonly risk: RiskAssessor) {}

  execute(tenantId: string): Promise<riskV1.GetRiskPolicyResponse> {
    return this.risk.getPolicy(tenantId);
  }
}
