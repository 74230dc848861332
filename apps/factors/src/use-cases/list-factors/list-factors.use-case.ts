import { Injectable } from '@nestjs/common';
import type { Factor } from '../../domain/factor';
import { FactorsUnitOfWork } from '../../domain/ports';

/** A user's factors: public data only (the repository never selects secrets into a Factor). */
@Injectable()
export class ListFactorsUseCase {
  constructor(private readonly uow: FactorsUnitOfWork) {}

  execute(input: { tenantId: string; userId: string; includeRemoved: boolean }): Promise<Factor[]> {
    return this.uow.read((tx) => tx.factors.listByUser(input.tenantId, input.userId, input.includeRemoved));
  }
}
