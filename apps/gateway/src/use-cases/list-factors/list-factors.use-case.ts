import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import { FactorsDirectory } from '../../domain/ports';

export interface ListFactorsInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly includeRemoved?: boolean | undefined;
}

@Injectable()
export class ListFactorsUseCase {
  constructor(private readonly factors: FactorsDirectory) {}

  execute(input: ListFactorsInput): Promise<factorsV1.ListFactorsResponse> {
    return this.factors.listFactors({
      tenantId: input.tenantId,
      userId: input.userId,
      includeRemoved: input.includeRemoved ?? false,
    });
  }
}
