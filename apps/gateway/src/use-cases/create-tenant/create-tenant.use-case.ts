import { Injectable } from '@nestjs/common';
import type { TenantView } from '../../domain/model';
import { IdentityDirectory } from '../../domain/ports';

@Injectable()
export class CreateTenantUseCase {
  constructor(private readonly identity: IdentityDirectory) {}

  execute(input: { readonly name: string }): Promise<TenantView> {
    return this.identity.createTenant(input.name);
  }
}
