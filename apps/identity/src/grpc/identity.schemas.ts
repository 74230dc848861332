import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { isIpAddress } from '../domain/client-network';
import { PASSWORD_MAX_RAW_UNITS } from '../domain/password-policy';
import type { UserLogin } from '../domain/user';

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

/**
 * The password as sent: its policy (length in code points after NFKC, blocklist) is the domain's
 * (`password-policy.ts`); the edge only refuses what no policy could accept. Never echoed.
 */
const password = z
  .string()
  .min(1, 'is required')
  .max(PASSWORD_MAX_RAW_UNITS, 'must be at most 128 characters');

/** Free text for the audit trail: trimmed, bounded, no control characters. */
const auditText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

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

/** The proto `oneof` of user aliases (user_id | external_id | email); "" is unset. */
const lookup = {
  userId: optional(uuid),
  externalId: optional(externalId),
  email: optional(email),
};

interface Lookup {
  userId?: string | undefined;
  externalId?: string | undefined;
  email?: string | undefined;
}

function exactlyOneLogin(value: Lookup, ctx: z.RefinementCtx): void {
  const set = [value.userId, value.externalId, value.email].filter((v) => v !== undefined).length;
  if (set !== 1) {
    ctx.addIssue({ code: 'custom', message: 'exactly one of userId, externalId or email is required' });
  }
}

/** `{ tenantId, userId | externalId | email, ... }` → `{ tenantId, login, ... }`. */
function toLogin<T extends Lookup>({ userId, externalId: ext, email: mail, ...rest }: T) {
  const login: UserLogin = userId ? { userId } : ext ? { externalId: ext } : { email: mail! };
  return { ...rest, login };
}

export const getUserSchema = z
  .object({ tenantId: uuid, ...lookup })
  .superRefine(exactlyOneLogin)
  .transform(toLogin);

export const setPasswordSchema = z.object({ tenantId: uuid, userId: uuid, password });

export const verifyPasswordSchema = z
  .object({
    tenantId: uuid,
    ...lookup,
    password,
    clientIp: optional(z.string().refine(isIpAddress, 'must be an IPv4 (dotted quad) or IPv6 address')),
  })
  .superRefine(exactlyOneLogin)
  .transform(toLogin);

export const userStatusChangeSchema = z.object({
  tenantId: uuid,
  userId: uuid,
  reason: auditText(500),
  actor: auditText(256),
});
