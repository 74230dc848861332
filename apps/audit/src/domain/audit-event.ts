import type { EventType } from '@portcullis/contracts';

/** What an event says about an attempt; `none` for events that are not attempts. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'challenged', 'none'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** A consumed domain event, minimised, before it takes its place in the tenant's chain. */
export interface NewAuditEvent {
  readonly eventId: string;
  readonly tenantId: string;
  readonly type: EventType;
  readonly userId: string | undefined;
  /** Topic the event came from. */
  readonly source: string;
  readonly occurredAt: Date;
  /** Payload in proto3 JSON form, minimised: contacts masked, client addresses truncated. */
  readonly data: Record<string, unknown>;
  readonly outcome: AuditOutcome;
  /** The full client address, kept apart and only for the IP retention period. */
  readonly clientIp: string | undefined;
  /** W3C traceparent of the operation that caused the event, when it had one. */
  readonly traceparent: string | undefined;
}

/** An event as recorded: its place in the tenant's hash chain and the hashes that seal it. */
export interface AuditEvent extends NewAuditEvent {
  readonly recordedAt: Date;
  /** Position in the tenant's chain, 1, 2, 3, ... as a decimal string (int64). */
  readonly sequence: string;
  readonly hash: string;
  readonly previousHash: string;
}

export interface AuditFilter {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  /** An exact type, or a prefix ending in a dot. */
  readonly type?: string | undefined;
  readonly outcome?: AuditOutcome | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

export interface AuditQuery extends AuditFilter {
  /** Return events with a chain position greater than this one. */
  readonly afterSequence?: string | undefined;
  readonly limit: number;
}
