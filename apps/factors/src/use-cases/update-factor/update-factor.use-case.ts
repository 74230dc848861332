import { Injectable } from '@nestjs/common';
import type { Factor } from '../../domain/factor';
import { factorNotActive, factorNotFound } from '../../domain/factors.errors';
import { Clock, FactorsUnitOfWork } from '../../domain/ports';

export interface UpdateFactorInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly factorId: string;
  readonly name?: string | undefined;
  readonly preferred: boolean;
}

/** Rename, or make preferred: neither changes what can sign in, so no MFA proof is needed. */
@Injectable()
export class UpdateFactorUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: UpdateFactorInput): Promise<Factor> {
    return this.uow.run(async (tx) => {
      const factor = await tx.factors.findById(input.tenantId, input.userId, input.factorId);
      if (!factor || factor.status === 'REMOVED') throw factorNotFound();
      if (input.preferred && factor.status !== 'ACTIVE') throw factorNotActive();
      if (input.name) await tx.factors.rename(factor.id, input.name);
      if (input.preferred) await tx.factors.setPreferred(factor.tenantId, factor.userId, factor.id);
      const updated = (await tx.factors.findById(input.tenantId, input.userId, input.factorId))!;
      await tx.events.record({
        type: 'factors.factor.updated',
        tenantId: factor.tenantId,
        userId: factor.userId,
        occurredAt: this.clock.now(),
        payload: {
          tenantId: factor.tenantId,
          userId: factor.userId,
          factorId: factor.id,
          factorType: factor.type,
          factorName: updated.name,
          preferred: updated.preferred,
        },
      });
      return updated;
    });
  }
}
