import { kpiSettings } from './kpi-settings';

describe('kpiSettings', () => {
  it.each([
    ['1500.00', '1500'],
    ['0', '0'],
    ['0.0001', '0.0001'],
    ['250.5', '250.5'],
  ])('accepts %s as %s', (value, normalised) => {
    expect(kpiSettings({ lossValuePerTakeover: value, currency: 'EUR' })).toEqual({
      lossValuePerTakeover: normalised,
      currency: 'EUR',
    });
  });

  it.each([
    [{ lossValuePerTakeover: '-1', currency: 'USD' }, 'loss_value_per_takeover'],
    [{ lossValuePerTakeover: '1.23456', currency: 'USD' }, 'loss_value_per_takeover'],
    [{ lossValuePerTakeover: '1e3', currency: 'USD' }, 'loss_value_per_takeover'],
    [{ lossValuePerTakeover: '', currency: 'USD' }, 'loss_value_per_takeover'],
    [{ lossValuePerTakeover: '10', currency: 'usd' }, 'currency'],
    [{ lossValuePerTakeover: '10', currency: 'US' }, 'currency'],
    [{ lossValuePerTakeover: '10', currency: 'EURO' }, 'currency'],
  ])('refuses %j', (input, field) => {
    expect(() => kpiSettings(input)).toThrow(
      expect.objectContaining({
        kind: 'INVALID_ARGUMENT',
        code: 'KPI_SETTINGS_INVALID',
        details: { violations: [expect.objectContaining({ field })] },
      }),
    );
  });
});
