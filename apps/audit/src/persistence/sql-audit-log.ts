import type { DataSource, EntityManager } from 'typeorm';
import type { AuditEvent, AuditQuery, NewAuditEvent } from '../domain/audit-event';
import type { AuditLog } from '../domain/ports';

interface AuditRow {
  sequence: string;
  event_id: string;
  tenant_id: string;
  type: string;
  user_id: string | null;
  source: string;
  occurred_at: Date;
  recorded_at: Date;
  data: unknown;
}

export class SqlAuditLog implements AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async append(manager: EntityManager, e: NewAuditEvent): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (event_id, tenant_id, type, user_id, source, occurred_at, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
      [e.eventId, e.tenantId, e.type, e.userId ?? null, e.source, e.occurredAt, JSON.stringify(e.data)],
    );
  }

  async list(q: AuditQuery): Promise<AuditEvent[]> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT * FROM audit_events
       WHERE tenant_id = $1
         AND ($2::text IS NULL OR user_id = $2)
         AND ($3::text IS NULL OR type = $3)
         AND sequence > $4
       ORDER BY sequence
       LIMIT $5`,
      [q.tenantId, q.userId ?? null, q.type ?? null, q.afterSequence ?? '0', q.limit],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      tenantId: r.tenant_id,
      type: r.type,
      userId: r.user_id ?? undefined,
      source: r.source,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      data: r.data,
      sequence: r.sequence,
    }));
  }
}
