import { type auditV1, toTimestamp } from '@portcullis/contracts';
import type { AuditEvent } from '../domain/audit-event';

export function toAuditEventMessage(e: AuditEvent): auditV1.AuditEvent {
  return {
    eventId: e.eventId,
    tenantId: e.tenantId,
    type: e.type,
    userId: e.userId ?? '',
    source: e.source,
    occurTime: toTimestamp(e.occurredAt),
    recordTime: toTimestamp(e.recordedAt),
    dataJson: JSON.stringify(e.data),
    sequence: e.sequence,
  };
}
