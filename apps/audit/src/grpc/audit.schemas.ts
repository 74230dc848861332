import { fromTimestamp } from '@portcullis/contracts';
import type { Timestamp } from '@portcullis/contracts';
import { z } from 'zod';
import { AUDIT_OUTCOMES } from '../domain/audit-event';

const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const timestamp = z.preprocess(
  (v) => (v && typeof v === 'object' ? fromTimestamp(v as Timestamp) : undefined),
  z.date().optional(),
);

const filterShape = {
  tenantId: z.uuid({ error: 'must be a UUID' }),
  userId: optional(z.string().max(64)),
  type: optional(
    z
      .string()
      .max(128)
      .regex(
        /^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$/,
        'must be an event type such as identity.user.created, or a prefix such as factors.',
      ),
  ),
  outcome: optional(z.enum(AUDIT_OUTCOMES, { error: `must be one of ${AUDIT_OUTCOMES.join(', ')}` })),
  from: timestamp,
  to: timestamp,
};

const ordered = <T extends { from?: Date | undefined; to?: Date | undefined }>(v: T) =>
  !v.from || !v.to || v.from < v.to;
const orderedError = { error: 'from_time must be before to_time', path: ['to'] };

export const listAuditEventsSchema = z
  .preprocess(
    (v) => {
      const r = v as { fromTime?: unknown; toTime?: unknown };
      return { ...r, from: r.fromTime, to: r.toTime };
    },
    z.object({
      ...filterShape,
      pageSize: z.preprocess((v) => (v === 0 || v === undefined ? 50 : v), z.number().int().min(1).max(500)),
      pageToken: optional(z.string().max(200)),
    }),
  )
  .refine(ordered, orderedError);

export const exportAuditEventsSchema = z
  .preprocess((v) => {
    const f = (v as { filter?: Record<string, unknown> }).filter ?? {};
    return { ...f, from: f['fromTime'], to: f['toTime'] };
  }, z.object(filterShape))
  .refine(ordered, orderedError);

export const verifyAuditChainSchema = z.object({ tenantId: z.uuid({ error: 'must be a UUID' }) });
