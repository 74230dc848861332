import { z } from 'zod';
import { FACTOR_TYPES } from '../domain/factor';
import type { FactorPolicy } from '../domain/factor-policy';

/** proto3 sends "" / 0 for an absent field; the edge turns that into undefined. */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === 0 || v === null ? undefined : v), schema.optional());

const uuid = z.uuid({ error: 'must be a UUID' });
const factorType = z.enum(FACTOR_TYPES, { error: `must be one of ${FACTOR_TYPES.join(', ')}` });
const name = z.string().trim().min(1).max(100, 'must be at most 100 characters');
const locale = z.preprocess(
  (v) => (v === '' || v === undefined ? 'en' : v),
  z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as en or pt-BR'),
);
/** Authentication ids come from the gateway: opaque, bounded, printable. */
const bindingId = z
  .string()
  .min(1, 'is required')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII');

const proof = z
  .object({
    code: optional(z.string().max(64, 'must be at most 64 characters')),
    webauthnResponseJson: optional(z.string().max(16_384, 'must be at most 16 KiB')),
  })
  .transform((p, ctx) => {
    if (p.code !== undefined) return { code: p.code };
    if (p.webauthnResponseJson !== undefined) return { webauthnResponseJson: p.webauthnResponseJson };
    ctx.addIssue({ code: 'custom', message: 'one of code or webauthnResponseJson is required' });
    return z.NEVER;
  });

const clientIp = optional(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }));

export const beginEnrollmentSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  type: factorType,
  name: optional(name),
  accountName: z.string().min(1, 'is required').max(256),
  destination: optional(z.string().max(254)),
  mfaProof: optional(uuid),
  locale,
  clientIp,
});

export const activateFactorSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  enrollmentId: uuid,
  proof: z.preprocess((v) => v ?? {}, proof),
});

export const listFactorsSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  includeRemoved: z.boolean().default(false),
});

export const updateFactorSchema = z
  .object({
    tenantId: uuid,
    userId: uuid,
    factorId: uuid,
    name: optional(name),
    preferred: z.boolean().default(false),
  })
  .refine((u) => u.name !== undefined || u.preferred, {
    error: 'nothing to change: give a name or preferred',
  });

export const removeFactorSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  factorId: uuid,
  mfaProof: optional(uuid),
});

export const resetFactorsSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  reason: z.string().trim().min(1, 'is required').max(500),
  actor: z.string().min(1, 'is required').max(256),
});

export const startChallengeSchema = z
  .object({
    tenantId: uuid,
    userId: optional(uuid),
    factorId: optional(uuid),
    authenticationId: bindingId,
    action: z.string().max(200).default(''),
    locale,
    passwordless: z.boolean().default(false),
    clientIp,
  })
  .refine((c) => c.passwordless || (c.userId && c.factorId), {
    error: 'userId and factorId are required unless passwordless',
  });

export const verifyChallengeSchema = z.object({
  tenantId: uuid,
  challengeId: uuid,
  authenticationId: bindingId,
  proof: z.preprocess((v) => v ?? {}, proof),
});

export const tenantOnlySchema = z.object({ tenantId: uuid });

const origin = z
  .url({ error: 'must be an origin such as https://app.example.com' })
  .refine((v) => new URL(v).origin === v, 'must be an origin (scheme, host, port; no path)');

/** A policy message: absent (zero) fields take the defaults; everything else is range-checked. */
export function policySchema(defaults: FactorPolicy) {
  const d = defaults;
  const orDefault = <S extends z.ZodType>(schema: S, fallback: unknown) =>
    z.preprocess(
      (v) =>
        v === '' || v === 0 || v === undefined || v === null || (Array.isArray(v) && v.length === 0)
          ? fallback
          : v,
      schema,
    );
  return z.object({
    allowedTypes: z.array(factorType).max(FACTOR_TYPES.length).default([]),
    totp: z.preprocess(
      (v) => v ?? {},
      z.object({
        issuer: orDefault(z.string().min(1).max(100), d.totp.issuer),
        algorithm: orDefault(z.enum(['SHA1', 'SHA256', 'SHA512']), d.totp.algorithm),
        digits: orDefault(z.union([z.literal(6), z.literal(8)], { error: 'must be 6 or 8' }), d.totp.digits),
        period: orDefault(
          z.union([z.literal(30), z.literal(60)], { error: 'must be 30 or 60' }),
          d.totp.period,
        ),
        driftSteps: orDefault(z.number().int().min(0).max(3), d.totp.driftSteps),
      }),
    ),
    webauthn: z.preprocess(
      (v) => v ?? {},
      z.object({
        rpId: orDefault(
          z
            .string()
            .regex(/^[a-z0-9.-]+$/, 'must be a domain name')
            .max(253),
          d.webauthn.rpId,
        ),
        rpName: orDefault(z.string().min(1).max(100), d.webauthn.rpName),
        origins: orDefault(z.array(origin).min(1).max(20), d.webauthn.origins),
        userVerification: orDefault(
          z.enum(['required', 'preferred', 'discouraged']),
          d.webauthn.userVerification,
        ),
        attestation: orDefault(z.enum(['none', 'indirect', 'direct', 'enterprise']), d.webauthn.attestation),
        authenticatorAttachment: z.enum(['', 'platform', 'cross-platform']).default(''),
        residentKey: orDefault(z.enum(['discouraged', 'preferred', 'required']), d.webauthn.residentKey),
        algorithms: orDefault(
          z
            .array(
              z.union([z.literal(-7), z.literal(-8), z.literal(-257)], { error: 'must be -7, -8 or -257' }),
            )
            .min(1),
          d.webauthn.algorithms,
        ),
        clonePolicy: orDefault(z.enum(['reject', 'flag']), d.webauthn.clonePolicy),
      }),
    ),
    // NIST SP 800-63B caps consecutive failures at 100.
    maxFailedAttempts: orDefault(z.number().int().min(1).max(100), d.maxFailedAttempts),
    lockoutSeconds: orDefault(z.number().int().min(1).max(86_400), d.lockoutSeconds),
    // SECURITY.md 6: out-of-band codes live at most 10 minutes.
    codeTtlSeconds: orDefault(z.number().int().min(30).max(600), d.codeTtlSeconds),
    codeLength: orDefault(z.number().int().min(6).max(10), d.codeLength),
    mfaProofMaxAgeSeconds: orDefault(z.number().int().min(30).max(3600), d.mfaProofMaxAgeSeconds),
  });
}
