import { type Config, commaList, eventDrivenServiceSchema, loadConfig, secret } from '@portcullis/config';
import { parseKeyRing } from '@portcullis/crypto';
import { z } from 'zod';

/** A key ring setting (`kid:base64key,...`, newest last); checked at boot, never echoed. */
const keyRing = secret(40).superRefine((value, ctx) => {
  try {
    parseKeyRing(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'is not a key ring' });
  }
});

export const factorsConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50062,
  database: 'portcullis_factors',
}).extend({
  /** Key-encryption keys for TOTP seeds and destinations at rest (`kid:base64-32-bytes,...`). */
  FACTORS_ENCRYPTION_KEYS: keyRing,
  /** Pepper of the keyed hash of codes and recovery codes; 32+ characters. */
  FACTORS_HASH_KEY: secret(32),
  /** Keys shared with delivery to seal codes in factors.code.issued events. */
  CODE_TRANSPORT_KEYS: keyRing,
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
