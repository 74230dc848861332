import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import { DAILY_METRICS, LEVEL_METRICS } from '../domain/kpis/kpi-metrics';
import type { KpiPeriod } from '../domain/kpis/kpi-period';
import type { KpiAggregates } from '../domain/kpis/kpi-report';
import type { KpiReadModel } from '../domain/kpis/kpi.ports';

interface SumRow {
  metric: string;
  dim1: string;
  dim2: string;
  value: string;
}

/**
 * Reads the sums of a tenant's daily aggregates over a period, in one read-only REPEATABLE READ
 * transaction so every figure comes from the same snapshot. Each query is a range of one
 * tenant's primary key; none touches audit_events.
 */
export class SqlKpiReadModel implements KpiReadModel {
  constructor(private readonly dataSource: DataSource) {}

  read(tenantId: string, period: KpiPeriod, now: Date): Promise<KpiAggregates> {
    const from = period.days[0] ?? period.from.toISOString().slice(0, 10);
    const to = period.to.toISOString().slice(0, 10);
    const range = [tenantId, from, to];
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const totals = await queryRows<SumRow>(
        manager,
        `SELECT metric, dim1, dim2, sum(value)::text AS value FROM kpi_daily_counts
         WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date
         GROUP BY metric, dim1, dim2`,
        range,
      );
      const baseline = await queryRows<SumRow>(
        manager,
        `SELECT metric, dim1, dim2, sum(value)::text AS value FROM kpi_daily_counts
         WHERE tenant_id = $1 AND day < $2::date AND metric = ANY($3::text[])
         GROUP BY metric, dim1, dim2`,
        [tenantId, from, LEVEL_METRICS],
      );
      const daily = await queryRows<{ day: string; metric: string; value: string }>(
        manager,
        `SELECT day::text AS day, metric, sum(value)::text AS value FROM kpi_daily_counts
         WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date AND metric = ANY($4::text[])
         GROUP BY day, metric`,
        [...range, DAILY_METRICS],
      );
      const dailySpend = await queryRows<{ day: string; currency: string; amount: string }>(
        manager,
        `SELECT day::text AS day, currency, sum(amount)::text AS amount FROM kpi_daily_spend
         WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date
         GROUP BY day, currency`,
        range,
      );
      const spend = await queryRows<{ channel: string; currency: string; amount: string }>(
        manager,
        `SELECT channel, currency, sum(amount)::text AS amount FROM kpi_daily_spend
         WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date
         GROUP BY channel, currency`,
        range,
      );
      const histogram = await queryRows<{ factor_type: string; bucket: number; count: string }>(
        manager,
        `SELECT factor_type, bucket, sum(count)::text AS count FROM kpi_verify_histogram
         WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date
         GROUP BY factor_type, bucket`,
        range,
      );
      const abandoned = await queryRows<{ factor_type: string; count: string }>(
        manager,
        `SELECT factor_type, count(*)::text AS count FROM kpi_open_challenges
         WHERE tenant_id = $1 AND NOT verified AND started_day >= $2::date AND started_day < $3::date
           AND expire_at < $4::timestamptz
         GROUP BY factor_type`,
        [...range, now.toISOString()],
      );
      const sums = (rows: SumRow[]) =>
        rows.map((r) => ({ metric: r.metric, dim1: r.dim1, dim2: r.dim2, value: Number(r.value) }));
      return {
        totals: sums(totals),
        baseline: sums(baseline),
        daily: daily.map((r) => ({ day: r.day, metric: r.metric, value: Number(r.value) })),
        spend,
        dailySpend: dailySpend.map((r) => ({ day: r.day, currency: r.currency, amount: r.amount })),
        histogram: histogram.map((r) => ({
          factorType: r.factor_type,
          bucket: Number(r.bucket),
          count: Number(r.count),
        })),
        abandoned: abandoned.map((r) => ({ factorType: r.factor_type, count: Number(r.count) })),
      };
    });
  }
}
