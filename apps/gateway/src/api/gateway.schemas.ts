import { z } from 'zod';

/**
 * Shape and size checks of the public API, shared by the HTTP and gRPC edges. Semantic rules
 * (email syntax, phone numbers, tenant existence) belong to the owning service, whose typed
 * errors pass through unchanged.
 */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const uuid = z.uuid({ error: 'must be a UUID' });
const externalId = z
  .string({ error: 'must be a string' })
  .min(1, 'is required')
  .max(256, 'must be at most 256 characters');

export const createTenantSchema = z.object({
  name: z
    .string({ error: 'must be a string' })
    .min(1, 'is required')
    .max(200, 'must be at most 200 characters'),
});

export const createUserSchema = z.object({
  tenantId: uuid,
  externalId,
  email: optional(z.string({ error: 'must be a string' }).max(254, 'must be at most 254 characters')),
  phoneNumber: optional(z.string({ error: 'must be a string' }).max(32, 'must be at most 32 characters')),
});

export const getUserSchema = z.union(
  [z.object({ tenantId: uuid, userId: uuid }), z.object({ tenantId: uuid, externalId })],
  { error: 'tenantId and one of userId or externalId are required' },
);

export const listAuditEventsSchema = z.object({
  tenantId: uuid,
  userId: optional(z.string().max(64)),
  type: optional(z.string().max(128)),
  // 0 is proto3's "not set".
  pageSize: z.preprocess(
    (v) => (v === '' || v === 0 || v === undefined ? undefined : v),
    z.coerce.number({ error: 'must be a number' }).int().min(1).max(500).optional(),
  ),
  pageToken: optional(z.string().max(200)),
});

/** The gRPC oneof arrives as two optional fields (plus a marker); the schema wants one shape. */
export function userLookupOf(r: { tenantId?: unknown; userId?: unknown; externalId?: unknown }) {
  return r.userId
    ? { tenantId: r.tenantId, userId: r.userId }
    : { tenantId: r.tenantId, externalId: r.externalId };
}
