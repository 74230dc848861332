import type { KpiPeriod } from '../../domain/kpis/kpi-period';
import type { KpiAggregates } from '../../domain/kpis/kpi-report';
import type { KpiReadModel } from '../../domain/kpis/kpi.ports';
import { GetMfaKpisUseCase } from './get-mfa-kpis.use-case';

const now = new Date('2025-03-10T12:00:00Z');
const empty: KpiAggregates = {
  totals: [],
  baseline: [],
  daily: [],
  spend: [],
  dailySpend: [],
  histogram: [],
  abandoned: [],
};

function setup() {
  const reads: { period: KpiPeriod; now: Date }[] = [];
  const readModel: KpiReadModel = {
    read: async (_tenantId, period, at) => {
      reads.push({ period, now: at });
      return { ...empty, totals: [{ metric: 'risk.denied_sign_in', dim1: '', dim2: '', value: 2 }] };
    },
  };
  const useCase = new GetMfaKpisUseCase(
    readModel,
    { get: async () => ({ lossValuePerTakeover: '100', currency: 'EUR' }), set: async () => undefined },
    { now: () => now },
  );
  return { useCase, reads };
}

describe('GetMfaKpisUseCase', () => {
  it('reads the last 30 days by default, with the clock deciding expiry, in the tenant currency', async () => {
    const { useCase, reads } = setup();
    const kpis = await useCase.execute({ tenantId: 't' });
    expect(reads).toHaveLength(1);
    expect(reads[0]?.period.days).toHaveLength(30);
    expect(reads[0]?.now).toBe(now);
    expect(kpis.roi).toMatchObject({ currency: 'EUR', preventedTakeovers: 2, estimatedLossPrevented: '200' });
  });

  it('refuses a bad period without reading anything', async () => {
    const { useCase, reads } = setup();
    await expect(
      useCase.execute({ tenantId: 't', from: new Date('2023-01-01T00:00:00Z'), to: now }),
    ).rejects.toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'KPI_PERIOD_INVALID' });
    await expect(useCase.execute({ tenantId: 't', from: now, to: now })).rejects.toMatchObject({
      code: 'KPI_PERIOD_INVALID',
    });
    expect(reads).toHaveLength(0);
  });
});
