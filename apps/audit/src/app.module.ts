import { type DynamicModule, Module } from '@nestjs/common';
import { DOMAIN_EVENT_TOPICS } from '@portcullis/contracts';
import {
  EventConsumer,
  FAULT_INJECTOR,
  type FaultInjector,
  KAFKA,
  kafkaProviders,
} from '@portcullis/messaging';
import { LOGGER, loggerProvider, type Logger } from '@portcullis/observability';
import { DATA_SOURCE, persistenceProviders } from '@portcullis/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { AuditConfig } from './config/audit.config';
import { AuditLog } from './domain/ports';
import { createAuditEventConsumer } from './events/audit-event.consumer';
import { AuditGrpcController } from './grpc/audit.controller';
import { AUDIT_MIGRATIONS } from './persistence/migrations';
import { SqlAuditLog } from './persistence/sql-audit-log';
import { ListAuditEventsUseCase } from './use-cases/list-audit-events/list-audit-events.use-case';
import { RecordAuditEventUseCase } from './use-cases/record-audit-event/record-audit-event.use-case';

@Module({})
export class AuditModule {
  static register(config: AuditConfig, logger: Logger): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditGrpcController],
      providers: [
        loggerProvider(logger),
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
          topics: DOMAIN_EVENT_TOPICS,
          faultPoints: config.FAULT_POINTS,
        }),
        { provide: AuditLog, useFactory: (ds: DataSource) => new SqlAuditLog(ds), inject: [DATA_SOURCE] },
        RecordAuditEventUseCase,
        ListAuditEventsUseCase,
        {
          provide: EventConsumer,
          useFactory: (
            kafka: Kafka,
            ds: DataSource,
            record: RecordAuditEventUseCase,
            log: Logger,
            faults: FaultInjector,
          ) => createAuditEventConsumer(kafka, ds, config.AUDIT_CONSUMER_GROUP, record, log, faults),
          inject: [KAFKA, DATA_SOURCE, RecordAuditEventUseCase, LOGGER, FAULT_INJECTOR],
        },
      ],
    };
  }
}
