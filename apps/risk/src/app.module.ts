import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { kafkaProviders, outboxProviders } from '@portcullis/messaging';
import { loggerProvider, type Logger } from '@portcullis/observability';
import { persistenceProviders } from '@portcullis/persistence';
import type { RiskConfig } from './config/risk.config';
import { RISK_MIGRATIONS } from './persistence/migrations';

/** Platform wiring of the risk service: its database (migrated), Kafka and outbox relay. */
@Module({})
export class RiskModule {
  static register(config: RiskConfig, logger: Logger): DynamicModule {
    return {
      module: RiskModule,
      providers: [
        loggerProvider(logger),
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
      ],
    };
  }
}
