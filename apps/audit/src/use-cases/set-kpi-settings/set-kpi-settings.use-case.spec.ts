import type { KpiSettings } from '../../domain/kpis/kpi-settings';
import type { KpiSettingsStore } from '../../domain/kpis/kpi.ports';
import { GetKpiSettingsUseCase } from '../get-kpi-settings/get-kpi-settings.use-case';
import { SetKpiSettingsUseCase } from './set-kpi-settings.use-case';

function store(): KpiSettingsStore & { rows: Map<string, KpiSettings> } {
  const rows = new Map<string, KpiSettings>();
  return { rows, get: async (t) => rows.get(t), set: async (t, s) => void rows.set(t, s) };
}

describe('KPI settings use-cases', () => {
  it('answers 0 USD until set, then the normalised settings', async () => {
    const s = store();
    expect(await new GetKpiSettingsUseCase(s).execute('t')).toEqual({
      lossValuePerTakeover: '0',
      currency: 'USD',
    });
    expect(
      await new SetKpiSettingsUseCase(s).execute({
        tenantId: 't',
        lossValuePerTakeover: '1500.00',
        currency: 'EUR',
      }),
    ).toEqual({ lossValuePerTakeover: '1500', currency: 'EUR' });
    expect(await new GetKpiSettingsUseCase(s).execute('t')).toEqual({
      lossValuePerTakeover: '1500',
      currency: 'EUR',
    });
  });

  it('changes nothing on invalid settings', async () => {
    const s = store();
    s.rows.set('t', { lossValuePerTakeover: '10', currency: 'USD' });
    await expect(
      new SetKpiSettingsUseCase(s).execute({ tenantId: 't', lossValuePerTakeover: '-5', currency: 'EUR' }),
    ).rejects.toMatchObject({ code: 'KPI_SETTINGS_INVALID' });
    expect(s.rows.get('t')).toEqual({ lossValuePerTakeover: '10', currency: 'USD' });
  });
});
