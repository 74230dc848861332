import { fromTimestamp, type Timestamp } from '@portcullis/contracts';
import { z } from 'zod';
import { CURRENCY, LOSS_VALUE } from '../domain/kpis/kpi-settings';

const tenantId = z.uuid({ error: 'must be a UUID' });

const timestamp = z.preprocess(
  (v) => (v && typeof v === 'object' ? fromTimestamp(v as Timestamp) : undefined),
  z.date().optional(),
);

/** The period itself (order, length) is the use-case's to check: KPI_PERIOD_INVALID. */
export const getMfaKpisSchema = z.preprocess(
  (v) => {
    const r = (v ?? {}) as { fromTime?: unknown; toTime?: unknown };
    return { ...r, from: r.fromTime, to: r.toTime };
  },
  z.object({ tenantId, from: timestamp, to: timestamp }),
);

export const getKpiSettingsSchema = z.object({ tenantId });

export const setKpiSettingsSchema = z
  .object({
    tenantId,
    settings: z.object(
      {
        lossValuePerTakeover: z
          .string()
          .regex(LOSS_VALUE, 'must be a decimal number of at least 0 with at most 4 decimals, e.g. 1500.00'),
        currency: z.string().regex(CURRENCY, 'must be an ISO 4217 code of 3 upper-case letters, e.g. USD'),
      },
      { error: 'is required' },
    ),
  })
  .transform((r) => ({ tenantId: r.tenantId, ...r.settings }));
