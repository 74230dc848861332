import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { Budget, BudgetScope } from '../domain/delivery-policy';
import type { AlertKey, BudgetKey, SendBudgets } from '../domain/ports';

/**
 * Budgets over sliding windows in PostgreSQL. Each admission locks its keys (transaction-scoped
 * advisory locks, taken in one sorted statement so two admissions cannot deadlock), counts the
 * sends inside each window and records the new one only if every budget has room: parallel sends
 * racing one budget, on one instance or several, get exactly `limit` admissions.
 */
export class SqlSendBudgets implements SendBudgets {
  constructor(private readonly dataSource: DataSource) {}

  admit(tenantId: string, keys: readonly BudgetKey[], now: Date): Promise<BudgetScope | undefined> {
    if (keys.length === 0) return Promise.resolve(undefined);
    return this.dataSource.transaction(async (m) => {
      // The locks serialise every send of a tenant (its TENANT key): hold them as briefly as
      // possible. A send-log row lost in a crash only leaves a budget one send more generous.
      await m.query('SET LOCAL synchronous_commit = off');
      const names = keys.map((k) => `${k.scope}:${k.key}`);
      await m.query(
        `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(n, 0) AS h FROM unnest($1::text[]) AS n) k ORDER BY h`,
        [names],
      );
      const counts = await queryRows<{ scope: BudgetScope; n: string }>(
        m,
        `SELECT v.scope, (SELECT count(*) FROM send_log s
                            WHERE s.scope = v.scope AND s.key = v.key
                              AND s.sent_at > $4::timestamptz - make_interval(secs => v.win)) AS n
         FROM unnest($1::text[], $2::text[], $3::int[]) AS v(scope, key, win)`,
        [keys.map((k) => k.scope), keys.map((k) => k.key), keys.map((k) => k.budget.windowSeconds), now],
      );
      for (const key of keys) {
        const used = Number(counts.find((c) => c.scope === key.scope)?.n ?? 0);
        if (used >= key.budget.limit) return key.scope;
      }
      await m.query(
        `INSERT INTO send_log (tenant_id, scope, key, sent_at) SELECT $1, s, k, $4 FROM unnest($2::text[], $3::text[]) AS t(s, k)`,
        [tenantId, keys.map((k) => k.scope), keys.map((k) => k.key), now],
      );
      return undefined;
    });
  }

  async observeBurst(tenantId: string, keys: readonly AlertKey[], burst: Budget, now: Date) {
    if (keys.length === 0) return [];
    // Burst observations are logged under scopes of their own (`BURST:COUNTRY`, …): admit() has
    // already logged this send under COUNTRY, and the same row twice would halve that budget.
    const scopes = keys.map((k) => `BURST:${k.scope}`);
    const windowStart = new Date(
      Math.floor(now.getTime() / (burst.windowSeconds * 1000)) * burst.windowSeconds * 1000,
    );
    await this.dataSource.transaction(async (m) => {
      await m.query('SET LOCAL synchronous_commit = off');
      await m.query(
        `INSERT INTO send_log (tenant_id, scope, key, sent_at) SELECT $1, s, k, $4 FROM unnest($2::text[], $3::text[]) AS t(s, k)`,
        [tenantId, scopes, keys.map((k) => k.key), now],
      );
    });
    const crossed: { key: AlertKey; count: number; windowStart: Date }[] = [];
    for (const [i, key] of keys.entries()) {
      const rows = await queryRows<{ n: string }>(
        this.dataSource,
        'SELECT count(*) AS n FROM send_log WHERE scope = $1 AND key = $2 AND sent_at >= $3',
        [scopes[i], key.key, windowStart],
      );
      const count = Number(rows[0]?.n ?? 0);
      if (count < burst.limit) continue;
      // One alert per key and window, whichever instance sees the crossing first.
      const inserted = await queryRows<unknown>(
        this.dataSource,
        `INSERT INTO fraud_alerts (tenant_id, scope, key, window_start, count) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING key`,
        [tenantId, key.scope, key.key, windowStart, count],
      );
      if (inserted.length === 1) crossed.push({ key, count, windowStart });
    }
    return crossed;
  }
}
