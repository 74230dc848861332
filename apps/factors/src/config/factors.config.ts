import { type Config, eventDrivenServiceSchema, loadConfig } from '@portcullis/config';

export const factorsConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50062,
  database: 'portcullis_factors',
});

export type FactorsConfig = Config<typeof factorsConfigSchema>;

/** The only reader of process.env in this service. */
export function loadFactorsConfig(env: Readonly<Record<string, string | undefined>>): FactorsConfig {
  return loadConfig(factorsConfigSchema, env);
}
