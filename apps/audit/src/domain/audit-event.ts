export interface AuditEvent {
  readonly eventId: string;
  readonly tenantId: string;
  readonly type: string;
  readonly userId: string | undefined;
  /** Topic the event came from. */
  readonly source: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  /** Payload in proto3 JSON form: already minimised by the producer (hints, never secrets). */
  readonly data: unknown;
  readonly sequence: string;
}

export type NewAuditEvent = Omit<AuditEvent, 'recordedAt' | 'sequence'>;

export interface AuditQuery {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly type?: string | undefined;
  /** Return events with a sequence greater than this one. */
  readonly afterSequence?: string | undefined;
  readonly limit: number;
}
