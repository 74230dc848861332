import { type gatewayV1, toTimestamp } from '@portcullis/contracts';
import type { ApiKeyView } from './api-key';

/** An API key as the public ApiKey message (HTTP sends its proto3 JSON form). */
export function toApiKeyMessage(k: ApiKeyView): gatewayV1.ApiKey {
  return {
    id: k.id,
    tenantId: k.tenantId,
    name: k.name,
    scope: k.scope,
    prefix: k.prefix,
    createTime: toTimestamp(k.createdAt),
    revokeTime: k.revokedAt ? toTimestamp(k.revokedAt) : undefined,
    lastUseTime: k.lastUsedAt ? toTimestamp(k.lastUsedAt) : undefined,
  };
}
