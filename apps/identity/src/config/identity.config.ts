import { type Config, eventDrivenServiceSchema, loadConfig, secret } from '@portcullis/config';
import { z } from 'zod';

export const identityConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50061,
  database: 'portcullis_identity',
}).extend({
  /** Key of the keyed hash (HMAC-SHA256) under which failures of unknown logins are counted. */
  IDENTITY_HASH_KEY: secret(32),
  /** Password failures allowed per user (or unknown login) and client network within the window. */
  PASSWORD_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(10),
  /** Sliding window of those failures. */
  PASSWORD_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
});

export type IdentityConfig = Config<typeof identityConfigSchema>;

/** The only reader of process.env in this service. */
export function loadIdentityConfig(env: Readonly<Record<string, string | undefined>>): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
