import { Injectable } from '@nestjs/common';
import {
  analystCloudEvent,
  CLOUD_EVENT_CONTENT_TYPE,
  EVENT_HEADERS,
  eventPayloadToJson,
  TOPICS,
} from '@portcullis/contracts';
import { appendOutboxMessages, type ConsumedEvent, type OutboxMessage } from '@portcullis/messaging';
import type { EntityManager } from 'typeorm';
import type { AuditEvent, NewAuditEvent } from '../../domain/audit-event';
import { minimise } from '../../domain/minimise';
import { outcomeOf } from '../../domain/outcome';
import { AuditLog, KpiProjection } from '../../domain/ports';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A consumed event as the audit log keeps it: minimised, with its outcome. */
export function toNewAuditEvent(event: ConsumedEvent): NewAuditEvent {
  const payload = eventPayloadToJson(event.type, event.payload) as Record<string, unknown>;
  const { data, clientIp } = minimise(payload);
  const userId = typeof data['userId'] === 'string' && data['userId'] ? data['userId'] : undefined;
  const traceparent = event.headers[EVENT_HEADERS.traceparent];
  return {
    eventId: event.id.toLowerCase(),
    tenantId: event.tenantId,
    type: event.type,
    userId,
    source: event.topic,
    occurredAt: event.occurredAt,
    data,
    outcome: outcomeOf(event.type, data),
    clientIp,
    traceparent: traceparent && TRACEPARENT.test(traceparent) ? traceparent : undefined,
  };
}

/** The analysts' record of an audit event: CloudEvents JSON keyed so a user's events stay in order. */
function analystMessage(e: AuditEvent): OutboxMessage {
  return {
    id: e.eventId,
    topic: TOPICS.auditAnalyst,
    key: e.userId ? `${e.tenantId}:${e.userId}` : e.tenantId,
    type: e.type,
    tenantId: e.tenantId,
    value: Buffer.from(JSON.stringify(analystCloudEvent(e))),
    headers: { [EVENT_HEADERS.contentType]: CLOUD_EVENT_CONTENT_TYPE, [EVENT_HEADERS.id]: e.eventId },
    occurredAt: e.occurredAt,
  };
}

/**
 * Records consumed domain events in the consumer's transaction: appends them to their tenants'
 * chains, updates the KPI aggregates and queues their analysts' records, all or nothing.
 */
@Injectable()
export class RecordAuditEventsUseCase {
  constructor(
    private readonly log: AuditLog,
    private readonly kpis: KpiProjection,
  ) {}

  async execute(events: readonly ConsumedEvent[], manager: EntityManager): Promise<AuditEvent[]> {
    const minimised = events.map(toNewAuditEvent);
    await this.kpis.apply(manager, minimised);
    const recorded = await this.log.append(manager, minimised);
    await appendOutboxMessages(manager, recorded.map(analystMessage));
    return recorded;
  }
}
