import { Injectable } from '@nestjs/common';
import { Clock, FactorsUnitOfWork } from '../../domain/ports';

export interface ResetFactorsInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly reason: string;
  readonly actor: string;
}

/** Admin reset: every factor of the user removed, each removal and the reset itself audited. */
@Injectable()
export class ResetFactorsUseCase {
  constructor(
    private readonly uow: FactorsUnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(input: ResetFactorsInput): Promise<number> {
    return this.uow.run(async (tx) => {
      const now = this.clock.now();
      const factors = await tx.factors.listByUser(input.tenantId, input.userId, false);
      const base = { tenantId: input.tenantId, userId: input.userId, occurredAt: now };
      for (const factor of factors) {
        await tx.factors.setStatus(factor.id, 'REMOVED', now);
        await tx.events.record({
          ...base,
          type: 'factors.factor.removed',
          payload: {
            tenantId: input.tenantId,
            userId: input.userId,
            factorId: factor.id,
            factorType: factor.type,
            reason: 'ADMIN_RESET',
            authorisedBy: input.actor,
          },
        });
      }
      await tx.events.record({
        ...base,
        type: 'factors.factors.reset',
        payload: {
          tenantId: input.tenantId,
          userId: input.userId,
          removedCount: factors.length,
          reason: input.reason,
          actor: input.actor,
        },
      });
      return factors.length;
    });
  }
}
