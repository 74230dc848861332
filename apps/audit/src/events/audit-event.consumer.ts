import { DOMAIN_EVENT_TOPICS } from '@portcullis/contracts';
import { EventConsumer, type FaultInjector } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { RecordAuditEventsUseCase } from '../use-cases/record-audit-events/record-audit-events.use-case';

/**
 * Every domain topic, every event type, into the audit log: exactly once per event id, in batches
 * of up to `batchSize` split into `lanes` by tenant, one transaction per lane (one bad event
 * falls back to one-at-a-time and is parked).
 */
export function createAuditEventConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  settings: { readonly groupId: string; readonly batchSize: number; readonly lanes: number },
  record: RecordAuditEventsUseCase,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId: settings.groupId,
      topics: DOMAIN_EVENT_TOPICS,
      accepts: () => true,
      handler: async (event, manager) => {
        await record.execute([event], manager);
      },
      batchHandler: async (events, manager) => {
        await record.execute(events, manager);
      },
      maxBatchSize: settings.batchSize,
      // A tenant's chain and KPI rows are locked while a batch writes them: lanes by tenant never
      // wait on each other within a chunk (chunks of different partitions still may).
      batchLanes: { count: settings.lanes, keyOf: (event) => event.tenantId },
    },
    logger.child({ component: 'audit-consumer' }),
    faults,
  );
}
