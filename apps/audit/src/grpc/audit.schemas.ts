import { z } from 'zod';

const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

export const listAuditEventsSchema = z.object({
  tenantId: z.uuid({ error: 'must be a UUID' }),
  userId: optional(z.string().max(64)),
  type: optional(
    z
      .string()
      .max(128)
      .regex(/^[a-z0-9_.-]+$/, 'must be an event type such as identity.user.created'),
  ),
  pageSize: z.preprocess((v) => (v === 0 || v === undefined ? 50 : v), z.number().int().min(1).max(500)),
  pageToken: optional(z.string().max(200)),
});
