import { randomUUID } from 'node:crypto';
import {
  eventPayloadToJson,
  type EventType,
  identityV1,
  PROTO_FILES,
  PROTO_PACKAGES,
} from '@portcullis/contracts';
import { type DomainError, isDomainError } from '@portcullis/errors';
import { GrpcPeer, type RunningService, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import {
  dropDatabases,
  freePort,
  identitySecretSettings,
  queryDatabase,
  testInfrastructure,
  uniqueDatabaseName,
} from '@portcullis/testing';
import { IdentityModule, type IdentityOverrides } from '../src/app.module';
import { type IdentityConfig, loadIdentityConfig } from '../src/config/identity.config';

export type Login = { userId: string } | { externalId: string } | { email: string };

/** The identity service in-process on a fresh database, with a gRPC client, a tenant and helpers. */
export class IdentityHarness {
  readonly infra = testInfrastructure();
  readonly database = uniqueDatabaseName('identity');
  /** Every log line the service wrote (at trace level unless LOG_LEVEL says otherwise). */
  readonly logs: string[] = [];
  config!: IdentityConfig;
  service!: RunningService;
  client!: GrpcPeer<identityV1.IdentityServiceClient>;
  tenantId = '';

  async start(settings: Record<string, string> = {}, overrides: IdentityOverrides = {}): Promise<this> {
    const port = await freePort();
    this.config = loadIdentityConfig({
      DATABASE_URL: this.infra.databaseUrl,
      DATABASE_NAME: this.database,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      GRPC_PORT: String(port),
      // The tests read outbox rows; the relay may publish them meanwhile, which changes nothing.
      OUTBOX_POLL_INTERVAL_MS: '60000',
      OTEL_ENABLED: 'false',
      ...identitySecretSettings(),
      ...settings,
    });
    const logger = createLogger({
      service: 'identity',
      level: settings['LOG_LEVEL'] ?? 'trace',
      destination: { write: (line: string) => this.logs.push(line) },
    });
    this.service = await startGrpcService(IdentityModule.register(this.config, logger, overrides), {
      logger,
      server: {
        host: '127.0.0.1',
        port,
        protoPaths: [PROTO_FILES.identity],
        packages: [PROTO_PACKAGES.identity],
      },
    });
    this.client = new GrpcPeer({
      url: `127.0.0.1:${port}`,
      protoPath: PROTO_FILES.identity,
      packageName: PROTO_PACKAGES.identity,
      serviceName: identityV1.IDENTITY_SERVICE_NAME,
      deadlineMs: 20_000,
    });
    this.tenantId = (await this.client.call('createTenant', { name: 'Harness Shop' })).tenant!.id;
    return this;
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.service?.close();
    await dropDatabases(this.infra.databaseUrl, [this.database]);
  }

  /** A new active user of the harness tenant, with a unique external id and email. */
  async createUser(over: Partial<identityV1.CreateUserRequest> = {}): Promise<identityV1.User> {
    const suffix = randomUUID().slice(0, 8);
    const { user } = await this.client.call('createUser', {
      tenantId: this.tenantId,
      externalId: `customer-${suffix}`,
      email: `customer-${suffix}@example.com`,
      phoneNumber: '',
      ...over,
    });
    return user!;
  }

  setPassword(userId: string, password: string): Promise<identityV1.SetPasswordResponse> {
    return this.client.call('setPassword', { tenantId: this.tenantId, userId, password });
  }

  verify(
    login: Login,
    password: string,
    clientIp = '192.0.2.10',
  ): Promise<identityV1.VerifyPasswordResponse> {
    return this.client.call('verifyPassword', { tenantId: this.tenantId, ...login, password, clientIp });
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.infra.databaseUrl, this.database, sql, params);
  }

  /** Outbox rows as decoded payloads (proto3 JSON), oldest first, with their raw bytes. */
  async events(
    type?: EventType,
  ): Promise<{ type: EventType; key: string; payload: Record<string, unknown>; raw: Buffer }[]> {
    const rows = await this.query<{ type: EventType; message_key: string; payload: Buffer }>(
      'SELECT type, message_key, payload FROM outbox_events ORDER BY seq',
    );
    return rows
      .filter((r) => !type || r.type === type)
      .map((r) => ({
        type: r.type,
        key: r.message_key,
        payload: eventPayloadToJson(r.type, r.payload) as Record<string, unknown>,
        raw: r.payload,
      }));
  }
}

/** The DomainError a call failed with (the GrpcPeer maps statuses back to codes). */
export async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
