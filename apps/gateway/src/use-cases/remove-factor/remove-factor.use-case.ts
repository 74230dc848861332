import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

export interface RemoveFactorInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly factorId: string;
  /** Id of a recently verified challenge of this user (single use); factors decides if it is needed. */
  readonly mfaProof?: string | undefined;
}

@Injectable()
export class RemoveFactorUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: RemoveFactorInput): Promise<factorsV1.RemoveFactorResponse> {
    return this.factors.removeFactor({
      tenantId: input.tenantId,
      userId: input.userId,
      factorId: input.factorId,
      mfaProof: input.mfaProof ?? '',
    });
  }
}
