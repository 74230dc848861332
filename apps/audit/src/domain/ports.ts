import type { EntityManager } from 'typeorm';
import type { AuditEvent, AuditFilter, AuditQuery, NewAuditEvent } from './audit-event';
import type { ChainVerification } from './hash-chain';

export abstract class AuditLog {
  /**
   * Appends a batch inside the consumer's transaction: each event takes the next position in its
   * tenant's chain. Returns the recorded events, in chain order per tenant.
   */
  abstract append(manager: EntityManager, events: readonly NewAuditEvent[]): Promise<AuditEvent[]>;
  abstract list(query: AuditQuery): Promise<AuditEvent[]>;
  /** Every event matching the filter, oldest first, read in pages so memory stays flat. */
  abstract export(filter: AuditFilter, pageSize?: number): AsyncIterable<AuditEvent>;
  abstract verify(tenantId: string): Promise<ChainVerification>;
}

/**
 * The MFA KPIs, kept as aggregates updated in the same transaction as the append, from the
 * events being recorded (never a redelivered one). Applied before the chain heads are locked, so
 * concurrent batches hold those locks as briefly as possible.
 */
export abstract class KpiProjection {
  abstract apply(manager: EntityManager, events: readonly NewAuditEvent[]): Promise<void>;
}
