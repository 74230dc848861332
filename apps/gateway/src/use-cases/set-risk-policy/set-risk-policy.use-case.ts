import { Injectable } from '@nestjs/common';
import type { riskV1 } from '@portcullis/contracts';
import { RiskAssessor } from '../../domain/ports';

/** Replaces the tenant's risk policy; risk validates it and answers with typed errors. */
@Injectable()
export class SetRiskPolicyUseCase {
  constructor(private readonly risk: RiskAssessor) {}

  execute(request: riskV1.SetRiskPolicyRequest): Promise<riskV1.SetRiskPolicyResponse> {
    return this.risk.setPolicy(request);
  }
}
