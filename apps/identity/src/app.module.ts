import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { kafkaProviders, OUTBOX_WRITER, type OutboxWriter, outboxProviders } from '@portcullis/messaging';
import { loggerProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, persistenceProviders } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { IdentityConfig } from './config/identity.config';
import { Clock, IdGenerator, IdentityUnitOfWork } from './domain/ports';
import { IdentityGrpcController } from './grpc/identity.controller';
import { IDENTITY_MIGRATIONS } from './persistence/migrations';
import { SqlIdentityUnitOfWork } from './persistence/sql-identity-unit-of-work';
import { CreateTenantUseCase } from './use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from './use-cases/create-user/create-user.use-case';
import { GetTenantUseCase } from './use-cases/get-tenant/get-tenant.use-case';
import { GetUserUseCase } from './use-cases/get-user/get-user.use-case';

@Module({})
export class IdentityModule {
  static register(config: IdentityConfig, logger: Logger): DynamicModule {
    return {
      module: IdentityModule,
      controllers: [IdentityGrpcController],
      providers: [
        loggerProvider(logger),
        ...persistenceProviders(
          {
            serverUrl: config.DATABASE_URL,
            database: config.DATABASE_NAME,
            entities: [],
            migrations: IDENTITY_MIGRATIONS,
            applicationName: 'identity',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'identity',
          brokers: config.KAFKA_BROKERS,
          topics: [TOPICS.identityEvents],
          faultPoints: config.FAULT_POINTS,
        }),
        ...outboxProviders({
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
          serverUrl: config.DATABASE_URL,
          database: config.DATABASE_NAME,
        }),
        {
          provide: IdentityUnitOfWork,
          useFactory: (ds: DataSource, outbox: OutboxWriter) => new SqlIdentityUnitOfWork(ds, outbox),
          inject: [DATA_SOURCE, OUTBOX_WRITER],
        },
        { provide: Clock, useValue: { now: () => new Date() } satisfies Clock },
        { provide: IdGenerator, useValue: { next: () => randomUUID() } satisfies IdGenerator },
        CreateTenantUseCase,
        GetTenantUseCase,
        CreateUserUseCase,
        GetUserUseCase,
      ],
    };
  }
}
