import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

export interface SetFactorPolicyInput {
  readonly tenantId: string;
  /** The whole policy; factors range-checks it and fills absent fields with the defaults. */
  readonly policy: factorsV1.FactorPolicy;
}

@Injectable()
export class SetFactorPolicyUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: SetFactorPolicyInput): Promise<factorsV1.SetFactorPolicyResponse> {
    return this.factors.setFactorPolicy({ tenantId: input.tenantId, policy: input.policy });
  }
}
