import { type Config, loadConfig, port, secret, serviceBaseSchema } from '@portcullis/config';
import { z } from 'zod';

const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port');

export const gatewayConfigSchema = serviceBaseSchema.extend({
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port(8080),
  GRPC_PORT: port(50051),
  /** Largest HTTP body accepted; larger requests get 413 PAYLOAD_TOO_LARGE. */
  HTTP_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(16 * 1024),
  /** Largest gRPC request accepted; larger ones get RESOURCE_EXHAUSTED. */
  GRPC_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(64 * 1024),
  IDENTITY_GRPC_URL: hostPort.default('127.0.0.1:50061'),
  AUDIT_GRPC_URL: hostPort.default('127.0.0.1:50065'),
  FACTORS_GRPC_URL: hostPort.default('127.0.0.1:50062'),
  /**
   * Bootstrap admin credential (Bearer token) guarding every route until tenant API keys exist.
   * Required; at least 32 characters; example values are refused.
   */
  GATEWAY_ADMIN_TOKEN: secret(32),
});

export type GatewayConfig = Config<typeof gatewayConfigSchema>;

/** The only reader of process.env in this service. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
