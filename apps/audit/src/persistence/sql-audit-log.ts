import { queryRows } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditEvent, AuditFilter, AuditOutcome, AuditQuery, NewAuditEvent } from '../domain/audit-event';
import {
  type ChainHead,
  type ChainVerification,
  ChainVerifier,
  GENESIS_HASH,
  recordHash,
} from '../domain/hash-chain';
import type { AuditLog } from '../domain/ports';

export interface AuditRow {
  tenant_id: string;
  sequence: string;
  event_id: string;
  type: string;
  user_id: string | null;
  source: string;
  outcome: string;
  occurred_at: Date;
  recorded_at: Date;
  data: Record<string, unknown>;
  traceparent: string | null;
  previous_hash: string;
  hash: string;
  client_ip: string | null;
}

interface HeadRow {
  tenant_id: string;
  sequence: string;
  hash: string;
  recorded_at: Date;
}

const VERIFY_PAGE = 5000;

export function toEvent(r: AuditRow): AuditEvent {
  return {
    eventId: r.event_id,
    tenantId: r.tenant_id,
    type: r.type as AuditEvent['type'],
    userId: r.user_id ?? undefined,
    source: r.source,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    data: r.data,
    outcome: r.outcome as AuditOutcome,
    clientIp: r.client_ip ?? undefined,
    traceparent: r.traceparent ?? undefined,
    sequence: r.sequence,
    hash: r.hash,
    previousHash: r.previous_hash,
  };
}

/** `type` as SQL: an exact type, or a prefix when it ends with a dot. */
function typeCondition(type: string | undefined): [exact: string | null, prefix: string | null] {
  if (!type) return [null, null];
  return type.endsWith('.') ? [null, type] : [type, null];
}

/**
 * The audit log in PostgreSQL. A batch takes the chain heads of its tenants with FOR UPDATE, in
 * tenant order (so concurrent batches cannot deadlock), links each event to the one before, and
 * writes all rows with one INSERT ... SELECT FROM unnest(...).
 */
