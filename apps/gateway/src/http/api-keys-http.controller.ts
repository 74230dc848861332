import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toApiKeyMessage } from '../auth/api-key.mapper';
import { createApiKeySchema, listApiKeysSchema, revokeApiKeySchema } from '../auth/api-key.schemas';
import { Authorizer } from '../auth/authorizer';
import { actorOf } from '../auth/principal';
import { CreateApiKeyUseCase } from '../use-cases/create-api-key/create-api-key.use-case';
import { ListApiKeysUseCase } from '../use-cases/list-api-keys/list-api-keys.use-case';
import { RevokeApiKeyUseCase } from '../use-cases/revoke-api-key/revoke-api-key.use-case';
import { bodyWithPath } from './body-with-path';

/**
 * A tenant's API keys; the tenant's admin keys and the operator manage them. Rotation: create a
 * new key, switch the backend to it, revoke the old one.
 */
@Controller('v1/tenants/:tenantId/api-keys')
export class ApiKeysHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly createApiKeyUseCase: CreateApiKeyUseCase,
    private readonly listApiKeysUseCase: ListApiKeysUseCase,
    private readonly revokeApiKeyUseCase: RevokeApiKeyUseCase,
  ) {}

  /** POST /v1/tenants/{tenantId}/api-keys {name, scope}: the answer holds the secret, once. */
  @Post()
  @HttpCode(201)
  @Header('cache-control', 'no-store')
  async create(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(createApiKeySchema.strict(), bodyWithPath(body, { tenantId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    const created = await this.createApiKeyUseCase.execute({ ...input, actor: actorOf(principal) });
    return gatewayV1.CreateApiKeyResponse.toJSON({
      key: toApiKeyMessage(created.key),
      secret: created.secret,
    });
  }

  /** GET /v1/tenants/{tenantId}/api-keys */
  @Get()
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(listApiKeysSchema, { tenantId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    const keys = await this.listApiKeysUseCase.execute(input);
    return gatewayV1.ListApiKeysResponse.toJSON({ keys: keys.map(toApiKeyMessage) });
  }

  /** DELETE /v1/tenants/{tenantId}/api-keys/{keyId}: revokes it; repeating it changes nothing. */
  @Delete(':keyId')
  async revoke(
    @Headers('authorization') authorization: string | undefined,
    @Param('tenantId') tenantId: string,
    @Param('keyId') keyId: string,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(revokeApiKeySchema, { tenantId, keyId });
    this.auth.authorize(principal, input.tenantId, 'admin');
    const key = await this.revokeApiKeyUseCase.execute({ ...input, actor: actorOf(principal) });
    return gatewayV1.RevokeApiKeyResponse.toJSON({ key: toApiKeyMessage(key) });
  }
}
