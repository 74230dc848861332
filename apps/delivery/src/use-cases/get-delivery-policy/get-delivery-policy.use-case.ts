import { Injectable } from '@nestjs/common';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../../domain/delivery-policy';
import { DeliveryUnitOfWork } from '../../domain/ports';

@Injectable()
export class GetDeliveryPolicyUseCase {
  constructor(private readonly uow: DeliveryUnitOfWork) {}

  async execute(tenantId: string): Promise<DeliveryPolicy> {
    return (await this.uow.run((tx) => tx.policies.find(tenantId))) ?? DEFAULT_DELIVERY_POLICY;
  }
}
