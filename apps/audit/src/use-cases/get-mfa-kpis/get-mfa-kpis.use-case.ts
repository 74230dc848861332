import { Injectable } from '@nestjs/common';
import { resolvePeriod } from '../../domain/kpis/kpi-period';
import { buildMfaKpis, type MfaKpiReport } from '../../domain/kpis/kpi-report';
import { DEFAULT_KPI_SETTINGS } from '../../domain/kpis/kpi-settings';
import { KpiClock, KpiReadModel, KpiSettingsStore } from '../../domain/kpis/kpi.ports';

export interface GetMfaKpisInput {
  readonly tenantId: string;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** A tenant's MFA KPIs over whole UTC days, from the aggregates (KPI_PERIOD_INVALID otherwise). */
@Injectable()
export class GetMfaKpisUseCase {
  constructor(
    private readonly readModel: KpiReadModel,
    private readonly settings: KpiSettingsStore,
    private readonly clock: KpiClock,
  ) {}

  async execute(input: GetMfaKpisInput): Promise<MfaKpiReport> {
    const now = this.clock.now();
    const period = resolvePeriod(input, now);
    const settings = (await this.settings.get(input.tenantId)) ?? DEFAULT_KPI_SETTINGS;
    const aggregates = await this.readModel.read(input.tenantId, period, now);
    return buildMfaKpis({ tenantId: input.tenantId, period, settings, aggregates });
  }
}
