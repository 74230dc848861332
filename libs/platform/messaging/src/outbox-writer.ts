import { randomUUID } from 'node:crypto';
import {
  EVENT_CONTENT_TYPE,
  EVENT_HEADERS,
  type EventPayload,
  type EventType,
  encodeEventPayload,
  eventDefinition,
} from '@portcullis/contracts';
import { withProducerSpan } from '@portcullis/observability';
import type { EntityManager } from 'typeorm';

/** Postgres NOTIFY channel that wakes the relay when an outbox row commits. */
export const OUTBOX_CHANNEL = 'portcullis_outbox';

export interface NewEvent<K extends EventType> {
  readonly type: K;
  readonly tenantId: string;
  /** Subject user, when there is one: the Kafka key becomes "<tenant>:<user>" so a user's events stay in order. */
  readonly userId?: string;
  readonly payload: EventPayload<K>;
  readonly occurredAt: Date;
}

/** Port: records an event in the outbox inside the caller's transaction. */
export interface OutboxWriter {
  append<K extends EventType>(manager: EntityManager, event: NewEvent<K>): Promise<string>;
}

/**
 * Writes the event row in the same transaction as the state change it describes, so the two
 * commit or roll back together. The trace context is captured now, in a PRODUCER span under the
 * request's span, and travels with the row to Kafka: the consumer's span continues from it however
 * late the relay publishes.
 */
export class SqlOutboxWriter implements OutboxWriter {
  async append<K extends EventType>(manager: EntityManager, event: NewEvent<K>): Promise<string> {
    const id = randomUUID();
    const definition = eventDefinition(event.type);
    const key = event.userId ? `${event.tenantId}:${event.userId}` : event.tenantId;
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'create',
      'messaging.destination.name': definition.topic,
      'messaging.message.id': id,
    };
    return withProducerSpan('messaging', `outbox.create ${event.type}`, attributes, async (traceContext) => {
      const headers: Record<string, string> = {
        [EVENT_HEADERS.id]: id,
        [EVENT_HEADERS.type]: event.type,
        [EVENT_HEADERS.tenantId]: event.tenantId,
        [EVENT_HEADERS.occurredAt]: event.occurredAt.toISOString(),
        [EVENT_HEADERS.contentType]: `${EVENT_CONTENT_TYPE}; messageType=${definition.messageName}`,
        ...traceContext,
      };
      // One round trip: the row, and a wake-up for the relay's LISTEN that is delivered only if
      // and when this transaction commits.
      await manager.query(
        `WITH appended AS (
           INSERT INTO outbox_events (id, topic, message_key, type, tenant_id, payload, headers, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
         SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM appended`,
        [
          id,
          definition.topic,
          key,
          event.type,
          event.tenantId,
          encodeEventPayload(event.type, event.payload),
          headers,
          event.occurredAt,
        ],
      );
      return id;
    });
  }
}
