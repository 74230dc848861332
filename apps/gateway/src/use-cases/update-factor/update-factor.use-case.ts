import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

export interface UpdateFactorInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly factorId: string;
  readonly name?: string | undefined;
  readonly preferred?: boolean | undefined;
}

@Injectable()
export class UpdateFactorUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: UpdateFactorInput): Promise<factorsV1.UpdateFactorResponse> {
    return this.factors.updateFactor({
      tenantId: input.tenantId,
      userId: input.userId,
      factorId: input.factorId,
      name: input.name ?? '',
      preferred: input.preferred ?? false,
    });
  }
}
