import {
  type Config,
  eventDrivenServiceSchema,
  loadConfig,
  port,
  secret,
  keyRingSecret,
} from '@portcullis/config';
import { z } from 'zod';

const providerList = <P extends string>(names: readonly [P, ...P[]]) =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(names, { error: `must name providers among ${names.join(', ')}` })));

/** Twilio credentials: account SIDs start with AC; auth tokens are 32 characters. */
const twilioSid = z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex)');

export const deliveryConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50063,
  database: 'portcullis_delivery',
})
  .extend({
    /** Receipts (provider status callbacks) listen here. */
    HTTP_HOST: z.string().default('127.0.0.1'),
    HTTP_PORT: port(8083),
    /** The public base URL of the receipts endpoint, as Twilio calls it (signatures cover it). */
    DELIVERY_PUBLIC_URL: z.url().optional(),
    /** Shared with factors: opens the sealed codes of factors.code.issued. */
    CODE_TRANSPORT_KEYS: keyRingSecret(),
    /** Pepper of the keyed hashes that budgets count destinations and IPs by. */
    DELIVERY_HASH_KEY: secret(32),
    /** Ordered failover lists per channel. */
    SMS_PROVIDERS: providerList(['twilio', 'webhook']),
    VOICE_PROVIDERS: providerList(['twilio']),
    EMAIL_PROVIDERS: providerList(['smtp']),
    TWILIO_ACCOUNT_SID: twilioSid.optional(),
    TWILIO_AUTH_TOKEN: secret(32).optional(),
    TWILIO_FROM_NUMBER: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number')
      .optional(),
    TWILIO_MESSAGING_SERVICE_SID: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/)
      .optional(),
    /** Twilio's REST base URL; only tests and proxies change it. */
    TWILIO_API_URL: z.url().optional(),
    SMS_WEBHOOK_URL: z.url().optional(),
    SMS_WEBHOOK_SECRET: secret(32).optional(),
    /** smtp://user:pass@host:port (add ?tls=off for a local relay) or smtps://… */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    EMAIL_FROM: z.string().min(3).default('Portcullis <no-reply@localhost>'),
    PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(3000),
    PROVIDER_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    PROVIDER_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(10_000).default(200),
    /** Shown in messages of tenants delivery has not heard the name of yet. */
    DEFAULT_TENANT_NAME: z.string().min(1).default('Portcullis'),
    DELIVERY_CONSUMER_GROUP: z.string().min(1).default('portcullis-delivery'),
  })
  // Every listed provider needs its credentials; production needs a provider per channel.
  .superRefine((c, ctx) => {
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const twilio = c.SMS_PROVIDERS.includes('twilio') || c.VOICE_PROVIDERS.includes('twilio');
    if (twilio) {
      need(c.TWILIO_ACCOUNT_SID !== undefined, 'TWILIO_ACCOUNT_SID', 'is required when twilio is a provider');
      need(c.TWILIO_AUTH_TOKEN !== undefined, 'TWILIO_AUTH_TOKEN', 'is required when twilio is a provider');
      need(
        c.TWILIO_FROM_NUMBER !== undefined || c.TWILIO_MESSAGING_SERVICE_SID !== undefined,
        'TWILIO_FROM_NUMBER',
        'or TWILIO_MESSAGING_SERVICE_SID is required when twilio is a provider',
      );
    }
    if (c.VOICE_PROVIDERS.includes('twilio')) {
      need(c.TWILIO_FROM_NUMBER !== undefined, 'TWILIO_FROM_NUMBER', 'is required for voice calls');
    }
    if (c.SMS_PROVIDERS.includes('webhook')) {
      need(c.SMS_WEBHOOK_URL !== undefined, 'SMS_WEBHOOK_URL', 'is required when webhook is a provider');
      need(
        c.SMS_WEBHOOK_SECRET !== undefined,
        'SMS_WEBHOOK_SECRET',
        'is required when webhook is a provider',
      );
    }
    if (c.EMAIL_PROVIDERS.includes('smtp'))
      need(c.SMTP_URL !== undefined, 'SMTP_URL', 'is required when smtp is a provider');
    if (c.NODE_ENV === 'production') {
      for (const key of ['SMS_PROVIDERS', 'VOICE_PROVIDERS', 'EMAIL_PROVIDERS'] as const) {
        need(c[key].length > 0, key, 'must name at least one provider in production');
      }
      need(
        c.DELIVERY_PUBLIC_URL !== undefined,
        'DELIVERY_PUBLIC_URL',
        'is required in production (receipts)',
      );
    }
  });

export type DeliveryConfig = Config<typeof deliveryConfigSchema>;

/** The only reader of process.env in this service. */
export function loadDeliveryConfig(env: Readonly<Record<string, string | undefined>>): DeliveryConfig {
  return loadConfig(deliveryConfigSchema, env);
}
