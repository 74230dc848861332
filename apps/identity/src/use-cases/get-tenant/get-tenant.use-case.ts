import { Injectable } from '@nestjs/common';
import { tenantNotFound } from '../../domain/identity.errors';
import { IdentityUnitOfWork } from '../../domain/ports';
import type { Tenant } from '../../domain/tenant';

@Injectable()
export class GetTenantUseCase {
  constructor(private readonly uow: IdentityUnitOfWork) {}

  async execute(input: { readonly tenantId: string }): Promise<Tenant> {
    const tenant = await this.uow.run((tx) => tx.tenants.findById(input.tenantId));
    if (!tenant) throw tenantNotFound();
    return tenant;
  }
}
