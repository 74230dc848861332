import { formatDecimal, parseDecimal } from './decimal';
import { kpiSettingsInvalid } from './kpi.errors';

/** What a tenant says one account takeover costs it. */
export interface KpiSettings {
  /** Decimal string, at least 0, at most 4 decimals. */
  readonly lossValuePerTakeover: string;
  /** ISO 4217. */
  readonly currency: string;
}

export const DEFAULT_KPI_SETTINGS: KpiSettings = Object.freeze({
  lossValuePerTakeover: '0',
  currency: 'USD',
});

/** numeric(22,4) in the database: 18 whole digits, 4 decimals. */
export const LOSS_VALUE = /^\d{1,18}(\.\d{1,4})?$/;
export const CURRENCY = /^[A-Z]{3}$/;

/** Validated, normalised settings ("1500.00" → "1500"), or KPI_SETTINGS_INVALID. */
export function kpiSettings(input: { lossValuePerTakeover: string; currency: string }): KpiSettings {
  if (!LOSS_VALUE.test(input.lossValuePerTakeover)) {
    throw kpiSettingsInvalid(
      'loss_value_per_takeover',
      'must be a decimal number of at least 0 with at most 4 decimals, e.g. 1500.00',
    );
  }
  if (!CURRENCY.test(input.currency)) {
    throw kpiSettingsInvalid('currency', 'must be an ISO 4217 code of 3 upper-case letters, e.g. USD');
  }
  const value = parseDecimal(input.lossValuePerTakeover);
  if (!value) throw kpiSettingsInvalid('loss_value_per_takeover', 'must be a decimal number');
  return { lossValuePerTakeover: formatDecimal(value), currency: input.currency };
}
