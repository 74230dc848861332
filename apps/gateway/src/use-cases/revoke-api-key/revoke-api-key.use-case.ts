import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@portcullis/observability';
import { ApiKeyStore, type ApiKeyView } from '../../auth/api-key';
import { apiKeyNotFound } from '../../auth/auth.errors';

export interface RevokeApiKeyInput {
  readonly tenantId: string;
  readonly keyId: string;
  /** Who asked (actorOf(principal)), for the log. */
  readonly actor: string;
}

/**
 * Revokes a key at once on every gateway instance (the store evicts it from their caches).
 * Idempotent: revoking a revoked key answers the key with its first revocation time. A key of
 * another tenant is NOT_FOUND, like a key that never existed.
 */
@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    private readonly keys: ApiKeyStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(input: RevokeApiKeyInput): Promise<ApiKeyView> {
    const key = await this.keys.revoke(input.tenantId, input.keyId);
    if (!key) throw apiKeyNotFound();
    this.logger.info({ tenantId: key.tenantId, keyId: key.id, actor: input.actor }, 'API key revoked');
    return key;
  }
}
