import { type auditV1, toTimestamp } from '@portcullis/contracts';
import type { AuditEvent } from '../domain/audit-event';
import type { ChainVerification } from '../domain/hash-chain';

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
    outcome: e.outcome,
    hash: e.hash,
    previousHash: e.previousHash,
    clientIp: e.clientIp ?? '',
  };
}

export function toVerificationMessage(v: ChainVerification): auditV1.VerifyAuditChainResponse {
  return {
    intact: v.intact,
    checked: String(v.checked),
    firstSequence: v.firstSequence,
    lastSequence: v.lastSequence,
    droppedThroughSequence: v.droppedThroughSequence,
    problems: v.problems.map((p) => ({ kind: p.kind, sequence: p.sequence, detail: p.detail })),
  };
}
