import type { Provider, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { KeyedHasher } from '@portcullis/crypto';
import { LOGGER, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, databaseUrl } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/gateway.config';
import { ApiKeysHttpController } from '../http/api-keys-http.controller';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { SqlApiKeys } from '../persistence/sql-api-keys';
import { SqlIdempotencyRecords } from '../persistence/sql-idempotency-records';
import { CreateApiKeyUseCase } from '../use-cases/create-api-key/create-api-key.use-case';
import { ListApiKeysUseCase } from '../use-cases/list-api-keys/list-api-keys.use-case';
import { RevokeApiKeyUseCase } from '../use-cases/revoke-api-key/revoke-api-key.use-case';
import { ApiKeyHasher, ApiKeyStore } from './api-key';
import { Authorizer, GatewayAuthorizer } from './authorizer';
import { IdempotencyCrypto } from './idempotency-crypto';
import { IdempotencyRecords } from './idempotency-records';
import { InMemoryRateLimiter, RateLimiter } from './rate-limiter';

/** Idempotency records are honoured for a day. */
const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;
/** Longer than any request runs (peer calls have deadlines of seconds); then a claim is abandoned. */
const IDEMPOTENCY_LEASE_SECONDS = 120;

/** Who may call: the operator token, tenants' API keys, rate limits, idempotency. */
export function authProviders(config: GatewayConfig): Provider[] {
  // One pepper, separated by context: API key hashes, request hashes, response-sealing keys.
  const hasher = new KeyedHasher(Buffer.from(config.GATEWAY_API_KEY_PEPPER, 'utf8'));
  return [
    { provide: ApiKeyHasher, useValue: new ApiKeyHasher(hasher) },
    { provide: IdempotencyCrypto, useValue: new IdempotencyCrypto(hasher) },
    { provide: RateLimiter, useValue: new InMemoryRateLimiter() },
    {
      provide: ApiKeyStore,
      useFactory: (ds: DataSource, log: Logger) =>
        new SqlApiKeys(
          ds,
          {
            listenUrl: databaseUrl(config.DATABASE_URL, config.DATABASE_NAME),
            maxEntries: 10_000,
            ttlMs: 60_000,
          },
          log.child({ component: 'api-keys' }),
        ),
      inject: [DATA_SOURCE, LOGGER],
    },
    {
      provide: Authorizer,
      useFactory: (keys: ApiKeyStore, keyHasher: ApiKeyHasher, limiter: RateLimiter, log: Logger) =>
        new GatewayAuthorizer(
          {
            operatorToken: config.GATEWAY_ADMIN_TOKEN,
            rateLimitPerKey: config.RATE_LIMIT_PER_KEY,
            rateLimitPerEndUserIp: config.RATE_LIMIT_PER_END_USER_IP,
          },
          keys,
          keyHasher,
          limiter,
          log.child({ component: 'authorizer' }),
        ),
      inject: [ApiKeyStore, ApiKeyHasher, RateLimiter, LOGGER],
    },
    {
      provide: IdempotencyRecords,
      useFactory: (ds: DataSource) =>
        new SqlIdempotencyRecords(ds, {
          retentionSeconds: IDEMPOTENCY_RETENTION_SECONDS,
          leaseSeconds: IDEMPOTENCY_LEASE_SECONDS,
        }),
      inject: [DATA_SOURCE],
    },
    CreateApiKeyUseCase,
    ListApiKeysUseCase,
    RevokeApiKeyUseCase,
    // Global, HTTP only (it passes gRPC calls through).
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ];
}

/** HTTP controllers of the auth module (API keys). */
export const AUTH_CONTROLLERS: Type[] = [ApiKeysHttpController];
