import { randomUUID } from 'node:crypto';
import {
  decodeEventPayload,
  EVENT_HEADERS,
  identityV1,
  PROTO_FILES,
  PROTO_PACKAGES,
} from '@portcullis/contracts';
import type { DomainError } from '@portcullis/errors';
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
import { IdentityModule } from '../src/app.module';
import { loadIdentityConfig } from '../src/config/identity.config';

/** Identity against real PostgreSQL: the user and its event commit together or not at all. */
describe('identity: create user (outbox)', () => {
  const infra = testInfrastructure();
  const database = uniqueDatabaseName('identity');
  let service: RunningService;
  let client: GrpcPeer<identityV1.IdentityServiceClient>;
  let tenantId: string;

  beforeAll(async () => {
    const port = await freePort();
    const config = loadIdentityConfig({
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      GRPC_PORT: String(port),
      // A long poll and no LISTEN wake-up would still publish; the test reads rows before the relay matters.
      OUTBOX_POLL_INTERVAL_MS: '60000',
      OTEL_ENABLED: 'false',
      ...identitySecretSettings(),
    });
    const logger = createLogger({ service: 'identity', level: 'silent' });
    service = await startGrpcService(IdentityModule.register(config, logger), {
      logger,
      server: {
        host: '127.0.0.1',
        port,
        protoPaths: [PROTO_FILES.identity],
        packages: [PROTO_PACKAGES.identity],
      },
    });
    client = new GrpcPeer({
      url: `127.0.0.1:${port}`,
      protoPath: PROTO_FILES.identity,
      packageName: PROTO_PACKAGES.identity,
      serviceName: identityV1.IDENTITY_SERVICE_NAME,
      deadlineMs: 5000,
    });
    tenantId = (await client.call('createTenant', { name: 'Outbox Ltd' })).tenant!.id;
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
    await dropDatabases(infra.databaseUrl, [database]);
  });

  const query = <T>(sql: string, params: unknown[] = []) =>
    queryDatabase<T>(infra.databaseUrl, database, sql, params);

  it('stores the user and its identity.user.created event in the outbox', async () => {
    const { user } = await client.call('createUser', {
      tenantId,
      externalId: 'outbox-1',
      email: 'Bob@Example.com',
      phoneNumber: '+33 6 12 34 56 78',
    });
    expect(user).toMatchObject({
      email: 'bob@example.com',
      phoneNumber: '+33612345678',
      status: identityV1.UserStatus.USER_STATUS_ACTIVE,
    });
    const [row] = await query<{
      id: string;
      topic: string;
      message_key: string;
      payload: Buffer;
      headers: Record<string, string>;
    }>(
      `SELECT id, topic, message_key, payload, headers FROM outbox_events WHERE type = 'identity.user.created' AND tenant_id = $1`,
      [tenantId],
    );
    expect(row).toMatchObject({
      topic: 'portcullis.identity.events.v1',
      message_key: `${tenantId}:${user!.id}`,
    });
    expect(row.headers).toMatchObject({
      [EVENT_HEADERS.id]: row.id,
      [EVENT_HEADERS.type]: 'identity.user.created',
      [EVENT_HEADERS.tenantId]: tenantId,
    });
    expect(decodeEventPayload('identity.user.created', row.payload)).toMatchObject({
      userId: user!.id,
      externalId: 'outbox-1',
      emailHint: 'b***@example.com',
      phoneHint: '+33*******78',
    });
  });

  it('stores neither the user nor the event when the event cannot be written', async () => {
    await query('ALTER TABLE outbox_events RENAME TO outbox_events_away');
    try {
      const error = await client
        .call('createUser', { tenantId, externalId: 'atomic-1', email: '', phoneNumber: '' })
        .then(
          () => undefined,
          (e: DomainError) => e,
        );
      expect(error?.code).toBe('INTERNAL_ERROR');
      expect(error?.message).toBe('Internal error'); // the database's complaint stays in the server log
    } finally {
      await query('ALTER TABLE outbox_events_away RENAME TO outbox_events');
    }
    expect(await query('SELECT 1 FROM users WHERE external_id = $1', ['atomic-1'])).toHaveLength(0);
  });

  it('lets exactly one of two concurrent creates of the same external id win', async () => {
    const externalId = `race-${randomUUID()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        client.call('createUser', { tenantId, externalId, email: '', phoneNumber: '' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.map((f) => (f.reason as DomainError).code)).toEqual(Array(7).fill('USER_ALREADY_EXISTS'));
    const events = await query(
      `SELECT 1 FROM outbox_events WHERE type = 'identity.user.created' AND position(convert_to($1, 'UTF8') in payload) > 0`,
      [externalId],
    );
    expect(events).toHaveLength(1);
  });

  it('finds a user by email, whatever its case, and refuses a second user with the same email (EMAIL_TAKEN)', async () => {
    const { user } = await client.call('createUser', {
      tenantId,
      externalId: `email-${randomUUID()}`,
      email: 'Carol.Unique@Example.com',
      phoneNumber: '',
    });
    const { user: found } = await client.call('getUser', { tenantId, email: 'CAROL.unique@example.COM' });
    expect(found).toMatchObject({ id: user!.id, email: 'carol.unique@example.com', hasPassword: false });

    const error = await client
      .call('createUser', {
        tenantId,
        externalId: `email-${randomUUID()}`,
        email: 'carol.UNIQUE@example.com',
        phoneNumber: '',
      })
      .then(
        () => undefined,
        (e: DomainError) => e,
      );
    expect(error).toMatchObject({ kind: 'ALREADY_EXISTS', code: 'EMAIL_TAKEN' });
    expect(error?.message).not.toContain('carol');

    const missing = await client.call('getUser', { tenantId, email: 'nobody@example.com' }).then(
      () => undefined,
      (e: DomainError) => e,
    );
    expect(missing?.code).toBe('USER_NOT_FOUND');
    // Another tenant may use the same address.
    const other = (await client.call('createTenant', { name: 'Other Ltd' })).tenant!.id;
    await expect(
      client.call('createUser', {
        tenantId: other,
        externalId: 'x-1',
        email: 'carol.unique@example.com',
        phoneNumber: '',
      }),
    ).resolves.toBeDefined();
  });
});
