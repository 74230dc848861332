import { type auditV1, factorsV1 } from '@portcullis/contracts';
import { z } from 'zod';
import type { AuditFilter, AuditQuery, KpiQuery } from '../domain/ports';

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

// Audit log and KPIs: shape and size only; audit owns the rules (known event types, time ranges
// it keeps, ISO 4217 membership) and its typed errors pass through.

/** An RFC 3339 date-time with its offset, as HTTP queries carry them. */
const rfc3339 = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 date-time such as 2025-01-31T09:30:00Z' })
  .transform((value) => new Date(value));
/** A google.protobuf.Timestamp as the gRPC loader hands it over (seconds as a string). */
const protoTimestamp = z
  .object(
    {
      seconds: z.union([z.string().regex(/^-?\d{1,12}$/), z.number().int()]),
      nanos: z.preprocess((v) => v ?? 0, z.number().int().min(0).max(999_999_999)),
    },
    { error: 'must be a google.protobuf.Timestamp' },
  )
  .transform((t) => new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000)));

const TIMES = { http: rfc3339, grpc: protoTimestamp } as const;
type Edge = keyof typeof TIMES;

interface TimeRange {
  readonly fromTime?: Date | undefined;
  readonly toTime?: Date | undefined;
}

/** A time range that ends before it starts is refused here: it could only ever be empty. */
const ordered = (range: TimeRange, ctx: z.RefinementCtx) => {
  if (range.fromTime && range.toTime && range.fromTime.getTime() >= range.toTime.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['toTime'], message: 'must be after fromTime' });
  }
};

/**
 * One schema per edge, with `fromTime` and `toTime` in the edge's form (RFC 3339 strings over
 * HTTP, Timestamps over gRPC): strict over HTTP, where unknown query parameters are refused, and
 * lenient over gRPC. Both end in the same domain shape.
 */
function timedEdge<S extends z.ZodRawShape, T>(
  shape: S,
  finish: (value: z.output<z.ZodObject<S>> & TimeRange) => T,
) {
  const build = (edge: Edge) => {
    const object = z.object({ ...shape, fromTime: optional(TIMES[edge]), toTime: optional(TIMES[edge]) });
    return (edge === 'http' ? object.strict() : object)
      .superRefine((v, ctx) => ordered(v as TimeRange, ctx))
      .transform((v) => finish(v as z.output<z.ZodObject<S>> & TimeRange));
  };
  return { http: build('http'), grpc: build('grpc') };
}

/** Outcomes audit records (see audit's outcome of an event). */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'challenged', 'none'] as const;

const auditFilterShape = {
  tenantId: uuid,
  userId: optional(z.string({ error: 'must be a string' }).max(64, 'must be at most 64 characters')),
  type: optional(
    z
      .string({ error: 'must be a string' })
      .max(128, 'must be at most 128 characters')
      .describe('An event type (identity.user.created) or a prefix ending in a dot (factors.).'),
  ),
  outcome: optional(z.enum(AUDIT_OUTCOMES, { error: `must be one of ${AUDIT_OUTCOMES.join(', ')}` })),
};

const toFilter = (v: z.output<z.ZodObject<typeof auditFilterShape>> & TimeRange): AuditFilter => ({
  tenantId: v.tenantId,
  userId: v.userId,
  type: v.type,
  outcome: v.outcome,
  from: v.fromTime,
  to: v.toTime,
});

export const listAuditEventsSchema = timedEdge(
  {
    ...auditFilterShape,
    // 0 is proto3's "not set".
    pageSize: z.preprocess(
      (v) => (v === '' || v === 0 || v === undefined ? undefined : v),
      z.coerce.number({ error: 'must be a number' }).int().min(1).max(500).optional(),
    ),
    pageToken: optional(z.string().max(200)),
  },
  (v): AuditQuery => ({ ...toFilter(v), pageSize: v.pageSize, pageToken: v.pageToken }),
);

export const exportAuditEventsSchema = timedEdge(auditFilterShape, toFilter);

export const verifyAuditLogSchema = z.object({ tenantId: uuid });

export const getMfaKpisSchema = timedEdge({ tenantId: uuid }, (v): KpiQuery => ({
  tenantId: v.tenantId,
  from: v.fromTime,
  to: v.toTime,
}));

export const getKpiSettingsSchema = z.object({ tenantId: uuid });

const kpiSettingsShape = {
  lossValuePerTakeover: z
    .string({ error: 'must be a decimal string such as 1500.00' })
    .regex(/^\d{1,15}(\.\d{1,6})?$/, 'must be a non-negative decimal such as 1500.00'),
  currency: z
    .string({ error: 'must be an ISO 4217 code such as USD' })
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
    .transform((code) => code.toUpperCase()),
};

/** HTTP: the settings themselves are the body (`{lossValuePerTakeover, currency}`); gRPC: `settings`. */
export const setKpiSettingsSchema = {
  http: z
    .object({ tenantId: uuid, ...kpiSettingsShape })
    .strict()
    .transform(({ tenantId, ...settings }): SetKpiSettingsInput => ({ tenantId, settings })),
  grpc: z.object({
    tenantId: uuid,
    settings: z.preprocess((v) => v ?? undefined, z.object(kpiSettingsShape, { error: 'is required' })),
  }),
};

export interface SetKpiSettingsInput {
  readonly tenantId: string;
  readonly settings: auditV1.KpiSettings;
}

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
