import { isAbsolute } from 'node:path';
import { parseKeyRing } from '@portcullis/crypto';
import { z } from 'zod';

/**
 * Reusable setting schemas. Apps compose them in their own `config/` folder, the only place that
 * reads process.env.
 */

/** Values copied from examples and docs: a deployment that still has one refuses to start. */
const EXAMPLE_PATTERN =
  /^(change[-_ ]?me|example|replace[-_ ]?me|secret|password|admin|test|portcullis|x+|0+)$/i;

/** A secret setting: required, at least `minLength` characters, and not an example value. */
export function secret(minLength = 32) {
  return z
    .string({ error: 'is required' })
    .min(minLength, `must be at least ${minLength} characters`)
    .refine((value) => !EXAMPLE_PATTERN.test(value), {
      message: 'is left at an example value',
    });
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const commaList = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );

export const postgresUrl = z
  .string({ error: 'is required' })
  .refine((value) => /^postgres(ql)?:\/\//.test(value), { message: 'must be a postgres:// URL' });

const databaseName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier');

/** Settings every service shares. */
export const serviceBaseSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRPC_HOST: z.string().default('127.0.0.1'),
  /** Deadline of every outgoing gRPC call that does not set its own. */
  GRPC_DEADLINE_MS: z.coerce.number().int().positive().max(60_000).default(3000),
  OTEL_ENABLED: booleanFlag(true),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Also write finished spans as JSON lines to this file (black-box tests, debugging). */
  OTEL_TRACES_FILE: z.string().refine(isAbsolute, { message: 'must be an absolute path' }).optional(),
  /** Port of the Prometheus endpoint (GET /metrics); 0: none. The Helm chart sets 9464. */
  METRICS_PORT: port(0),
  /** Address the metrics endpoint binds (`0.0.0.0` in containers). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** After SIGTERM: time not ready but still serving, before closing (give it the probe period). */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  /** After the drain: time to close (in-flight calls, the consumers' batch) before exiting 1. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(25_000),
  /** Pause between two rounds of readiness checks of the dependencies (database, Kafka). */
  READINESS_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** A dependency that has not answered its readiness check by then counts as down. */
  READINESS_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
});

/** A service that owns a database: DATABASE_URL names the server, DATABASE_NAME its own database. */
export const databaseSchema = (defaultName: string) =>
  z.object({
    DATABASE_URL: postgresUrl,
    DATABASE_NAME: databaseName.default(defaultName),
    MIGRATE_ON_BOOT: booleanFlag(true),
  });

/** A service that produces or consumes events. */
export const kafkaSchema = z.object({
  KAFKA_BROKERS: commaList,
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().positive().max(60_000).default(200),
  /** Failpoints for fault-injection tests; refused in production (eventDrivenServiceSchema). */
  FAULT_POINTS: z.string().optional(),
});

/**
 * The usual shape of a service with a database and events, and its gRPC port. Fault points are
 * refused in production here, once for every such service (the check survives `.extend()`).
 */
export function eventDrivenServiceSchema(defaults: { grpcPort: number; database: string }) {
  return serviceBaseSchema
    .extend(databaseSchema(defaults.database).shape)
    .extend(kafkaSchema.shape)
    .extend({ GRPC_PORT: port(defaults.grpcPort) })
    .refine((c) => !(c.NODE_ENV === 'production' && c.FAULT_POINTS), {
      message: 'FAULT_POINTS is for fault-injection tests and is refused in production',
      path: ['FAULT_POINTS'],
    })
    .refine((c) => c.METRICS_PORT === 0 || c.METRICS_PORT !== c.GRPC_PORT, {
      message: 'must differ from GRPC_PORT',
      path: ['METRICS_PORT'],
    });
}

/**
 * A key-ring secret (`kid:base64key,...`, newest last): a secret that must also parse as a ring.
 * Problems are named; key material never is.
 */
export function keyRingSecret() {
  return secret(40).superRefine((value, ctx) => {
    try {
      parseKeyRing(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'is not a key ring' });
    }
  });
}
