import { decodeEventPayload, TOPICS } from '@portcullis/contracts';
import { EventConsumer, type FaultInjector } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { RecordTenantNameUseCase } from '../use-cases/record-tenant-name/record-tenant-name.use-case';

/** A projection of tenant names, so a message can say whose code it is. */
export function createTenantNamesConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  groupId: string,
  record: RecordTenantNameUseCase,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId: `${groupId}-tenants`,
      topics: [TOPICS.identityEvents],
      accepts: (type) => type === 'identity.tenant.created',
      handler: async (event) => {
        const tenant = decodeEventPayload('identity.tenant.created', event.payload);
        await record.execute(tenant.tenantId, tenant.name);
      },
    },
    logger.child({ component: 'tenant-names-consumer' }),
    faults,
  );
}
