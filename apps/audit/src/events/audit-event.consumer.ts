import { DOMAIN_EVENT_TOPICS } from '@portcullis/contracts';
import { EventConsumer, type FaultInjector } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { RecordAuditEventUseCase } from '../use-cases/record-audit-event/record-audit-event.use-case';

/** Every domain topic, every event type, into the audit log: exactly once per event id. */
export function createAuditEventConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  groupId: string,
  record: RecordAuditEventUseCase,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId,
      topics: DOMAIN_EVENT_TOPICS,
      accepts: () => true,
      handler: (event, manager) => record.execute(event, manager),
    },
    logger.child({ component: 'audit-consumer' }),
    faults,
  );
}
