import {
  type Config,
  eventDrivenServiceSchema,
  FAULT_POINTS_IN_PRODUCTION,
  loadConfig,
  refuseFaultPointsInProduction,
} from '@portcullis/config';

export const riskConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50064,
  database: 'portcullis_risk',
}).refine(refuseFaultPointsInProduction, FAULT_POINTS_IN_PRODUCTION);

export type RiskConfig = Config<typeof riskConfigSchema>;

/** The only reader of process.env in this service. */
export function loadRiskConfig(env: Readonly<Record<string, string | undefined>>): RiskConfig {
  return loadConfig(riskConfigSchema, env);
}
