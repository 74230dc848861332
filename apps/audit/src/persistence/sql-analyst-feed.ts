import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { AuditEvent } from '../domain/audit-event';
import { type AuditRow, toEvent } from './sql-audit-log';

interface PendingRow {
  tenant_id: string;
  after: string;
  head: string;
}

/**
 * What the analysts' topic has not had yet, read from the audit log itself: per tenant, the
 * records after its publish cursor up to its chain head (never before the last link retention
 * dropped). One publisher at a time, by advisory lock: a tenant's records then go out in order.
 */
export class SqlAnalystFeed {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Hands up to `limit` pending records to `publish`, and moves the cursors when it returns. The
   * tenants published longest ago go first and share the batch equally, so a busy tenant does
   * not hold the others back. Returns how many were handed over; 0 also when another instance
   * holds the lock.
   */
  async publishNext(
    limit: number,
    publish: (events: readonly AuditEvent[]) => Promise<void>,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = await queryRows<{ locked: boolean }>(
        manager,
        `SELECT pg_try_advisory_xact_lock(hashtext('portcullis-audit-publisher')) AS locked`,
      );
      if (!lock?.locked) return 0;
      const pending = await queryRows<PendingRow>(
        manager,
        `SELECT h.tenant_id, greatest(coalesce(c.sequence, 0), coalesce(k.sequence, 0)) AS after,
                h.sequence AS head
         FROM audit_chain_heads h
         LEFT JOIN audit_publish_cursors c USING (tenant_id)
         LEFT JOIN audit_chain_checkpoints k USING (tenant_id)
         WHERE h.sequence > greatest(coalesce(c.sequence, 0), coalesce(k.sequence, 0))
         ORDER BY coalesce(c.published_at, 'epoch'::timestamptz), h.tenant_id LIMIT $1`,
        [limit],
      );
      if (pending.length === 0) return 0;
      const perTenant = Math.max(1, Math.ceil(limit / pending.length));
      const rows = await queryRows<AuditRow>(
        manager,
        `SELECT e.*, NULL AS client_ip
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS p(tenant_id, after, head)
         CROSS JOIN LATERAL (
           SELECT * FROM audit_events e
           WHERE e.tenant_id = p.tenant_id AND e.sequence > p.after AND e.sequence <= p.head
           ORDER BY e.sequence LIMIT $4) e
         ORDER BY e.tenant_id, e.sequence
         LIMIT $5`,
        [
          pending.map((p) => p.tenant_id),
          pending.map((p) => p.after),
          pending.map((p) => p.head),
          perTenant,
          limit,
        ],
      );
      if (rows.length === 0) return 0;
      const events = rows.map(toEvent);
      await publish(events);
      const last = new Map<string, string>();
      for (const e of events) last.set(e.tenantId, e.sequence);
      await manager.query(
        `INSERT INTO audit_publish_cursors (tenant_id, sequence, published_at)
         SELECT t, s, now() FROM unnest($1::text[], $2::bigint[]) AS x(t, s)
         ON CONFLICT (tenant_id) DO UPDATE
           SET sequence = greatest(audit_publish_cursors.sequence, EXCLUDED.sequence),
               published_at = EXCLUDED.published_at`,
        [[...last.keys()], [...last.values()]],
      );
      return events.length;
    });
  }

  /** Records recorded but not yet published, over all tenants. */
  async backlog(): Promise<number> {
    const [row] = await queryRows<{ n: string }>(
      this.dataSource,
      `SELECT coalesce(sum(h.sequence - greatest(coalesce(c.sequence, 0), coalesce(k.sequence, 0))), 0) AS n
       FROM audit_chain_heads h
       LEFT JOIN audit_publish_cursors c USING (tenant_id)
       LEFT JOIN audit_chain_checkpoints k USING (tenant_id)`,
    );
    return Number(row?.n ?? 0);
  }
}
