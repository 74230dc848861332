import {
  type Config,
  commaList,
  eventDrivenServiceSchema,
  loadConfig,
  secret,
  keyRingSecret,
} from '@portcullis/config';
import { z } from 'zod';

export const factorsConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50062,
  database: 'portcullis_factors',
}).extend({
  /** Key-encryption keys for TOTP seeds and destinations at rest (`kid:base64-32-bytes,...`). */
  FACTORS_ENCRYPTION_KEYS: keyRingSecret(),
  /** Pepper of the keyed hash of codes and recovery codes; 32+ characters. */
  FACTORS_HASH_KEY: secret(32),
  /** Keys shared with delivery to seal codes in factors.code.issued events. */
  CODE_TRANSPORT_KEYS: keyRingSecret(),
  /** Defaults of tenants without a policy of their own. */
  WEBAUTHN_RP_ID: z.string().default('localhost'),
  WEBAUTHN_RP_NAME: z.string().default('Portcullis'),
  WEBAUTHN_ORIGINS: commaList.default(['http://localhost:8080']),
  TOTP_ISSUER: z.string().min(1).max(100).default('Portcullis'),
});

export type FactorsConfig = Config<typeof factorsConfigSchema>;

/** The only reader of process.env in this service. */
export function loadFactorsConfig(env: Readonly<Record<string, string | undefined>>): FactorsConfig {
  return loadConfig(factorsConfigSchema, env);
}
