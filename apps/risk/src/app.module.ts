import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import {
  EventConsumer,
  FAULT_INJECTOR,
  type FaultInjector,
  KAFKA,
  kafkaProviders,
  OUTBOX_WRITER,
  type OutboxWriter,
  outboxProviders,
} from '@portcullis/messaging';
import { LOGGER, loggerProvider, readinessProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, databaseUrl, persistenceProviders } from '@portcullis/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { RiskConfig } from './config/risk.config';
import { Clock, RiskMetrics, RiskReadModel, RiskUnitOfWork } from './domain/ports';
import { RiskSettings } from './domain/risk-settings';
import { createAlertWebhookConsumer } from './events/alert-webhook.consumer';
import { createAttemptEventsConsumer } from './events/attempt-events.consumer';
import { createDeliveryEventsConsumer } from './events/delivery-events.consumer';
import { GeoLocator } from './geo/geo-locator';
import { RiskGrpcController } from './grpc/risk.controller';
import { OtelRiskMetrics } from './metrics/otel-risk-metrics';
import { CachedRiskReadModel } from './persistence/cached-risk-read-model';
import { RISK_MIGRATIONS } from './persistence/migrations';
import { RiskRetention } from './persistence/risk-retention';
import { SqlRiskUnitOfWork } from './persistence/sql-risk-unit-of-work';
import { RiskScorer } from './scoring/risk-scorer';
import { ThreatFeeds } from './signals/ip-reputation/threat-feeds';
import { riskSignals } from './signals/risk-signals';
import { GetRiskPolicyUseCase } from './use-cases/get-risk-policy/get-risk-policy.use-case';
import { GetRiskStatusUseCase } from './use-cases/get-risk-status/get-risk-status.use-case';
import { RecordDeliveryOutcomeUseCase } from './use-cases/record-delivery-outcome/record-delivery-outcome.use-case';
import { RecordFailureUseCase } from './use-cases/record-failure/record-failure.use-case';
import { RecordRecoveryUseCase } from './use-cases/record-recovery/record-recovery.use-case';
import { RecordSignInUseCase } from './use-cases/record-sign-in/record-sign-in.use-case';
import { ScoreAttemptUseCase } from './use-cases/score-attempt/score-attempt.use-case';
import { SetRiskPolicyUseCase } from './use-cases/set-risk-policy/set-risk-policy.use-case';

const ATTEMPTS_CONSUMER = Symbol('ATTEMPTS_CONSUMER');
const DELIVERY_CONSUMER = Symbol('DELIVERY_CONSUMER');
const WEBHOOK_CONSUMER = Symbol('WEBHOOK_CONSUMER');

export function riskSettingsOf(config: RiskConfig): RiskSettings {
  return {
    velocity: {
      windowSeconds: config.RISK_VELOCITY_WINDOW_SECONDS,
      ipFailures: config.RISK_IP_FAILURES,
      ipUsers: config.RISK_IP_DISTINCT_USERS,
      subnetFailures: config.RISK_SUBNET_FAILURES,
      userFailures: config.RISK_USER_FAILURES,
      userIps: config.RISK_USER_DISTINCT_IPS,
      tenantWindowSeconds: config.RISK_TENANT_WINDOW_SECONDS,
      tenantFailures: config.RISK_TENANT_FAILURES,
    },
    alerts: {
      cooldownSeconds: config.RISK_ALERT_COOLDOWN_SECONDS,
      tollFraudRefusals: config.RISK_TOLL_FRAUD_REFUSALS,
      tollFraudWindowSeconds: config.RISK_TOLL_FRAUD_WINDOW_SECONDS,
    },
    profileRetentionMs: config.RISK_PROFILE_RETENTION_DAYS * 86_400_000,
  };
}

/** What scoring reads besides the database: feeds (loaded) and the geolocation databases (open). */
export interface RiskSources {
  readonly feeds: ThreatFeeds;
  readonly geo: GeoLocator;
}

