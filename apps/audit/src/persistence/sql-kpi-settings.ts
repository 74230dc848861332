import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import { normaliseDecimal } from '../domain/kpis/decimal';
import type { KpiSettings } from '../domain/kpis/kpi-settings';
import type { KpiSettingsStore } from '../domain/kpis/kpi.ports';

/** Each tenant's KPI settings, one row; the loss value is numeric(22,4). */
export class SqlKpiSettings implements KpiSettingsStore {
  constructor(private readonly dataSource: DataSource) {}

  async get(tenantId: string): Promise<KpiSettings | undefined> {
    const [row] = await queryRows<{ loss_value_per_takeover: string; currency: string }>(
      this.dataSource,
      'SELECT loss_value_per_takeover::text, currency FROM kpi_settings WHERE tenant_id = $1',
      [tenantId],
    );
    return row
      ? { lossValuePerTakeover: normaliseDecimal(row.loss_value_per_takeover), currency: row.currency }
      : undefined;
  }

  async set(tenantId: string, settings: KpiSettings): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO kpi_settings (tenant_id, loss_value_per_takeover, currency, updated_at)
       VALUES ($1, $2::numeric, $3, now())
       ON CONFLICT (tenant_id) DO UPDATE SET
         loss_value_per_takeover = EXCLUDED.loss_value_per_takeover, currency = EXCLUDED.currency,
         updated_at = EXCLUDED.updated_at`,
      [tenantId, settings.lossValuePerTakeover, settings.currency],
    );
  }
}
