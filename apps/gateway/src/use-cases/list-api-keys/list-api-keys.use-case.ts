import { Injectable } from '@nestjs/common';
import { ApiKeyStore, type ApiKeyView } from '../../auth/api-key';

/** A tenant's API keys, revoked ones included, oldest first; never a secret or a hash. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(private readonly keys: ApiKeyStore) {}

  execute(input: { readonly tenantId: string }): Promise<ApiKeyView[]> {
    return this.keys.list(input.tenantId);
  }
}
