import { Injectable } from '@nestjs/common';
import { toTimestamp } from '@portcullis/contracts';
import { Clock, IdGenerator, IdentityUnitOfWork } from '../../domain/ports';
import type { Tenant } from '../../domain/tenant';

export interface CreateTenantInput {
  readonly name: string;
}

@Injectable()
export class CreateTenantUseCase {
  constructor(
    private readonly uow: IdentityUnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(input: CreateTenantInput): Promise<Tenant> {
    const tenant: Tenant = {
      id: this.ids.next(),
      name: input.name,
      status: 'ACTIVE',
      createdAt: this.clock.now(),
    };
    return this.uow.run(async (tx) => {
      await tx.tenants.insert(tenant);
      await tx.events.record({
        type: 'identity.tenant.created',
        tenantId: tenant.id,
        occurredAt: tenant.createdAt,
        payload: { tenantId: tenant.id, name: tenant.name, createTime: toTimestamp(tenant.createdAt) },
      });
      return tenant;
    });
  }
}
