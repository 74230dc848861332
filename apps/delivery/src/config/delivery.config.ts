import { type Config, eventDrivenServiceSchema, loadConfig } from '@portcullis/config';

export const deliveryConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50063,
  database: 'portcullis_delivery',
});

export type DeliveryConfig = Config<typeof deliveryConfigSchema>;

/** The only reader of process.env in this service. */
export function loadDeliveryConfig(env: Readonly<Record<string, string | undefined>>): DeliveryConfig {
  return loadConfig(deliveryConfigSchema, env);
}
