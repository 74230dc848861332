import { type Config, eventDrivenServiceSchema, loadConfig } from '@portcullis/config';

export const riskConfigSchema = eventDrivenServiceSchema({ grpcPort: 50064, database: 'portcullis_risk' });

export type RiskConfig = Config<typeof riskConfigSchema>;

/** The only reader of process.env in this service. */
export function loadRiskConfig(env: Readonly<Record<string, string | undefined>>): RiskConfig {
  return loadConfig(riskConfigSchema, env);
}
