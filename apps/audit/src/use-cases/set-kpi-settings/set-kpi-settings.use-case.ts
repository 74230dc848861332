import { Injectable } from '@nestjs/common';
import { type KpiSettings, kpiSettings } from '../../domain/kpis/kpi-settings';
import { KpiSettingsStore } from '../../domain/kpis/kpi.ports';

export interface SetKpiSettingsInput {
  readonly tenantId: string;
  readonly lossValuePerTakeover: string;
  readonly currency: string;
}

/** Replaces a tenant's KPI settings; invalid ones (KPI_SETTINGS_INVALID) change nothing. */
@Injectable()
export class SetKpiSettingsUseCase {
  constructor(private readonly settings: KpiSettingsStore) {}

  async execute(input: SetKpiSettingsInput): Promise<KpiSettings> {
    const settings = kpiSettings(input);
    await this.settings.set(input.tenantId, settings);
    return settings;
  }
}
