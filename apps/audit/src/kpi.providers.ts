import type { Provider } from '@nestjs/common';
import { DATA_SOURCE } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import { KpiClock, KpiReadModel, KpiSettingsStore } from './domain/kpis/kpi.ports';
import { KpiProjection } from './domain/ports';
import { SqlKpiProjection } from './persistence/sql-kpi-projection';
import { SqlKpiReadModel } from './persistence/sql-kpi-read-model';
import { SqlKpiSettings } from './persistence/sql-kpi-settings';
import { GetKpiSettingsUseCase } from './use-cases/get-kpi-settings/get-kpi-settings.use-case';
import { GetMfaKpisUseCase } from './use-cases/get-mfa-kpis/get-mfa-kpis.use-case';
import { SetKpiSettingsUseCase } from './use-cases/set-kpi-settings/set-kpi-settings.use-case';

export { KpiGrpcController } from './grpc/kpi.controller';

/**
 * The MFA KPIs: the projection the ingest path calls in its transaction, the read side and the
 * settings. `clock` decides the default period and which open challenges count as abandoned.
 */
export function kpiProviders(clock: () => Date = () => new Date()): Provider[] {
  return [
    { provide: KpiProjection, useValue: new SqlKpiProjection() },
    { provide: KpiReadModel, useFactory: (ds: DataSource) => new SqlKpiReadModel(ds), inject: [DATA_SOURCE] },
    {
      provide: KpiSettingsStore,
      useFactory: (ds: DataSource) => new SqlKpiSettings(ds),
      inject: [DATA_SOURCE],
    },
    { provide: KpiClock, useValue: { now: clock } satisfies KpiClock },
    GetMfaKpisUseCase,
    GetKpiSettingsUseCase,
    SetKpiSettingsUseCase,
  ];
}
