import { type Config, eventDrivenServiceSchema, loadConfig } from '@portcullis/config';

export const identityConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50061,
  database: 'portcullis_identity',
});

export type IdentityConfig = Config<typeof identityConfigSchema>;

/** The only reader of process.env in this service. */
export function loadIdentityConfig(env: Readonly<Record<string, string | undefined>>): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