export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async append(manager: EntityManager, events: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
    if (events.length === 0) return [];
    const now = this.clock();
    // Before the chain heads are locked: this needs no position, and the lock is held less long.
    const withIp = events.filter((e) => e.clientIp);
    if (withIp.length > 0) {
      await manager.query(
        `INSERT INTO audit_client_ips (event_id, tenant_id, client_ip, recorded_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
         ON CONFLICT (event_id) DO NOTHING`,
        [
          withIp.map((e) => e.eventId),
          withIp.map((e) => e.tenantId),
          withIp.map((e) => e.clientIp),
          withIp.map(() => now.toISOString()),
        ],
      );
    }
    const tenants = [...new Set(events.map((e) => e.tenantId))].sort();
    await manager.query(
      `INSERT INTO audit_chain_heads (tenant_id, sequence, hash, recorded_at)
       SELECT t, 0, $2, 'epoch'::timestamptz FROM unnest($1::text[]) AS t ORDER BY t
       ON CONFLICT (tenant_id) DO NOTHING`,
      [tenants, GENESIS_HASH],
    );
    const heads = await queryRows<HeadRow>(
      manager,
      `SELECT tenant_id, sequence, hash, recorded_at FROM audit_chain_heads
       WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id FOR UPDATE`,
      [tenants],
    );
    const state = new Map(
      heads.map((h) => [h.tenant_id, { sequence: BigInt(h.sequence), hash: h.hash, at: h.recorded_at }]),
    );
    const recorded: AuditEvent[] = [];
    for (const event of events) {
      const head = state.get(event.tenantId);
      if (!head) throw new Error(`no chain head for tenant ${event.tenantId}`);
      // Positions and recording times rise together within a tenant, so retention (by recording
      // day) always drops a chain's oldest records, never some from its middle.
      const recordedAt = head.at.getTime() > now.getTime() ? head.at : now;
      const sequence = head.sequence + 1n;
      const hash = recordHash({ ...event, recordedAt, previousHash: head.hash });
      recorded.push({ ...event, recordedAt, sequence: String(sequence), hash, previousHash: head.hash });
      state.set(event.tenantId, { sequence, hash, at: recordedAt });
    }
    await manager.query(
      `INSERT INTO audit_events (tenant_id, sequence, event_id, type, user_id, source, outcome,
         occurred_at, recorded_at, data, traceparent, previous_hash, hash)
       SELECT t, s, e, ty, u, so, o, oc, r, d::jsonb, tp, p, h
       FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[])
         AS x(t, s, e, ty, u, so, o, oc, r, d, tp, p, h)`,
      [
        recorded.map((e) => e.tenantId),
        recorded.map((e) => e.sequence),
        recorded.map((e) => e.eventId),
        recorded.map((e) => e.type),
        recorded.map((e) => e.userId ?? null),
        recorded.map((e) => e.source),
        recorded.map((e) => e.outcome),
        recorded.map((e) => e.occurredAt.toISOString()),
        recorded.map((e) => e.recordedAt.toISOString()),
        recorded.map((e) => JSON.stringify(e.data)),
        recorded.map((e) => e.traceparent ?? null),
        recorded.map((e) => e.previousHash),
        recorded.map((e) => e.hash),
      ],
    );
    await manager.query(
      `UPDATE audit_chain_heads h SET sequence = x.s, hash = x.h, recorded_at = x.r
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[]) AS x(t, s, h, r)
       WHERE h.tenant_id = x.t`,
      [
        tenants,
        tenants.map((t) => String(state.get(t)?.sequence)),
        tenants.map((t) => state.get(t)?.hash),
        tenants.map((t) => state.get(t)?.at.toISOString()),
      ],
    );
    return recorded;
  }

  async list(q: AuditQuery): Promise<AuditEvent[]> {
    const [exactType, typePrefix] = typeCondition(q.type);
    const rows = await queryRows<AuditRow>(
      this.dataSource,
      `SELECT e.*, ip.client_ip FROM audit_events e
       LEFT JOIN audit_client_ips ip ON ip.event_id = e.event_id
       WHERE e.tenant_id = $1
         AND ($2::text IS NULL OR e.user_id = $2)
         AND ($3::text IS NULL OR e.type = $3)
         AND ($4::text IS NULL OR starts_with(e.type, $4))
         AND ($5::text IS NULL OR e.outcome = $5)
         AND ($6::timestamptz IS NULL OR e.occurred_at >= $6)
         AND ($7::timestamptz IS NULL OR e.occurred_at < $7)
         AND e.sequence > $8
       ORDER BY e.sequence
       LIMIT $9`,
      [
        q.tenantId,
        q.userId ?? null,
        exactType,
        typePrefix,
        q.outcome ?? null,
        q.from?.toISOString() ?? null,
        q.to?.toISOString() ?? null,
        q.afterSequence ?? '0',
        q.limit,
      ],
    );
    return rows.map(toEvent);
  }

  async *export(filter: AuditFilter, pageSize = 1000): AsyncIterable<AuditEvent> {
    let after = '0';
    for (;;) {
      const page = await this.list({ ...filter, afterSequence: after, limit: pageSize });
      yield* page;
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return;
      after = last.sequence;
    }
  }

  async verify(tenantId: string): Promise<ChainVerification> {
    const [checkpoint] = await queryRows<{ sequence: string; hash: string }>(
      this.dataSource,
      'SELECT sequence, hash FROM audit_chain_checkpoints WHERE tenant_id = $1',
      [tenantId],
    );
    const [head] = await queryRows<HeadRow>(
      this.dataSource,
      'SELECT tenant_id, sequence, hash, recorded_at FROM audit_chain_heads WHERE tenant_id = $1',
      [tenantId],
    );
    const verifier = new ChainVerifier(
      checkpoint
        ? { sequence: BigInt(checkpoint.sequence), hash: checkpoint.hash }
        : { sequence: 0n, hash: GENESIS_HASH },
    );
    // Keyset pages by (sequence, recorded_at): a duplicated position must still be read once each.
    let after: [string, string] = ['0', '1970-01-01T00:00:00Z'];
    for (;;) {
      const rows = await queryRows<AuditRow>(
        this.dataSource,
        `SELECT *, NULL AS client_ip FROM audit_events
         WHERE tenant_id = $1 AND (sequence, recorded_at) > ($2::bigint, $3::timestamptz)
         ORDER BY sequence, recorded_at LIMIT $4`,
        [tenantId, after[0], after[1], VERIFY_PAGE],
      );
      for (const row of rows) verifier.check(toEvent(row));
      const last = rows[rows.length - 1];
      if (!last || rows.length < VERIFY_PAGE) break;
      after = [last.sequence, last.recorded_at.toISOString()];
    }
    const expectedHead: ChainHead | undefined = head
      ? { sequence: BigInt(head.sequence), hash: head.hash }
      : undefined;
    return verifier.finish(expectedHead);
  }
}
