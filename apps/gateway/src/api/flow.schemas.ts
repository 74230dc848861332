import { z } from 'zod';
import type { AuthPolicy } from '../domain/auth-policy';
import type { ActionDetails, ClientContext } from '../domain/authentication';
import type { UserLookup } from '../domain/ports';

/**
 * Edge schemas of the sign-in flows, shared by HTTP and gRPC. Each comes as an object schema
 * (HTTP makes it strict) and a finishing step: proto3 sends "" and null for absent fields, and the
 * gRPC loader adds a virtual key naming the chosen oneof member; both are normalised here.
 */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const orDefault = <S extends z.ZodType>(schema: S, fallback: unknown) =>
  z.preprocess((v) => (v === '' || v === 0 || v === undefined || v === null ? fallback : v), schema);

const uuid = z.uuid({ error: 'must be a UUID' });
const printable = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x20-\x7E]*$/, 'must be printable ASCII');
const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`);

const context = z.preprocess(
  (v) => v ?? {},
  z.object({
    ip: optional(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })),
    userAgent: optional(z.string().max(1024, 'must be at most 1024 characters')),
    deviceId: optional(printable(256)),
    deviceToken: optional(printable(4096)),
  }),
) as z.ZodType<ClientContext>;

export const actionSchema = z.object({
  type: z
    .string({ error: 'is required' })
    .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lower-case name such as payment (at most 64 characters)'),
  amount: optional(
    z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, 'must be a non-negative decimal such as 120.00'),
  ),
  currency: optional(z.string().regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as EUR')),
  payee: optional(text(200)),
  reference: optional(text(200)),
});

const normaliseAction = (a: z.infer<typeof actionSchema>): ActionDetails => ({
  type: a.type,
  ...(a.amount !== undefined ? { amount: a.amount } : {}),
  ...(a.currency !== undefined ? { currency: a.currency.toUpperCase() } : {}),
  ...(a.payee !== undefined ? { payee: a.payee } : {}),
  ...(a.reference !== undefined ? { reference: a.reference } : {}),
});

/** An object schema for both edges: strict over HTTP (unknown fields refused), lenient for gRPC. */
function edge<S extends z.ZodRawShape, T>(
  shape: S,
  finish: (value: z.infer<z.ZodObject<S>>, ctx: z.RefinementCtx) => T,
) {
  const loose = z.object(shape);
  return {
    http: loose.strict().transform((v, ctx) => finish(v as z.infer<z.ZodObject<S>>, ctx)),
    grpc: loose.transform((v, ctx) => finish(v as z.infer<z.ZodObject<S>>, ctx)),
  };
}

const oneOf = (ctx: z.RefinementCtx, fields: string, present: number) => {
  if (present !== 1) ctx.addIssue({ code: 'custom', message: `exactly one of ${fields} is required` });
};

export const startAuthenticationSchema = edge(
  {
    tenantId: uuid,
    userId: optional(uuid),
    externalId: optional(text(256)),
    email: optional(z.string().trim().max(254, 'must be at most 254 characters')),
    password: optional(z.string({ error: 'must be a string' }).max(1024, 'must be at most 1024 characters')),
    context,
    login: z.unknown().optional(),
  },
  (v, ctx) => {
    oneOf(ctx, 'userId, externalId or email', [v.userId, v.externalId, v.email].filter(Boolean).length);
    const login: UserLookup = v.userId
      ? { tenantId: v.tenantId, userId: v.userId }
      : v.externalId
        ? { tenantId: v.tenantId, externalId: v.externalId }
        : { tenantId: v.tenantId, email: v.email ?? '' };
    return { tenantId: v.tenantId, login, password: v.password, context: v.context };
  },
);

export const startStepUpSchema = edge(
  { tenantId: uuid, userId: uuid, action: actionSchema, context },
  (v) => ({ tenantId: v.tenantId, userId: v.userId, action: normaliseAction(v.action), context: v.context }),
);

export const startPasswordlessSchema = edge({ tenantId: uuid, context }, (v) => v);

export const authenticationRefSchema = edge({ tenantId: uuid, authenticationId: uuid }, (v) => v);

export const startAuthenticationChallengeSchema = edge(
  {
    tenantId: uuid,
    authenticationId: uuid,
    factorId: uuid,
    locale: z.preprocess(
      (v) => (v === '' || v === undefined || v === null ? 'en' : v),
      z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as en or pt-BR'),
    ),
  },
  (v) => v,
);

export const verifyAuthenticationSchema = edge(
  {
    tenantId: uuid,
    authenticationId: uuid,
    challengeId: uuid,
    code: optional(z.string().max(64, 'must be at most 64 characters')),
    webauthnResponseJson: optional(z.string().max(16_384, 'must be at most 16 KiB')),
    rememberDevice: z.preprocess((v) => v ?? false, z.boolean({ error: 'must be true or false' })),
    answer: z.unknown().optional(),
  },
  (v, ctx) => {
    oneOf(
      ctx,
      'code or webauthnResponseJson',
      [v.code, v.webauthnResponseJson].filter((x) => x !== undefined).length,
    );
    return {
      tenantId: v.tenantId,
      authenticationId: v.authenticationId,
      challengeId: v.challengeId,
      answer:
        v.code !== undefined ? { code: v.code } : { webauthnResponseJson: v.webauthnResponseJson ?? '' },
      rememberDevice: v.rememberDevice,
    };
  },
);

export const introspectAssertionSchema = edge(
  {
    tenantId: uuid,
    token: z
      .string({ error: 'is required' })
      .min(1, 'is required')
      .max(8192, 'must be at most 8192 characters'),
    action: optional(actionSchema),
  },
  (v) => ({ tenantId: v.tenantId, token: v.token, action: v.action ? normaliseAction(v.action) : undefined }),
);

export const userRefSchema = edge({ tenantId: uuid, userId: uuid }, (v) => v);

export const deviceTokenRefSchema = edge({ tenantId: uuid, userId: uuid, tokenId: uuid }, (v) => v);

export const setPasswordSchema = edge(
  {
    tenantId: uuid,
    userId: uuid,
    password: z
      .string({ error: 'is required' })
      .min(1, 'is required')
      .max(1024, 'must be at most 1024 characters'),
  },
  (v) => v,
);

export const lockUserSchema = edge({ tenantId: uuid, userId: uuid, reason: text(500) }, (v) => v);

export const tenantRefSchema = edge({ tenantId: uuid }, (v) => v);

const authPolicy = z.preprocess(
  (v) => v ?? {},
  z.object({
    assertionLifetimeSeconds: orDefault(
      z.number().int().min(30, 'must be 30 to 900').max(900, 'must be 30 to 900'),
      300,
    ),
    authenticationLifetimeSeconds: orDefault(
      z.number().int().min(60, 'must be 60 to 1800').max(1800, 'must be 60 to 1800'),
      600,
    ),
    deviceTokenLifetimeDays: orDefault(
      z.number().int().min(1, 'must be 1 to 365').max(365, 'must be 1 to 365'),
      30,
    ),
    withoutFactors: orDefault(z.enum(['deny', 'allow'], { error: 'must be deny or allow' }), 'deny'),
    deviceTokensDisabled: z.preprocess((v) => v ?? false, z.boolean({ error: 'must be true or false' })),
  }),
) as z.ZodType<AuthPolicy>;

export const setAuthPolicySchema = edge({ tenantId: uuid, policy: authPolicy }, (v) => v);

/** Risk validates its own policy; the edge only checks the envelope. */
export const setRiskPolicySchema = edge(
  { tenantId: uuid, policy: z.preprocess((v) => v ?? {}, z.record(z.string(), z.unknown())) },
  (v) => v,
);