@Module({})
export class RiskModule {
  static register(config: RiskConfig, logger: Logger, sources: RiskSources): DynamicModule {
    const settings = riskSettingsOf(config);
    const consumerProviders = [
      {
        provide: ATTEMPTS_CONSUMER,
        useFactory: (
          kafka: Kafka,
          ds: DataSource,
          signIn: RecordSignInUseCase,
          failure: RecordFailureUseCase,
          recovery: RecordRecoveryUseCase,
          log: Logger,
          faults: FaultInjector,
        ): EventConsumer =>
          createAttemptEventsConsumer(
            kafka,
            ds,
            config.RISK_CONSUMER_GROUP,
            { signIn, failure, recovery },
            log,
            faults,
          ),
        inject: [
          KAFKA,
          DATA_SOURCE,
          RecordSignInUseCase,
          RecordFailureUseCase,
          RecordRecoveryUseCase,
          LOGGER,
          FAULT_INJECTOR,
        ],
      },
      {
        provide: DELIVERY_CONSUMER,
        useFactory: (
          kafka: Kafka,
          ds: DataSource,
          record: RecordDeliveryOutcomeUseCase,
          log: Logger,
          faults: FaultInjector,
        ): EventConsumer =>
          createDeliveryEventsConsumer(kafka, ds, config.RISK_CONSUMER_GROUP, record, log, faults),
        inject: [KAFKA, DATA_SOURCE, RecordDeliveryOutcomeUseCase, LOGGER, FAULT_INJECTOR],
      },
    ];
    const webhook = config.RISK_ALERT_WEBHOOK_URL
      ? [
          {
            provide: WEBHOOK_CONSUMER,
            useFactory: (kafka: Kafka, ds: DataSource, log: Logger, faults: FaultInjector): EventConsumer =>
              createAlertWebhookConsumer(
                kafka,
                ds,
                config.RISK_CONSUMER_GROUP,
                {
                  url: config.RISK_ALERT_WEBHOOK_URL!,
                  secret: config.RISK_ALERT_WEBHOOK_SECRET!,
                  timeoutMs: config.RISK_ALERT_WEBHOOK_TIMEOUT_MS,
                },
                log,
                faults,
              ),
            inject: [KAFKA, DATA_SOURCE, LOGGER, FAULT_INJECTOR],
          },
        ]
      : [];
    return {
      module: RiskModule,
      controllers: [RiskGrpcController],
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
            migrations: RISK_MIGRATIONS,
            applicationName: 'risk',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'risk',
          brokers: config.KAFKA_BROKERS,
          topics: [TOPICS.riskEvents],
          faultPoints: config.FAULT_POINTS,
        }),
        ...outboxProviders({
          pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
          serverUrl: config.DATABASE_URL,
          database: config.DATABASE_NAME,
        }),
        { provide: RiskSettings, useValue: settings },
        { provide: Clock, useValue: { now: () => new Date() } satisfies Clock },
        { provide: RiskMetrics, useFactory: () => new OtelRiskMetrics() },
        { provide: ThreatFeeds, useValue: sources.feeds },
        { provide: GeoLocator, useValue: sources.geo },
        {
          provide: RiskScorer,
          useValue: new RiskScorer(
            riskSignals(sources.feeds, {
              anonymizerAsns: config.RISK_ANONYMIZER_ASNS,
              hostingAsns: config.RISK_HOSTING_ASNS,
              maxTravelSpeedKmh: config.RISK_MAX_TRAVEL_KMH,
              minTravelDistanceKm: config.RISK_MIN_TRAVEL_KM,
            }),
          ),
        },
        {
          provide: RiskUnitOfWork,
          useFactory: (ds: DataSource, outbox: OutboxWriter) => new SqlRiskUnitOfWork(ds, outbox),
          inject: [DATA_SOURCE, OUTBOX_WRITER],
        },
        {
          provide: RiskReadModel,
          useFactory: (ds: DataSource, log: Logger) =>
            new CachedRiskReadModel(
              ds,
              {
                listenUrl: databaseUrl(config.DATABASE_URL, config.DATABASE_NAME),
                maxProfiles: config.RISK_PROFILE_CACHE_SIZE,
                ttlMs: config.RISK_PROFILE_CACHE_TTL_SECONDS * 1000,
              },
              log.child({ component: 'risk-read-model' }),
            ),
          inject: [DATA_SOURCE, LOGGER],
        },
        {
          provide: RiskRetention,
          useFactory: (ds: DataSource, log: Logger) =>
            new RiskRetention(
              ds,
              {
                profileRetentionMs: settings.profileRetentionMs,
                failureRetentionMs: 86_400_000,
                intervalMs: 10 * 60_000,
              },
              log.child({ component: 'risk-retention' }),
            ),
          inject: [DATA_SOURCE, LOGGER],
        },
        ScoreAttemptUseCase,
        GetRiskPolicyUseCase,
        SetRiskPolicyUseCase,
        GetRiskStatusUseCase,
        RecordSignInUseCase,
        RecordFailureUseCase,
        RecordRecoveryUseCase,
        RecordDeliveryOutcomeUseCase,
        ...consumerProviders,
        ...webhook,
      ],
    };
  }
}
