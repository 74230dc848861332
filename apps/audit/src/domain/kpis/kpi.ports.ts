import type { KpiPeriod } from './kpi-period';
import type { KpiAggregates } from './kpi-report';
import type { KpiSettings } from './kpi-settings';

/** Reads a tenant's KPI aggregates for a period (sums of the daily rows, never events). */
export abstract class KpiReadModel {
  /** `now` decides which open challenges have expired, i.e. were abandoned. */
  abstract read(tenantId: string, period: KpiPeriod, now: Date): Promise<KpiAggregates>;
}

export abstract class KpiSettingsStore {
  /** undefined when the tenant never set any. */
  abstract get(tenantId: string): Promise<KpiSettings | undefined>;
  abstract set(tenantId: string, settings: KpiSettings): Promise<void>;
}

export abstract class KpiClock {
  abstract now(): Date;
}
