import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { EnvelopeCipher, KeyedHasher, parseKeyRing } from '@portcullis/crypto';
import { kafkaProviders, OUTBOX_WRITER, type OutboxWriter, outboxProviders } from '@portcullis/messaging';
import { loggerProvider, readinessProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, persistenceProviders } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { FactorsConfig } from './config/factors.config';
import { defaultFactorPolicy } from './domain/factor-policy';
import {
  AttemptLimiter,
  ChallengeMetrics,
  Clock,
  CodeHasher,
  CodeSealer,
  FactorsUnitOfWork,
  IdGenerator,
  PolicyDefaultsProvider,
} from './domain/ports';
import { FactorsGrpcController } from './grpc/factors.controller';
import { OtelChallengeMetrics } from './metrics/otel-challenge-metrics';
import { FACTORS_MIGRATIONS } from './persistence/migrations';
import { SqlAttemptLimiter } from './persistence/sql-attempt-limiter';
import { SqlFactorsUnitOfWork } from './persistence/sql-factors-unit-of-work';
import { strategyProviders } from './strategies';
import { ActivateFactorUseCase } from './use-cases/activate-factor/activate-factor.use-case';
import { BeginEnrollmentUseCase } from './use-cases/begin-enrollment/begin-enrollment.use-case';
import { GetFactorPolicyUseCase } from './use-cases/get-factor-policy/get-factor-policy.use-case';
import { ListFactorsUseCase } from './use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from './use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from './use-cases/reset-factors/reset-factors.use-case';
import { SetFactorPolicyUseCase } from './use-cases/set-factor-policy/set-factor-policy.use-case';
import { StartChallengeUseCase } from './use-cases/start-challenge/start-challenge.use-case';
import { UpdateFactorUseCase } from './use-cases/update-factor/update-factor.use-case';
import { VerifyChallengeUseCase } from './use-cases/verify-challenge/verify-challenge.use-case';
import { ChallengeVerifier } from './verification/challenge-verifier';
import { CodeIssuer } from './verification/code-issuer';
import { FactorChangeGuard } from './verification/factor-change-guard';
import { FactorPolicies } from './verification/factor-policies';

/** The seal of stored factor secrets, from FACTORS_ENCRYPTION_KEYS (also used by rotate-keys). */
export const secretsCipherOf = (config: FactorsConfig) =>
  new EnvelopeCipher(parseKeyRing(config.FACTORS_ENCRYPTION_KEYS));

@Module({})
export class FactorsModule {
  static register(config: FactorsConfig, logger: Logger): DynamicModule {
    const transport = new EnvelopeCipher(parseKeyRing(config.CODE_TRANSPORT_KEYS));
    const hasher = new KeyedHasher(Buffer.from(config.FACTORS_HASH_KEY, 'utf8'));
    const defaults = defaultFactorPolicy({
      rpId: config.WEBAUTHN_RP_ID,
      rpName: config.WEBAUTHN_RP_NAME,
      origins: config.WEBAUTHN_ORIGINS,
      issuer: config.TOTP_ISSUER,
    });
    return {
      module: FactorsModule,
      controllers: [FactorsGrpcController],
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
            migrations: FACTORS_MIGRATIONS,
            applicationName: 'factors',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'factors',
          brokers: config.KAFKA_BROKERS,
          topics: [TOPICS.factorsEvents, TOPICS.factorCodes],
          faultPoints: config.FAULT_POINTS,
        }),
        ...outboxProviders({
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
          serverUrl: config.DATABASE_URL,
          database: config.DATABASE_NAME,
        }),
        {
          provide: FactorsUnitOfWork,
          useFactory: (ds: DataSource, outbox: OutboxWriter) =>
            new SqlFactorsUnitOfWork(ds, outbox, secretsCipherOf(config)),
          inject: [DATA_SOURCE, OUTBOX_WRITER],
        },
        {
          provide: AttemptLimiter,
          useFactory: (ds: DataSource) => new SqlAttemptLimiter(ds),
          inject: [DATA_SOURCE],
        },
        { provide: Clock, useValue: { now: () => new Date() } satisfies Clock },
        { provide: ChallengeMetrics, useFactory: () => new OtelChallengeMetrics() },
        { provide: IdGenerator, useValue: { next: () => randomUUID() } satisfies IdGenerator },
        {
          provide: CodeHasher,
          useValue: {
            hash: (code, context) => hasher.hash(code, context),
            matches: (code, context, expected) => hasher.matches(code, context, expected),
          } satisfies CodeHasher,
        },
        {
          provide: CodeSealer,
          useValue: {
            seal: (codeId, code, destination) => {
              const sealedCode = transport.seal(code, `code:${codeId}`);
              const sealedDestination = transport.seal(destination, `code:${codeId}:destination`);
              return {
                keyId: sealedCode.keyId,
                code: sealedCode.value,
                destination: sealedDestination.value,
              };
            },
          } satisfies CodeSealer,
        },
        {
          provide: PolicyDefaultsProvider,
          useValue: { policy: () => defaults } satisfies PolicyDefaultsProvider,
        },
        ...strategyProviders,
        FactorPolicies,
        FactorChangeGuard,
        ChallengeVerifier,
        CodeIssuer,
        BeginEnrollmentUseCase,
        ActivateFactorUseCase,
        ListFactorsUseCase,
        UpdateFactorUseCase,
        RemoveFactorUseCase,
        ResetFactorsUseCase,
        StartChallengeUseCase,
        VerifyChallengeUseCase,
        GetFactorPolicyUseCase,
        SetFactorPolicyUseCase,
      ],
    };
  }
}
