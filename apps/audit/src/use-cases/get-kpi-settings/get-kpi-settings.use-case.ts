import { Injectable } from '@nestjs/common';
import { DEFAULT_KPI_SETTINGS, type KpiSettings } from '../../domain/kpis/kpi-settings';
import { KpiSettingsStore } from '../../domain/kpis/kpi.ports';

/** A tenant's KPI settings; a loss value of 0 USD until the tenant sets its own. */
@Injectable()
export class GetKpiSettingsUseCase {
  constructor(private readonly settings: KpiSettingsStore) {}

  async execute(tenantId: string): Promise<KpiSettings> {
    return (await this.settings.get(tenantId)) ?? DEFAULT_KPI_SETTINGS;
  }
}
