import { type DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@portcullis/contracts';
import { kafkaProviders, outboxProviders } from '@portcullis/messaging';
import { loggerProvider, type Logger } from '@portcullis/observability';
import { persistenceProviders } from '@portcullis/persistence';
import type { DeliveryConfig } from './config/delivery.config';
import { DELIVERY_MIGRATIONS } from './persistence/migrations';

/** Platform wiring of the delivery service: its database (migrated), Kafka and outbox relay. */
@Module({})
export class DeliveryModule {
  static register(config: DeliveryConfig, logger: Logger): DynamicModule {
    return {
      module: DeliveryModule,
      providers: [
        loggerProvider(logger),
        ...persistenceProviders(
          {
            serverUrl: config.DATABASE_URL,
            database: config.DATABASE_NAME,
            entities: [],
            migrations: DELIVERY_MIGRATIONS,
            applicationName: 'delivery',
          },
          config.MIGRATE_ON_BOOT,
        ),
        ...kafkaProviders({
          clientId: 'delivery',
          brokers: config.KAFKA_BROKERS,
          topics: [TOPICS.deliveryEvents],
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
