import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

/** proto3 sends "" for an absent string; the edge turns that into undefined. */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const uuid = z.uuid({ error: 'must be a UUID' });

/** Printable, no control characters, bounded: external ids end up in logs and URLs. */
const externalId = z
  .string()
  .min(1, 'is required')
  .max(256, 'must be at most 256 characters')
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');

const email = z
  .string()
  .max(254, 'must be at most 254 characters')
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.email({ error: 'must be an email address' }));

/** Accepts an international number (with +) and stores it as E.164. */
const phoneNumber = z
  .string()
  .max(32, 'must be at most 32 characters')
  .transform((v, ctx) => {
    const parsed = parsePhoneNumberFromString(v);
    if (!parsed || !parsed.isValid()) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a valid international phone number (E.164, e.g. +14155550123)',
      });
      return z.NEVER;
    }
    return parsed.number;
  });

export const createTenantSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
});

export const getTenantSchema = z.object({ tenantId: uuid });

export const createUserSchema = z.object({
  tenantId: uuid,
  externalId,
  email: optional(email),
  phoneNumber: optional(phoneNumber),
});

export const getUserSchema = z.union(
  [z.object({ tenantId: uuid, userId: uuid }), z.object({ tenantId: uuid, externalId })],
  { error: 'one of userId or externalId is required' },
);

/** Normalises the proto oneof into the union the schema expects. */
export function getUserInput(request: { tenantId: string; userId?: string; externalId?: string }) {
  return request.userId
    ? { tenantId: request.tenantId, userId: request.userId }
    : request.externalId
      ? { tenantId: request.tenantId, externalId: request.externalId }
      : { tenantId: request.tenantId };
}
