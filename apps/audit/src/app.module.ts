import { type DynamicModule, Module } from '@nestjs/common';
import { DOMAIN_EVENT_TOPICS, TOPICS } from '@portcullis/contracts';
import {
  EventConsumer,
  FAULT_INJECTOR,
  type FaultInjector,
  KAFKA,
  kafkaProviders,
} from '@portcullis/messaging';
import { LOGGER, loggerProvider, readinessProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, persistenceProviders } from '@portcullis/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { AuditConfig } from './config/audit.config';
import { AuditLog } from './domain/ports';
import { AnalystPublisher } from './events/analyst-publisher';
import { createAuditEventConsumer } from './events/audit-event.consumer';
import { AuditGrpcController } from './grpc/audit.controller';
import { KpiGrpcController, kpiProviders } from './kpi.providers';
import { AuditMaintenance } from './persistence/audit-maintenance';
import { AUDIT_MIGRATIONS } from './persistence/migrations';
import { SqlAnalystFeed } from './persistence/sql-analyst-feed';
import { SqlAuditLog } from './persistence/sql-audit-log';
import { ExportAuditEventsUseCase } from './use-cases/export-audit-events/export-audit-events.use-case';
import { ListAuditEventsUseCase } from './use-cases/list-audit-events/list-audit-events.use-case';
import { RecordAuditEventsUseCase } from './use-cases/record-audit-events/record-audit-events.use-case';
import { VerifyAuditChainUseCase } from './use-cases/verify-audit-chain/verify-audit-chain.use-case';

/** Seams tests replace: the clock that stamps records and drives retention. */
export interface AuditModuleOverrides {
  readonly clock?: () => Date;
}

@Module({})
export class AuditModule {
  static register(config: AuditConfig, logger: Logger, overrides: AuditModuleOverrides = {}): DynamicModule {
    const clock = overrides.clock ?? (() => new Date());
    return {
      module: AuditModule,
      controllers: [AuditGrpcController, KpiGrpcController],
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
            migrations: AUDIT_MIGRATIONS,
            applicationName: 'audit',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'audit',
          brokers: config.KAFKA_BROKERS,
          topics: [...DOMAIN_EVENT_TOPICS, TOPICS.auditAnalyst],
          faultPoints: config.FAULT_POINTS,
        }),
        // The analysts' topic, published from the chains themselves (no outbox copy).
        {
          provide: SqlAnalystFeed,
          useFactory: (ds: DataSource) => new SqlAnalystFeed(ds),
          inject: [DATA_SOURCE],
        },
        {
          provide: AnalystPublisher,
          useFactory: (feed: SqlAnalystFeed, kafka: Kafka, log: Logger, faults: FaultInjector) =>
            new AnalystPublisher(
              feed,
              kafka,
              { pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS, batchSize: 500 },
              log.child({ component: 'analyst-publisher' }),
              faults,
            ),
          inject: [SqlAnalystFeed, KAFKA, LOGGER, FAULT_INJECTOR],
        },
        {
          provide: AuditLog,
          useFactory: (ds: DataSource) => new SqlAuditLog(ds, clock),
          inject: [DATA_SOURCE],
        },
        {
          provide: AuditMaintenance,
          useFactory: (ds: DataSource, log: Logger) =>
            new AuditMaintenance(
              ds,
              {
                retentionDays: config.AUDIT_RETENTION_DAYS,
                ipRetentionDays: config.AUDIT_IP_RETENTION_DAYS,
                intervalMs: config.AUDIT_MAINTENANCE_INTERVAL_MS,
              },
              log.child({ component: 'audit-maintenance' }),
              clock,
            ),
          inject: [DATA_SOURCE, LOGGER],
        },
        ...kpiProviders(clock),
        RecordAuditEventsUseCase,
        ListAuditEventsUseCase,
        ExportAuditEventsUseCase,
        VerifyAuditChainUseCase,
        {
          provide: EventConsumer,
          useFactory: (
            kafka: Kafka,
            ds: DataSource,
            record: RecordAuditEventsUseCase,
            log: Logger,
            faults: FaultInjector,
          ) =>
            createAuditEventConsumer(
              kafka,
              ds,
              {
                groupId: config.AUDIT_CONSUMER_GROUP,
                batchSize: config.AUDIT_BATCH_SIZE,
                lanes: config.AUDIT_LANES,
              },
              record,
              log,
              faults,
            ),
          inject: [KAFKA, DATA_SOURCE, RecordAuditEventsUseCase, LOGGER, FAULT_INJECTOR],
        },
      ],
    };
  }
}
