import { Injectable } from '@nestjs/common';
import { EVENT_HEADERS, eventPayloadToJson } from '@portcullis/contracts';
import type { ConsumedEvent } from '@portcullis/messaging';
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

/**
 * Records consumed domain events in the consumer's transaction: updates the KPI aggregates and
 * appends them to their tenants' chains, all or nothing (the analysts' topic is published from
 * the chains afterwards, by AnalystPublisher).
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
    return this.log.append(manager, minimised);
  }
}
