import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

@Injectable()
export class GetFactorPolicyUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: { readonly tenantId: string }): Promise<factorsV1.GetFactorPolicyResponse> {
    return this.factors.getFactorPolicy({ tenantId: input.tenantId });
  }
}
