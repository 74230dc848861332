import { randomUUID } from 'node:crypto';
import {
  EVENT_CONTENT_TYPE,
  EVENT_HEADERS,
  type EventPayload,
  type EventType,
  encodeEventPayload,
  eventDefinition,
} from '@portcullis/contracts';
import { injectTraceContext } from '@portcullis/observability';
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
 * commit or roll back together. The trace context is captured now, while the request's span is
 * active, and travels with the row to Kafka.
 */
export class SqlOutboxWriter implements OutboxWriter {
  async append<K extends EventType>(manager: EntityManager, event: NewEvent<K>): Promise<string> {
    const id = randomUUID();
    const definition = eventDefinition(event.type);
    const key = event.userId ? `${event.tenantId}:${event.userId}` : event.tenantId;
    const headers: Record<string, string> = {
      [EVENT_HEADERS.id]: id,
      [EVENT_HEADERS.type]: event.type,
      [EVENT_HEADERS.tenantId]: event.tenantId,
      [EVENT_HEADERS.occurredAt]: event.occurredAt.toISOString(),
      [EVENT_HEADERS.contentType]: `${EVENT_CONTENT_TYPE}; messageType=${definition.messageName}`,
      ...injectTraceContext(),
    };
    // One round trip: the row, and a wake-up for the relay's LISTEN that is delivered only if and
    // when this transaction commits.
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
  }
}

/** A message that is not a domain event in protobuf form, e.g. a CloudEvents JSON record. */
export interface OutboxMessage {
  /** Unique per message; the relay publishes a row once per id. */
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly tenantId: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly occurredAt: Date;
}

/**
 * Records many ready-made messages in the outbox inside the caller's transaction, with one
 * statement; an id already there is skipped.
 */
export async function appendOutboxMessages(
  manager: EntityManager,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await manager.query(
    `WITH appended AS (
       INSERT INTO outbox_events (id, topic, message_key, type, tenant_id, payload, headers, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[],
                            $7::jsonb[], $8::timestamptz[])
       ON CONFLICT (id) DO NOTHING RETURNING 1)
     SELECT pg_notify('${OUTBOX_CHANNEL}', '') WHERE EXISTS (SELECT 1 FROM appended)`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.type),
      messages.map((m) => m.tenantId),
      messages.map((m) => m.value),
      messages.map((m) => JSON.stringify(m.headers)),
      messages.map((m) => m.occurredAt.toISOString()),
    ],
  );
}
