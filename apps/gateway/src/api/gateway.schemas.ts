import { factorsV1 } from '@portcullis/contracts';
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

// Factors and challenges: shape and size only; factors owns the rules (known types, code formats,
// name syntax, policy ranges) and its typed errors pass through.

const optionalUuid = optional(uuid);
const factorType = z
  .string({ error: 'must be a string' })
  .min(1, 'is required')
  .max(32, 'must be at most 32 characters');
const factorName = optional(
  z.string({ error: 'must be a string' }).max(100, 'must be at most 100 characters'),
);
const locale = optional(z.string({ error: 'must be a string' }).max(35, 'must be at most 35 characters'));
const authenticationId = z
  .string({ error: 'must be a string' })
  .min(1, 'is required')
  .max(128, 'must be at most 128 characters');
/** gRPC sends false for an absent bool; JSON bodies may omit it. */
const flag = optional(z.boolean({ error: 'must be true or false' }));
/** A bool in a query string: `true` or `false`. */
const queryFlag = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v === '' ? undefined : v),
  z.boolean({ error: 'must be true or false' }).optional(),
);
/** The answer to an enrolment or a challenge: a code or a WebAuthn response (proto3 JSON of Proof). */
const proof = z.preprocess(
  (v) => (v === null ? undefined : v),
  z.object(
    {
      code: optional(z.string({ error: 'must be a string' }).max(64, 'must be at most 64 characters')),
      webauthnResponseJson: optional(
        z.string({ error: 'must be a string' }).max(16_384, 'must be at most 16384 characters'),
      ),
    },
    { error: 'must be an object with code or webauthnResponseJson' },
  ),
);
/**
 * A FactorPolicy in proto3 JSON (HTTP) or as the decoded message (gRPC): any object, converted by
 * the generated fromJSON. Factors range-checks every field; the body limit caps the size.
 */
const factorPolicy = z
  .looseObject({}, { error: 'must be an object' })
  .transform((policy) => factorsV1.FactorPolicy.fromJSON(policy));

/** The end user's IP, as the product backend saw it (for delivery's per-IP send budgets). */
const clientIp = optional(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }));

export const beginFactorEnrollmentSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  type: factorType,
  name: factorName,
  destination: optional(z.string({ error: 'must be a string' }).max(254, 'must be at most 254 characters')),
  mfaProof: optionalUuid,
  locale,
  clientIp,
});

export const activateFactorSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  enrollmentId: uuid,
  proof,
});

export const listFactorsSchema = z.object({ tenantId: uuid, userId: uuid, includeRemoved: queryFlag });

export const updateFactorSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  factorId: uuid,
  name: factorName,
  preferred: flag,
});

export const removeFactorSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  factorId: uuid,
  mfaProof: optionalUuid,
});

export const resetFactorsSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  reason: z
    .string({ error: 'must be a string' })
    .min(1, 'is required')
    .max(500, 'must be at most 500 characters'),
});

export const startChallengeSchema = z.object({
  tenantId: uuid,
  userId: optionalUuid,
  factorId: optionalUuid,
  authenticationId,
  action: optional(z.string({ error: 'must be a string' }).max(200, 'must be at most 200 characters')),
  locale,
  passwordless: flag,
  clientIp,
});

export const verifyChallengeSchema = z.object({
  tenantId: uuid,
  challengeId: uuid,
  authenticationId,
  proof,
});

export const getFactorPolicySchema = z.object({ tenantId: uuid });

export const setFactorPolicySchema = z.object({ tenantId: uuid, policy: factorPolicy });

/** The gRPC oneof arrives as two optional fields (plus a marker); the schema wants one shape. */
export function userLookupOf(r: { tenantId?: unknown; userId?: unknown; externalId?: unknown }) {
  return r.userId
    ? { tenantId: r.tenantId, userId: r.userId }
    : { tenantId: r.tenantId, externalId: r.externalId };
}
