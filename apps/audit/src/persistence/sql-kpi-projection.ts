import { queryRows } from '@portcullis/persistence';
import type { EntityManager } from 'typeorm';
import type { AuditEvent } from '../domain/audit-event';
import { formatDecimal } from '../domain/kpis/decimal';
import { collectKpiBatch } from '../domain/kpis/kpi-batch';
import { type FactorState, projectSubjects, subjectKey, type UserState } from '../domain/kpis/subject-state';
import type { KpiProjection } from '../domain/ports';

interface UserRow {
  tenant_id: string;
  user_id: string;
  created_at: Date | null;
  disabled_at: Date | null;
}

interface FactorRow {
  tenant_id: string;
  factor_id: string;
  user_id: string;
  factor_type: string;
  enrolled_at: Date | null;
  removed_at: Date | null;
}

const iso = (at: Date | undefined) => at?.toISOString() ?? null;
const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };

/**
 * The KPI aggregates in PostgreSQL, updated in the batch's transaction. A batch is aggregated in
 * memory first, so whatever its size it costs at most ten statements: one multi-row upsert
 * (INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE SET value = value + EXCLUDED.value)
 * per aggregate table, plus reading and writing the state of the users it touches. Rows are sent
 * in key order, so concurrent batches take their row locks in one order.
 */
