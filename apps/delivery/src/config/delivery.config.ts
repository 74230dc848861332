import {
  type Config,
  eventDrivenServiceSchema,
  FAULT_POINTS_IN_PRODUCTION,
  loadConfig,
  refuseFaultPointsInProduction,
} from '@portcullis/config';

export const deliveryConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50063,
  database: 'portcullis_delivery',
}).refine(refuseFaultPointsInProduction, FAULT_POINTS_IN_PRODUCTION);

export type DeliveryConfig = Config<typeof deliveryConfigSchema>;

/** The only reader of process.env in this service. */
export function loadDeliveryConfig(env: Readonly<Record<string, string | undefined>>): DeliveryConfig {
  return loadConfig(deliveryConfigSchema, env);
}
