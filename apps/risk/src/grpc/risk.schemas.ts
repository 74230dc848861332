import { z } from 'zod';
import type { Action, AttemptContext, PasswordCheck } from '../domain/assessment';
import { DEFAULT_RISK_POLICY, MFA_MODES, type RiskPolicy } from '../domain/risk-policy';
import { SIGNAL_CODES, SIGNAL_DEFAULTS } from '../domain/signals';

/** proto3 sends "" / 0 / null for an absent field; the edge turns that into undefined. */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' || v === 0 || v === null ? undefined : v), schema.optional());

const uuid = z.uuid({ error: 'must be a UUID' });
const printable = (max: number) =>
  z
    .string()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII');

const PASSWORD_CHECKS: Record<string, PasswordCheck> = {
  PASSWORD_CHECK_UNSPECIFIED: 'not_checked',
  PASSWORD_CHECK_PASSED: 'passed',
  PASSWORD_CHECK_FAILED: 'failed',
};

const actionType = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lower-case name such as payment (at most 64 characters)');
const amount = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, 'must be a non-negative decimal such as 1250.00');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

const stepUp = z.object({
  type: actionType,
  amount: optional(amount),
  currency: optional(currency),
});

/** A user agent longer than this is not a browser's: refused rather than truncated. */
export const MAX_USER_AGENT = 1024;

export const scoreAttemptSchema = z
  .object({
    tenantId: uuid,
    attemptId: printable(128),
    userId: optional(uuid),
    clientIp: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }),
    userAgent: z.string().max(MAX_USER_AGENT, `must be at most ${MAX_USER_AGENT} characters`).default(''),
    deviceId: optional(printable(256)),
    deviceRemembered: z.boolean().default(false),
    passwordCheck: z
      .enum(Object.keys(PASSWORD_CHECKS) as [string, ...string[]], {
        error: 'must be PASSWORD_CHECK_PASSED, PASSWORD_CHECK_FAILED or unset',
      })
      .default('PASSWORD_CHECK_UNSPECIFIED'),
    stepUp: optional(stepUp),
  })
  .transform((r): AttemptContext => {
    const action: Action = r.stepUp
      ? { kind: 'step_up', type: r.stepUp.type, amount: r.stepUp.amount, currency: r.stepUp.currency }
      : { kind: 'sign_in' };
    return {
      tenantId: r.tenantId,
      attemptId: r.attemptId,
      userId: r.userId,
      clientIp: r.clientIp,
      userAgent: r.userAgent,
      deviceId: r.deviceId,
      deviceRemembered: r.deviceRemembered,
      action,
      passwordCheck: PASSWORD_CHECKS[r.passwordCheck],
    };
  });

export const tenantOnlySchema = z.object({ tenantId: uuid });

const orDefault = <S extends z.ZodType>(schema: S, fallback: unknown) =>
  z.preprocess((v) => (v === '' || v === 0 || v === undefined || v === null ? fallback : v), schema);

const threshold = z.number().int().min(1, 'must be 1 to 100').max(100, 'must be 1 to 100');

/** A policy message: absent (zero) fields take the defaults; everything else is range-checked. */
export const policySchema = z
  .object({
    mfaMode: orDefault(
      z.enum(MFA_MODES, { error: `must be one of ${MFA_MODES.join(', ')}` }),
      DEFAULT_RISK_POLICY.mfaMode,
    ),
    challengeThreshold: orDefault(threshold, DEFAULT_RISK_POLICY.challengeThreshold),
    denyThreshold: orDefault(threshold, DEFAULT_RISK_POLICY.denyThreshold),
    stepUpRules: z
      .array(
        z.object({
          actionType,
          minAmount: optional(amount),
          currency: optional(currency),
          decision: z.enum(['challenge', 'deny'], { error: 'must be challenge or deny' }),
        }),
      )
      .max(50, 'at most 50 rules')
      .default([]),
    signals: z
      .array(
        z
          .object({
            code: z.enum(SIGNAL_CODES as [string, ...string[]], { error: 'is not a known signal code' }),
            // Optional in the contract: absent (null from the loader) means enabled.
            enabled: z.preprocess((v) => v ?? undefined, z.boolean().default(true)),
            weight: z.preprocess(
              (v) => v ?? undefined,
              z.number().int().min(-100, 'must be -100 to 100').max(100, 'must be -100 to 100').optional(),
            ),
          })
          .transform((s) => ({
            ...s,
            weight: s.weight ?? SIGNAL_DEFAULTS[s.code as keyof typeof SIGNAL_DEFAULTS].weight,
          })),
      )
      .max(SIGNAL_CODES.length)
      .default([])
      .refine((s) => new Set(s.map((x) => x.code)).size === s.length, 'each signal at most once'),
    failMode: orDefault(z.enum(['challenge', 'deny'], { error: 'must be challenge or deny' }), 'challenge'),
  })
  .refine((p) => p.challengeThreshold <= p.denyThreshold, {
    error: 'challengeThreshold must not exceed denyThreshold',
    path: ['challengeThreshold'],
  }) as unknown as z.ZodType<RiskPolicy>;

export const setPolicySchema = z.object({
  tenantId: uuid,
  policy: z.preprocess((v) => v ?? {}, policySchema),
});
