import { type factorsV1, type gatewayV1, toTimestamp } from '@portcullis/contracts';
import type { AuditEventPageView, AuditEventView, TenantView, UserView } from '../domain/model';

/** Domain views → public messages. HTTP sends the same messages in proto3 JSON form. */
export function toTenantMessage(t: TenantView): gatewayV1.Tenant {
  return { id: t.id, name: t.name, status: t.status, createTime: toTimestamp(t.createdAt) };
}

export function toUserMessage(u: UserView): gatewayV1.User {
  return {
    id: u.id,
    tenantId: u.tenantId,
    externalId: u.externalId,
    email: u.email,
    phoneNumber: u.phoneNumber,
    status: u.status,
    createTime: toTimestamp(u.createdAt),
  };
}

export function toAuditEventMessage(e: AuditEventView): gatewayV1.AuditEvent {
  return {
    eventId: e.eventId,
    tenantId: e.tenantId,
    type: e.type,
    userId: e.userId,
    source: e.source,
    occurTime: toTimestamp(e.occurredAt),
    recordTime: toTimestamp(e.recordedAt),
    dataJson: e.dataJson,
    sequence: e.sequence,
    outcome: e.outcome,
    hash: e.hash,
    previousHash: e.previousHash,
    clientIp: e.clientIp,
  };
}

export function toAuditPageMessage(page: AuditEventPageView): gatewayV1.ListAuditEventsResponse {
  return { events: page.events.map(toAuditEventMessage), nextPageToken: page.nextPageToken };
}

/**
 * factors' enrolment → the gateway's message. The other factors responses are the gateway's
 * responses field for field (its messages reuse the factorsV1 types), so they pass as they are.
 */
export function toBeginFactorEnrollmentMessage(
  r: factorsV1.BeginEnrollmentResponse,
): gatewayV1.BeginFactorEnrollmentResponse {
  return {
    enrollmentId: r.enrollmentId,
    factor: r.factor,
    expireTime: r.expireTime,
    totp: r.totp,
    webauthn: r.webauthn,
    outOfBand: r.outOfBand,
    recoveryCodes: r.recoveryCodes,
  };
}