export class SqlKpiProjection implements KpiProjection {
  async apply(manager: EntityManager, events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const batch = collectKpiBatch(events);
    const counters = batch.counters;

    if (batch.subjectChanges.length > 0) {
      const subjects = [
        ...new Map(batch.subjectChanges.map((c) => [subjectKey(c.tenantId, c.userId), c])).values(),
      ].sort(byKey((c) => subjectKey(c.tenantId, c.userId)));
      const tenants = subjects.map((s) => s.tenantId);
      const userIds = subjects.map((s) => s.userId);
      // A row per user, locked, before reading its state: concurrent batches (identity and
      // factors topics are consumed apart) then apply one user's changes one after the other.
      await manager.query(
        `INSERT INTO kpi_users (tenant_id, user_id)
         SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
        [tenants, userIds],
      );
      const users = await queryRows<UserRow>(
        manager,
        `SELECT u.tenant_id, u.user_id, u.created_at, u.disabled_at
         FROM kpi_users u JOIN unnest($1::text[], $2::text[]) AS x(t, u) ON u.tenant_id = x.t AND u.user_id = x.u
         ORDER BY u.tenant_id, u.user_id FOR UPDATE OF u`,
        [tenants, userIds],
      );
      const factors = await queryRows<FactorRow>(
        manager,
        `SELECT f.tenant_id, f.factor_id, f.user_id, f.factor_type, f.enrolled_at, f.removed_at
         FROM kpi_factors f JOIN unnest($1::text[], $2::text[]) AS x(t, u) ON f.tenant_id = x.t AND f.user_id = x.u`,
        [tenants, userIds],
      );
      const projected = projectSubjects(
        users.map((u): UserState => ({
          tenantId: u.tenant_id,
          userId: u.user_id,
          createdAt: u.created_at ?? undefined,
          disabledAt: u.disabled_at ?? undefined,
        })),
        factors.map((f): FactorState => ({
          tenantId: f.tenant_id,
          factorId: f.factor_id,
          userId: f.user_id,
          factorType: f.factor_type,
          enrolledAt: f.enrolled_at ?? undefined,
          removedAt: f.removed_at ?? undefined,
        })),
        batch.subjectChanges,
      );
      for (const d of projected.deltas) counters.addDelta(d);
      const changedUsers = projected.changedUsers;
      if (changedUsers.length > 0) {
        await manager.query(
          `UPDATE kpi_users u SET created_at = x.c, disabled_at = x.d
           FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS x(t, u, c, d)
           WHERE u.tenant_id = x.t AND u.user_id = x.u`,
          [
            changedUsers.map((u) => u.tenantId),
            changedUsers.map((u) => u.userId),
            changedUsers.map((u) => iso(u.createdAt)),
            changedUsers.map((u) => iso(u.disabledAt)),
          ],
        );
      }
      const changedFactors = projected.changedFactors.sort(byKey((f) => `${f.tenantId}\u0000${f.factorId}`));
      if (changedFactors.length > 0) {
        await manager.query(
          `INSERT INTO kpi_factors (tenant_id, factor_id, user_id, factor_type, enrolled_at, removed_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
           ON CONFLICT (tenant_id, factor_id) DO UPDATE SET
             enrolled_at = EXCLUDED.enrolled_at, removed_at = EXCLUDED.removed_at`,
          [
            changedFactors.map((f) => f.tenantId),
            changedFactors.map((f) => f.factorId),
            changedFactors.map((f) => f.userId),
            changedFactors.map((f) => f.factorType),
            changedFactors.map((f) => iso(f.enrolledAt)),
            changedFactors.map((f) => iso(f.removedAt)),
          ],
        );
      }
    }

    const rows = counters.entries();
    if (rows.length > 0) {
      await manager.query(
        `INSERT INTO kpi_daily_counts AS c (tenant_id, day, metric, dim1, dim2, value)
         SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::bigint[])
         ON CONFLICT (tenant_id, day, metric, dim1, dim2) DO UPDATE SET value = c.value + EXCLUDED.value`,
        [
          rows.map((r) => r.tenantId),
          rows.map((r) => r.day),
          rows.map((r) => r.metric),
          rows.map((r) => r.dim1),
          rows.map((r) => r.dim2),
          rows.map((r) => String(r.value)),
        ],
      );
    }

    const spend = batch.spend.sort(byKey((s) => [s.tenantId, s.day, s.channel, s.currency].join('\u0000')));
    if (spend.length > 0) {
      await manager.query(
        `INSERT INTO kpi_daily_spend AS s (tenant_id, day, channel, currency, amount)
         SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::numeric[])
         ON CONFLICT (tenant_id, day, channel, currency) DO UPDATE SET amount = s.amount + EXCLUDED.amount`,
        [
          spend.map((s) => s.tenantId),
          spend.map((s) => s.day),
          spend.map((s) => s.channel),
          spend.map((s) => s.currency),
          spend.map((s) => formatDecimal(s.amount)),
        ],
      );
    }

    const histogram = batch.histogram.sort(
      byKey((h) => [h.tenantId, h.day, h.factorType, String(h.bucket).padStart(4, '0')].join('\u0000')),
    );
    if (histogram.length > 0) {
      await manager.query(
        `INSERT INTO kpi_verify_histogram AS h (tenant_id, day, factor_type, bucket, count)
         SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::smallint[], $5::bigint[])
         ON CONFLICT (tenant_id, day, factor_type, bucket) DO UPDATE SET count = h.count + EXCLUDED.count`,
        [
          histogram.map((h) => h.tenantId),
          histogram.map((h) => h.day),
          histogram.map((h) => h.factorType),
          histogram.map((h) => h.bucket),
          histogram.map((h) => String(h.count)),
        ],
      );
    }

    const verifications = batch.challengeVerifications.sort(
      byKey((v) => `${v.tenantId}\u0000${v.challengeId}`),
    );
    if (verifications.length > 0) {
      // An open challenge verified is closed; a verification that comes before its start leaves
      // a verified marker, which the start then consumes.
      await manager.query(
        `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS v(t, c, ty)),
         closed AS (
           DELETE FROM kpi_open_challenges o USING v
           WHERE o.tenant_id = v.t AND o.challenge_id = v.c AND NOT o.verified
           RETURNING o.tenant_id, o.challenge_id)
         INSERT INTO kpi_open_challenges (tenant_id, challenge_id, factor_type, verified)
         SELECT v.t, v.c, v.ty, true FROM v
         WHERE NOT EXISTS (SELECT 1 FROM closed WHERE closed.tenant_id = v.t AND closed.challenge_id = v.c)
         ON CONFLICT (tenant_id, challenge_id) DO NOTHING`,
        [
          verifications.map((v) => v.tenantId),
          verifications.map((v) => v.challengeId),
          verifications.map((v) => v.factorType),
        ],
      );
    }

    const starts = batch.challengeStarts.sort(byKey((s) => `${s.tenantId}\u0000${s.challengeId}`));
    if (starts.length > 0) {
      await manager.query(
        `WITH s AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::timestamptz[])
             AS s(t, c, ty, d, e)),
         done AS (
           DELETE FROM kpi_open_challenges o USING s
           WHERE o.tenant_id = s.t AND o.challenge_id = s.c AND o.verified
           RETURNING o.tenant_id, o.challenge_id)
         INSERT INTO kpi_open_challenges (tenant_id, challenge_id, factor_type, started_day, expire_at)
         SELECT s.t, s.c, s.ty, s.d, s.e FROM s
         WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.tenant_id = s.t AND done.challenge_id = s.c)
         ON CONFLICT (tenant_id, challenge_id) DO NOTHING`,
        [
          starts.map((s) => s.tenantId),
          starts.map((s) => s.challengeId),
          starts.map((s) => s.factorType),
          starts.map((s) => s.startedDay),
          starts.map((s) => s.expireAt.toISOString()),
        ],
      );
    }
  }
}
