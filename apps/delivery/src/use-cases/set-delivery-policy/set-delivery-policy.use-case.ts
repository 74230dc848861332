import { Injectable } from '@nestjs/common';
import type { DeliveryPolicy } from '../../domain/delivery-policy';
import { Clock, DeliveryUnitOfWork } from '../../domain/ports';

/** Replaces a tenant's policy (validated at the edge); applies to the next code. */
@Injectable()
export class SetDeliveryPolicyUseCase {
  constructor(
    private readonly uow: DeliveryUnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(tenantId: string, policy: DeliveryPolicy): Promise<DeliveryPolicy> {
    await this.uow.run((tx) => tx.policies.save(tenantId, policy, this.clock.now()));
    return policy;
  }
}
