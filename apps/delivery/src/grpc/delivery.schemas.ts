import { z } from 'zod';
import { DEFAULT_DELIVERY_POLICY } from '../domain/delivery-policy';

const uuid = z.uuid({ error: 'must be a UUID' });

export const messageStatusSchema = z.object({ tenantId: uuid, codeId: uuid });
export const tenantOnlySchema = z.object({ tenantId: uuid });

/** Absent (zero) budgets take the defaults. */
const budget = (fallback: { limit: number; windowSeconds: number }) =>
  z.preprocess(
    (v) => (v && typeof v === 'object' && (v as { limit?: number }).limit ? v : fallback),
    z.object({
      limit: z.number().int().min(1).max(10_000_000),
      windowSeconds: z
        .number()
        .int()
        .min(1)
        .max(31 * 24 * 3600),
    }),
  );

const d = DEFAULT_DELIVERY_POLICY;
const TEMPLATE_KEY = /^(sms|voice|email)\.(en|es|fr|de|pt)$/;

export const deliveryPolicySchema = z.object({
  allowedCountries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'))
    .max(250)
    .default([]),
  // An empty list keeps the default block list (premium and satellite ranges): proto3 cannot tell
  // "none" from "not given", and the safe reading is to keep blocking.
  blockedPrefixes: z.preprocess(
    (v: unknown) => (Array.isArray(v) && v.length > 0 ? (v as unknown[]) : [...d.blockedPrefixes]),
    z.array(z.string().regex(/^\+\d{1,14}$/, 'must be an E.164 prefix such as +881')).max(1000),
  ),
  perNumber: budget(d.perNumber),
  perUser: budget(d.perUser),
  perIp: budget(d.perIp),
  perTenant: budget(d.perTenant),
  perCountry: budget(d.perCountry),
  burstAlert: budget(d.burstAlert),
  templates: z
    .record(
      z.string().regex(TEMPLATE_KEY, 'keys are <channel>.<locale>, e.g. sms.en'),
      z.string().min(1).max(640),
    )
    .default({})
    .refine(
      (t) => Object.values(t).every((text) => text.includes('{code}') || text.length > 0),
      'must not be empty',
    ),
});
