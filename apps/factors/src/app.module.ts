import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { kafkaProviders, outboxProviders } from '@portcullis/messaging';
import { loggerProvider, type Logger } from '@portcullis/observability';
import { persistenceProviders } from '@portcullis/persistence';
import type { FactorsConfig } from './config/factors.config';
import { FACTORS_MIGRATIONS } from './persistence/migrations';

/** Platform wiring of the factors service: its database (migrated), Kafka and outbox relay. */
@Module({})
export class FactorsModule {
  static register(config: FactorsConfig, logger: Logger): DynamicModule {
    return {
      module: FactorsModule,
      providers: [
        loggerProvider(logger),
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
          topics: [TOPICS.factorsEvents],
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
