import type { EntityManager } from 'typeorm';
import type { AuditEvent, AuditQuery, NewAuditEvent } from './audit-event';

export abstract class AuditLog {
  /** Appends inside the consumer's transaction; an event id already present is ignored. */
  abstract append(manager: EntityManager, event: NewAuditEvent): Promise<void>;
  abstract list(query: AuditQuery): Promise<AuditEvent[]>;
}
