import type { Provider } from '@nestjs/common';
import { DATA_SOURCE, databaseUrl } from '@portcullis/persistence';
import { LOGGER, type Logger, Readiness } from '@portcullis/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { type FaultInjector, faultInjectorFrom } from './fault-points';
import { createKafka, ensureTopics, kafkaReadinessCheck } from './kafka';
import { OutboxRelay } from './outbox-relay';
import { type OutboxWriter, SqlOutboxWriter } from './outbox-writer';

export const KAFKA = Symbol('KAFKA');
export const OUTBOX_WRITER = Symbol('OUTBOX_WRITER');
export const FAULT_INJECTOR = Symbol('FAULT_INJECTOR');
export const KAFKA_READINESS = Symbol('KAFKA_READINESS');

export interface MessagingSettings {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Topics this service produces to or consumes from; created at boot when missing. */
  readonly topics: readonly string[];
  readonly partitions?: number;
  /** FAULT_POINTS, for fault-injection tests only. */
  readonly faultPoints?: string;
}

/** The Kafka client (topics ensured at boot), its readiness check and the fault injector. */
export function kafkaProviders(settings: MessagingSettings): Provider[] {
  return [
    {
      provide: KAFKA,
      useFactory: async (logger: Logger): Promise<Kafka> => {
        const kafka = createKafka({ brokers: settings.brokers, clientId: settings.clientId, logger });
        await ensureTopics(kafka, settings.topics, settings.partitions ?? 3);
        return kafka;
      },
      inject: [LOGGER],
    },
    {
      provide: KAFKA_READINESS,
      useFactory: (readiness: Readiness) =>
        readiness.add(kafkaReadinessCheck({ brokers: settings.brokers, clientId: settings.clientId })),
      inject: [Readiness],
    },
    { provide: FAULT_INJECTOR, useValue: faultInjectorFrom(settings.faultPoints) },
  ];
}

export interface OutboxSettings {
  readonly pollIntervalMs: number;
  /** Server URL + database, for the relay's LISTEN connection. */
  readonly serverUrl: string;
  readonly database: string;
}

/** Outbox writer for use-cases and the relay that publishes what they committed. */
export function outboxProviders(settings: OutboxSettings): Provider[] {
  return [
    { provide: OUTBOX_WRITER, useValue: new SqlOutboxWriter() satisfies OutboxWriter },
    {
      provide: OutboxRelay,
      useFactory: (ds: DataSource, kafka: Kafka, logger: Logger, faults: FaultInjector) =>
        new OutboxRelay(
          ds,
          kafka,
          {
            pollIntervalMs: settings.pollIntervalMs,
            listenUrl: databaseUrl(settings.serverUrl, settings.database),
          },
          logger.child({ component: 'outbox-relay' }),
          faults,
        ),
      inject: [DATA_SOURCE, KAFKA, LOGGER, FAULT_INJECTOR],
    },
  ];
}
