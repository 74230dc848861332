import { decodeEventPayload, TOPICS } from '@portcullis/contracts';
import { EventConsumer, type FaultInjector } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import { joinTransaction } from '@portcullis/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { RecordDeliveryOutcomeUseCase } from '../use-cases/record-delivery-outcome/record-delivery-outcome.use-case';

/** Toll-fraud suspicion from delivery's refusals and burst alerts. */
export function createDeliveryEventsConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  groupId: string,
  record: RecordDeliveryOutcomeUseCase,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId: `${groupId}-delivery`,
      topics: [TOPICS.deliveryEvents],
      accepts: (type) => type === 'delivery.message.refused' || type === 'delivery.fraud.alert_raised',
      handler: (event, manager) =>
        joinTransaction(manager, async () => {
          if (event.type === 'delivery.message.refused') {
            const e = decodeEventPayload(event.type, event.payload);
            await record.execute({
              kind: 'refused',
              tenantId: e.tenantId,
              reason: e.reason,
              country: e.country,
              at: event.occurredAt,
            });
          } else if (event.type === 'delivery.fraud.alert_raised') {
            const e = decodeEventPayload(event.type, event.payload);
            await record.execute({
              kind: 'fraud_alert',
              tenantId: e.tenantId,
              scope: e.scope,
              key: e.key,
              count: e.count,
              windowSeconds: e.windowSeconds,
              at: event.occurredAt,
            });
          }
        }),
    },
    logger.child({ component: 'delivery-events-consumer' }),
    faults,
  );
}
