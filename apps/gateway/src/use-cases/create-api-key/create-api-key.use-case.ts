import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@portcullis/observability';
import { ApiKeyHasher, ApiKeyStore, type ApiKeyView, generateApiKey } from '../../auth/api-key';
import type { Scope } from '../../auth/principal';

export interface CreateApiKeyInput {
  readonly tenantId: string;
  readonly name: string;
  readonly scope: Scope;
  /** Who asked (actorOf(principal)), for the log. */
  readonly actor: string;
}

export interface CreatedApiKey {
  readonly key: ApiKeyView;
  /** The whole key (`pcs_<id>_<secret>`): returned now and never again; only its hash is stored. */
  readonly secret: string;
}

/**
 * Issues a tenant API key. Keys do not expire and cannot be changed; rotation is: create a new
 * key, switch the product backend to it, then revoke the old one (both work in between, so
 * nothing fails during the switch).
 */
@Injectable()
export class CreateApiKeyUseCase {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly hasher: ApiKeyHasher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const generated = generateApiKey();
    const key = await this.keys.insert({
      id: generated.id,
      tenantId: input.tenantId,
      name: input.name,
      scope: input.scope,
      keyHash: this.hasher.hash(generated.key),
      prefix: generated.prefix,
    });
    this.logger.info(
      { tenantId: key.tenantId, keyId: key.id, scope: key.scope, actor: input.actor },
      'API key created',
    );
    return { key, secret: generated.key };
  }
}
