import { Injectable } from '@nestjs/common';
import { DeliveryUnitOfWork } from '../../domain/ports';

/** Keeps the tenants' names (from identity.tenant.created) for the messages' texts. */
@Injectable()
export class RecordTenantNameUseCase {
  constructor(private readonly uow: DeliveryUnitOfWork) {}

  execute(tenantId: string, name: string): Promise<void> {
    return this.uow.run((tx) => tx.tenants.save(tenantId, name));
  }
}
