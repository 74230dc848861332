import {
  type Config,
  eventDrivenServiceSchema,
  FAULT_POINTS_IN_PRODUCTION,
  loadConfig,
  refuseFaultPointsInProduction,
} from '@portcullis/config';

export const identityConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50061,
  database: 'portcullis_identity',
}).refine(refuseFaultPointsInProduction, FAULT_POINTS_IN_PRODUCTION);

export type IdentityConfig = Config<typeof identityConfigSchema>;

/** The only reader of process.env in this service. */
export function loadIdentityConfig(env: Readonly<Record<string, string | undefined>>): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
