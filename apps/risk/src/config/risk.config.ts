import { type Config, eventDrivenServiceSchema, loadConfig, secret } from '@portcullis/config';
import { z } from 'zod';
import { parseFeedSources } from '../signals/ip-reputation/threat-feeds';

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const asnList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((a) => (/^(AS)?\d{1,10}$/i.test(a) ? Number(a.replace(/^AS/i, '')) : Number.NaN)),
  )
  .pipe(
    z.array(
      z
        .number({ error: 'must list AS numbers such as AS9009 or 9009' })
        .int()
        .min(1)
        .max(4_294_967_295, 'must be an AS number'),
    ),
  );

const feeds = z
  .string()
  .optional()
  .transform((v, ctx) => {
    try {
      return parseFeedSources(v);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const riskConfigSchema = eventDrivenServiceSchema({ grpcPort: 50064, database: 'portcullis_risk' })
  .extend({
    /** Threat-intelligence feeds: `category:name=source` entries (docs in the README). */
    RISK_IP_FEEDS: feeds,
    RISK_FEED_REFRESH_SECONDS: seconds(1, 7 * 86_400, 3600),
    RISK_FEED_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /** MaxMind-format databases: City (or Country) and ASN; one file may hold both. */
    GEOIP_CITY_DB: z.string().min(1).optional(),
    GEOIP_ASN_DB: z.string().min(1).optional(),
    /** Autonomous systems of VPN/proxy/anonymiser networks and of hosting providers. */
    RISK_ANONYMIZER_ASNS: asnList,
    RISK_HOSTING_ASNS: asnList,
    RISK_MAX_TRAVEL_KMH: z.coerce.number().int().min(100).max(20_000).default(1000),
    RISK_MIN_TRAVEL_KM: z.coerce.number().int().min(0).max(5000).default(300),
    /** Sliding window of the per-IP, per-subnet and per-user failure counts. */
    RISK_VELOCITY_WINDOW_SECONDS: seconds(60, 86_400, 600),
    RISK_IP_FAILURES: z.coerce.number().int().min(1).default(5),
    RISK_IP_DISTINCT_USERS: z.coerce.number().int().min(2).default(10),
    RISK_SUBNET_FAILURES: z.coerce.number().int().min(1).default(20),
    RISK_USER_FAILURES: z.coerce.number().int().min(1).default(5),
    RISK_USER_DISTINCT_IPS: z.coerce.number().int().min(2).default(5),
    RISK_TENANT_WINDOW_SECONDS: seconds(60, 86_400, 300),
    RISK_TENANT_FAILURES: z.coerce.number().int().min(1).default(100),
    RISK_ALERT_COOLDOWN_SECONDS: seconds(0, 86_400, 900),
    RISK_TOLL_FRAUD_REFUSALS: z.coerce.number().int().min(1).default(20),
    RISK_TOLL_FRAUD_WINDOW_SECONDS: seconds(60, 86_400, 600),
    /** Optional alert sink: each risk.alert.raised POSTed as signed JSON. */
    RISK_ALERT_WEBHOOK_URL: z.url().optional(),
    RISK_ALERT_WEBHOOK_SECRET: secret(32).optional(),
    RISK_ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
    /** Profiles (and profile entries) unused this long are deleted; also keeps assessments. */
    RISK_PROFILE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    RISK_PROFILE_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
    RISK_PROFILE_CACHE_TTL_SECONDS: seconds(1, 86_400, 300),
    RISK_CONSUMER_GROUP: z.string().min(1).default('portcullis-risk'),
  })
  .superRefine((c, ctx) => {
    if (c.RISK_ALERT_WEBHOOK_URL && !c.RISK_ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['RISK_ALERT_WEBHOOK_SECRET'],
        message: 'is required when RISK_ALERT_WEBHOOK_URL is set',
      });
    }
  });

export type RiskConfig = Config<typeof riskConfigSchema>;

/** The only reader of process.env in this service. */
export function loadRiskConfig(env: Readonly<Record<string, string | undefined>>): RiskConfig {
  return loadConfig(riskConfigSchema, env);
}
