import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { KeyedHasher } from '@portcullis/crypto';
import { kafkaProviders, OUTBOX_WRITER, type OutboxWriter, outboxProviders } from '@portcullis/messaging';
import { LOGGER, loggerProvider, readinessProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, persistenceProviders } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { IdentityConfig } from './config/identity.config';
import { Argon2PasswordHasher } from './crypto/argon2-password-hasher';
import { KeyedLoginHasher } from './crypto/keyed-login-hasher';
import {
  Clock,
  IdGenerator,
  IdentityUnitOfWork,
  LoginHasher,
  PasswordHasher,
  PasswordThrottle,
} from './domain/ports';
import { IdentityGrpcController } from './grpc/identity.controller';
import { IDENTITY_MIGRATIONS } from './persistence/migrations';
import { PasswordFailureRetention } from './persistence/password-failure-retention';
import { SqlIdentityUnitOfWork } from './persistence/sql-identity-unit-of-work';
import { SqlPasswordThrottle } from './persistence/sql-password-throttle';
import { CreateTenantUseCase } from './use-cases/create-tenant/create-tenant.use-case';
import { CreateUserUseCase } from './use-cases/create-user/create-user.use-case';
import { DisableUserUseCase } from './use-cases/disable-user/disable-user.use-case';
import { GetTenantUseCase } from './use-cases/get-tenant/get-tenant.use-case';
import { GetUserUseCase } from './use-cases/get-user/get-user.use-case';
import { LockUserUseCase } from './use-cases/lock-user/lock-user.use-case';
import { SetPasswordUseCase } from './use-cases/set-password/set-password.use-case';
import { UnlockUserUseCase } from './use-cases/unlock-user/unlock-user.use-case';
import { VerifyPasswordUseCase } from './use-cases/verify-password/verify-password.use-case';

/** Replaceable in tests (e.g. to prove rehash-on-verify with other parameters). */
export interface IdentityOverrides {
  readonly passwordHasher?: PasswordHasher;
}

@Module({})
export class IdentityModule {
  static register(config: IdentityConfig, logger: Logger, overrides: IdentityOverrides = {}): DynamicModule {
    const throttle = {
      maxFailures: config.PASSWORD_MAX_FAILURES,
      windowSeconds: config.PASSWORD_FAILURE_WINDOW_SECONDS,
    };
    return {
      module: IdentityModule,
      controllers: [IdentityGrpcController],
      providers: [
        loggerProvider(logger),
        readinessProvider({
          intervalMs: config.READINESS_CHECK_INTERVAL_MS,
          timeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
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
        {
          provide: PasswordThrottle,
          useFactory: (ds: DataSource) => new SqlPasswordThrottle(ds, throttle),
          inject: [DATA_SOURCE],
        },
        {
          provide: PasswordFailureRetention,
          useFactory: (ds: DataSource, log: Logger) =>
            new PasswordFailureRetention(
              ds,
              throttle.windowSeconds,
              log.child({ component: 'password-failure-retention' }),
            ),
          inject: [DATA_SOURCE, LOGGER],
        },
        { provide: PasswordHasher, useValue: overrides.passwordHasher ?? new Argon2PasswordHasher() },
        {
          provide: LoginHasher,
          useValue: new KeyedLoginHasher(new KeyedHasher(Buffer.from(config.IDENTITY_HASH_KEY, 'utf8'))),
        },
        { provide: Clock, useValue: { now: () => new Date() } satisfies Clock },
        { provide: IdGenerator, useValue: { next: () => randomUUID() } satisfies IdGenerator },
        CreateTenantUseCase,
        GetTenantUseCase,
        CreateUserUseCase,
        GetUserUseCase,
        SetPasswordUseCase,
        VerifyPasswordUseCase,
        LockUserUseCase,
        UnlockUserUseCase,
        DisableUserUseCase,
      ],
    };
  }
}
