import { Injectable } from '@nestjs/common';
import type { FactorPolicy } from '../../domain/factor-policy';
import { FactorsUnitOfWork } from '../../domain/ports';
import { FactorPolicies } from '../../verification/factor-policies';

@Injectable()
export class GetFactorPolicyUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly policies: FactorPolicies,
  ) {}

  execute(tenantId: string): Promise<FactorPolicy> {
    return this.uow.read((tx) => this.policies.of(tx, tenantId));
  }
}
