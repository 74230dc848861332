import { randomUUID } from 'node:crypto';
import {
  deadLetterTopicOf,
  EVENT_HEADERS,
  encodeEventPayload,
  TOPICS,
  toTimestamp,
} from '@portcullis/contracts';
import type { RunningService } from '@portcullis/grpc';
import { startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import {
  dropDatabases,
  eventually,
  freePort,
  kafkaProbe,
  publishRaw,
  queryDatabase,
  testInfrastructure,
  uniqueDatabaseName,
  uniqueSuffix,
} from '@portcullis/testing';
import { AuditModule } from '../src/app.module';
import { loadAuditConfig } from '../src/config/audit.config';

/** The audit consumer against real Kafka and PostgreSQL: dedup, poison messages, append-only. */
describe('audit consumer', () => {
  const infra = testInfrastructure();
  const database = uniqueDatabaseName('audit');
  const group = `audit-it-${uniqueSuffix()}`;
  let service: RunningService;

  beforeAll(async () => {
    const config = loadAuditConfig({
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      AUDIT_CONSUMER_GROUP: group,
      GRPC_PORT: String(await freePort()),
      OTEL_ENABLED: 'false',
    });
    const logger = createLogger({ service: 'audit', level: 'silent' });
    service = await startGrpcService(AuditModule.register(config, logger), {
      logger,
      server: {
        host: '127.0.0.1',
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.audit],
        packages: [PROTO_PACKAGES.audit],
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    await dropDatabases(infra.databaseUrl, [database]);
  });

  const query = <T>(sql: string, params: unknown[] = []) =>
    queryDatabase<T>(infra.databaseUrl, database, sql, params);

  function userCreated(tenantId: string, eventId: string = randomUUID(), userId: string = randomUUID()) {
    return {
      key: `${tenantId}:${userId}`,
      value: encodeEventPayload('identity.user.created', {
        tenantId,
        userId,
        externalId: `ext-${uniqueSuffix()}`,
        emailHint: '',
        phoneHint: '',
        createTime: toTimestamp(new Date()),
      }),
      headers: {
        [EVENT_HEADERS.id]: eventId,
        [EVENT_HEADERS.type]: 'identity.user.created',
        [EVENT_HEADERS.tenantId]: tenantId,
        [EVENT_HEADERS.occurredAt]: new Date().toISOString(),
      },
    };
  }

  it('records an event delivered twice exactly once', async () => {
    const tenantId = randomUUID();
    const event = userCreated(tenantId);
    await publishRaw(infra.kafkaBrokers, TOPICS.identityEvents, [event, event]);
    // Same key, so the same partition, published after both copies: once it is in, both were read.
    const marker = userCreated(tenantId, randomUUID(), event.key.split(':')[1]);
    await publishRaw(infra.kafkaBrokers, TOPICS.identityEvents, [marker]);
    await eventually(async () => {
      const rows = await query<{ event_id: string }>(
        'SELECT event_id FROM audit_events WHERE tenant_id = $1 ORDER BY sequence',
        [tenantId],
      );
      expect(rows.map((r) => r.event_id)).toEqual([
        event.headers[EVENT_HEADERS.id],
        marker.headers[EVENT_HEADERS.id],
      ]);
    });
  });

  it('parks poison messages on the dead-letter topic and keeps consuming', async () => {
    const tenantId = randomUUID();
    const dlq = deadLetterTopicOf(TOPICS.identityEvents, group);
    const probe = await kafkaProbe(infra.kafkaBrokers, [dlq]);
    const noId = userCreated(tenantId);
    delete (noId.headers as Record<string, string>)[EVENT_HEADERS.id];
    const garbage = { ...userCreated(tenantId), value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]) };
    const unknownType = userCreated(tenantId);
    unknownType.headers[EVENT_HEADERS.type] = 'identity.user.teleported';
    const good = userCreated(tenantId);
    await publishRaw(infra.kafkaBrokers, TOPICS.identityEvents, [noId, garbage, unknownType, good]);

    try {
      await eventually(async () => {
        const rows = await query<{ event_id: string }>(
          'SELECT event_id FROM audit_events WHERE tenant_id = $1',
          [tenantId],
        );
        expect(rows.map((r) => r.event_id)).toEqual([good.headers[EVENT_HEADERS.id]]);
      });
      const parked = await eventually(() => {
        const mine = probe.received.filter((m) => m.headers[EVENT_HEADERS.tenantId] === tenantId);
        expect(mine).toHaveLength(3);
        return mine;
      });
      // Partitions interleave, so compare as a set: each carries the reason and its source offset.
      const reasons = parked.map((m) => m.headers['dlq-reason']).sort();
      expect(reasons).toHaveLength(3);
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^missing or malformed event-id header$/),
          expect.stringMatching(/^unknown event type "identity.user.teleported"$/),
          // Parked at once, without retries: a payload that does not decode never will.
          expect.stringMatching(/^payload is not a identity\.user\.created message: /),
        ]),
      );
      expect(
        parked.every(
          (m) =>
            m.headers['dlq-source-topic'] === TOPICS.identityEvents &&
            m.headers['dlq-consumer-group'] === group,
        ),
      ).toBe(true);
      expect(
        parked.find((m) => m.headers[EVENT_HEADERS.id] === garbage.headers[EVENT_HEADERS.id])?.value,
      ).toEqual(garbage.value);
    } finally {
      await probe.stop();
    }
    // None of the parked messages counts as processed.
    const processed = await query<{ n: string }>(
      'SELECT count(*) AS n FROM processed_events WHERE event_id = ANY($1::uuid[])',
      [[garbage.headers[EVENT_HEADERS.id], unknownType.headers[EVENT_HEADERS.id]]],
    );
    expect(Number(processed[0]?.n)).toBe(0);
  });

  it('refuses to update or delete audit rows', async () => {
    await eventually(async () => expect((await query('SELECT 1 FROM audit_events LIMIT 1')).length).toBe(1));
    await expect(query(`UPDATE audit_events SET type = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
  });
});
