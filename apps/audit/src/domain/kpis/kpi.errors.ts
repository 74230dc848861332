import { DomainError } from '@portcullis/errors';

export const KpiErrorCodes = {
  KPI_PERIOD_INVALID: 'KPI_PERIOD_INVALID',
  KPI_SETTINGS_INVALID: 'KPI_SETTINGS_INVALID',
} as const;

export const kpiPeriodInvalid = (field: 'from_time' | 'to_time', detail: string) =>
  new DomainError(
    'INVALID_ARGUMENT',
    KpiErrorCodes.KPI_PERIOD_INVALID,
    `The KPI period is invalid: ${detail}`,
    {
      violations: [{ field, description: detail }],
    },
  );

export const kpiSettingsInvalid = (field: string, description: string) =>
  new DomainError(
    'INVALID_ARGUMENT',
    KpiErrorCodes.KPI_SETTINGS_INVALID,
    `The KPI settings are invalid: ${field} ${description}`,
    { violations: [{ field, description }] },
  );
