import { randomBytes } from 'node:crypto';
import { createLogger } from '@portcullis/observability';
import {
  dropDatabases,
  freePort,
  queryDatabase,
  testInfrastructure,
  uniqueDatabaseName,
} from '@portcullis/testing';
import { generateSigningKeyEntry } from '../src/assertions/signing-keys';
import { type GatewayConfig, loadGatewayConfig } from '../src/config/gateway.config';
import { type RunningGateway, startGateway } from '../src/gateway-app';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON, read by tests
  readonly body: any;
  readonly text: string;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The whole Authorization header, as it is (for malformed ones). */
  readonly authorization?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The gateway in-process on a fresh database (or on another harness's, as a second instance with
 * the same secrets). Its peers point at ports nothing listens on: tests call only routes that
 * answer before reaching them.
 */
export class GatewayHarness {
  readonly infra = testInfrastructure();
  readonly logs: string[] = [];
  database = uniqueDatabaseName('gateway');
  adminToken = randomBytes(32).toString('base64url');
  pepper = randomBytes(32).toString('base64url');
  signingKeys = generateSigningKeyEntry('k1');
  config!: GatewayConfig;
  running?: RunningGateway;
  httpUrl = '';

  /** Starts on a new database, or on `shareDatabaseOf`'s with its secrets (another instance). */
  async start(settings: Record<string, string> = {}, shareDatabaseOf?: GatewayHarness): Promise<this> {
    if (shareDatabaseOf) {
      this.database = shareDatabaseOf.database;
      this.adminToken = shareDatabaseOf.adminToken;
      this.pepper = shareDatabaseOf.pepper;
      this.signingKeys = shareDatabaseOf.signingKeys;
    }
    const [httpPort, grpcPort, identity, factors, risk, audit] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    this.config = loadGatewayConfig({
      DATABASE_URL: this.infra.databaseUrl,
      DATABASE_NAME: this.database,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      OTEL_ENABLED: 'false',
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      IDENTITY_GRPC_URL: `127.0.0.1:${identity}`,
      FACTORS_GRPC_URL: `127.0.0.1:${factors}`,
      RISK_GRPC_URL: `127.0.0.1:${risk}`,
      AUDIT_GRPC_URL: `127.0.0.1:${audit}`,
      GATEWAY_ADMIN_TOKEN: this.adminToken,
      GATEWAY_API_KEY_PEPPER: this.pepper,
      GATEWAY_SIGNING_KEYS: this.signingKeys,
      ...settings,
    });
    const logger = createLogger({
      service: 'gateway',
      level: 'debug',
      destination: { write: (line: string) => this.logs.push(line) },
    });
    this.running = await startGateway(this.config, logger);
    this.httpUrl = this.running.httpUrl;
    return this;
  }

  async stop(dropDatabase = true): Promise<void> {
    await this.running?.close();
    this.running = undefined;
    if (dropDatabase) await dropDatabases(this.infra.databaseUrl, [this.database]);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
    if (authorization !== undefined) headers['authorization'] = authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.httpUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
      text,
    };
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.infra.databaseUrl, this.database, sql, params);
  }
}
