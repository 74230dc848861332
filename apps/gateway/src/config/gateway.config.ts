import { type Config, eventDrivenServiceSchema, loadConfig, port, secret } from '@portcullis/config';
import { z } from 'zod';
import { signingKeysSecret } from '../assertions/signing-keys.setting';

/**
 * A peer: `host:port` (every address the name resolves to, calls spread round robin), or a gRPC
 * target such as `dns:///factors-headless:50062` or `ipv4:10.0.0.1:50062,10.0.0.2:50062`.
 */
const hostPort = z
  .string()
  .regex(
    /^(?:[\w.-]+:\d{1,5}|dns:(?:\/\/[\w.-]*\/)?[\w.-]+:\d{1,5}|ipv4:[\d.]+:\d{1,5}(?:,[\d.]+:\d{1,5})*)$/,
    'must be host:port or a gRPC target (dns:///host:port, ipv4:a:port,b:port)',
  );

export const gatewayConfigSchema = eventDrivenServiceSchema({
  grpcPort: 50051,
  database: 'portcullis_gateway',
}).extend({
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port(8080),
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
  RISK_GRPC_URL: hostPort.default('127.0.0.1:50064'),
  /**
   * Deadline of the synchronous risk score. When risk does not answer in time the tenant's fail
   * mode decides (challenge by default, or deny), never allow.
   */
  RISK_DEADLINE_MS: z.coerce.number().int().min(10).max(5000).default(150),
  /**
   * The platform operator's Bearer token: creates tenants and may act in every tenant. Tenants'
   * own API keys (admin or runtime scope) are created through the API. At least 32 characters;
   * example values are refused.
   */
  GATEWAY_ADMIN_TOKEN: secret(32),
  /** Pepper of the keyed hashes API keys are stored as. */
  GATEWAY_API_KEY_PEPPER: secret(32),
  /** ES256 keys that sign assertions and device tokens: `kid:base64url(PKCS#8)`, signing key first. */
  GATEWAY_SIGNING_KEYS: signingKeysSecret(),
  /** `iss` of assertions and device tokens: the gateway's public URL. */
  GATEWAY_ISSUER: z.url().default('http://localhost:8080'),
  /** Requests per minute per API key, and per end-user IP on the sign-in routes (per instance). */
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_PER_END_USER_IP: z.coerce.number().int().min(1).default(60),
  /** Ended authentications and dead device tokens are deleted after this many days. */
  GATEWAY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export type GatewayConfig = Config<typeof gatewayConfigSchema>;

/** The only reader of process.env in this service. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
