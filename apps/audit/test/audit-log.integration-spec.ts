import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  auditV1,
  DOMAIN_EVENT_TOPICS,
  EVENT_CATALOGUE,
  EVENT_HEADERS,
  type EventType,
  encodeEventPayload,
  exampleEventPayload,
  PROTO_FILES,
  PROTO_PACKAGES,
  TOPICS,
  toTimestamp,
} from '@portcullis/contracts';
import { GrpcPeer, type RunningService, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import {
  dropDatabases,
  eventually,
  freePort,
  kafkaProbe,
  kcatTail,
  publishRaw,
  queryDatabase,
  testInfrastructure,
  uniqueDatabaseName,
  uniqueSuffix,
} from '@portcullis/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { lastValueFrom, toArray } from 'rxjs';
import { AuditModule } from '../src/app.module';
import { loadAuditConfig } from '../src/config/audit.config';
import { AuditMaintenance } from '../src/persistence/audit-maintenance';

const DAY_MS = 24 * 60 * 60 * 1000;
const CONSUMED_TYPES = (Object.keys(EVENT_CATALOGUE) as EventType[]).filter((type) =>
  (DOMAIN_EVENT_TOPICS as readonly string[]).includes(EVENT_CATALOGUE[type].topic),
);

/**
 * The audit log against real Kafka and PostgreSQL: the per-tenant hash chain and its verification
 * against edits, removals and reordering; duplicates and out-of-order delivery; minimisation; the
 * analysts' CloudEvents topic validated against the published schemas; queries; retention.
 */
describe('audit log', () => {
  const infra = testInfrastructure();
  const database = uniqueDatabaseName('auditlog');
  let now = new Date();
  let service: RunningService;
  let client: GrpcPeer<auditV1.AuditServiceClient>;
  let probe: Awaited<ReturnType<typeof kafkaProbe>>;

  beforeAll(async () => {
    probe = await kafkaProbe(infra.kafkaBrokers, [TOPICS.auditAnalyst]);
    const port = await freePort();
    const config = loadAuditConfig({
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      AUDIT_CONSUMER_GROUP: `audit-log-it-${uniqueSuffix()}`,
      AUDIT_RETENTION_DAYS: '5',
      AUDIT_IP_RETENTION_DAYS: '2',
      GRPC_PORT: String(port),
      OTEL_ENABLED: 'false',
    });
    const logger = createLogger({
      service: 'audit',
      level: process.env['AUDIT_TEST_LOG'] ?? 'silent',
    });
    service = await startGrpcService(AuditModule.register(config, logger, { clock: () => now }), {
      logger,
      server: {
        host: '127.0.0.1',
        port,
        protoPaths: [PROTO_FILES.audit],
        packages: [PROTO_PACKAGES.audit],
      },
    });
    client = new GrpcPeer({
      url: `127.0.0.1:${port}`,
      protoPath: PROTO_FILES.audit,
      packageName: PROTO_PACKAGES.audit,
      serviceName: auditV1.AUDIT_SERVICE_NAME,
      deadlineMs: 10_000,
    });
  });

  afterAll(async () => {
    client?.close();
    await probe?.stop();
    await service?.close();
    await dropDatabases(infra.databaseUrl, [database]);
  });

  const query = <T>(sql: string, params: unknown[] = []) =>
    queryDatabase<T>(infra.databaseUrl, database, sql, params);

  /** Runs statements the way an intruder with database rights would: triggers bypassed. */
  const tamper = (sql: string) => query(`SET session_replication_role = replica; ${sql}`);

  interface Sent {
    id: string;
    type: EventType;
    topic: string;
    message: { key: string; value: Buffer; headers: Record<string, string> };
  }

  function event<K extends EventType>(
    type: K,
    tenantId: string,
    payload: Record<string, unknown>,
    id: string = randomUUID(),
    occurredAt = new Date(),
  ): Sent {
    const full = { ...(exampleEventPayload(type) as object), ...payload, tenantId } as never;
    const userId = (payload as { userId?: string }).userId;
    return {
      id,
      type,
      topic: EVENT_CATALOGUE[type].topic,
      message: {
        key: userId ? `${tenantId}:${userId}` : tenantId,
        value: Buffer.from(encodeEventPayload(type, full)),
        headers: {
          [EVENT_HEADERS.id]: id,
          [EVENT_HEADERS.type]: type,
          [EVENT_HEADERS.tenantId]: tenantId,
          [EVENT_HEADERS.occurredAt]: occurredAt.toISOString(),
          [EVENT_HEADERS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
      },
    };
  }

  async function publish(events: Sent[]): Promise<void> {
    const byTopic = new Map<string, Sent['message'][]>();
    for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.message]);
    for (const [topic, messages] of byTopic) await publishRaw(infra.kafkaBrokers, topic, messages);
  }

  const userCreated = (tenantId: string, userId = randomUUID(), extra: Record<string, unknown> = {}) =>
    event('identity.user.created', tenantId, { userId, externalId: `ext-${userId}`, ...extra });

  async function recorded(tenantId: string, count: number) {
    return eventually(async () => {
      const rows = await query<{ event_id: string; sequence: string }>(
        'SELECT event_id, sequence FROM audit_events WHERE tenant_id = $1 ORDER BY sequence',
        [tenantId],
      );
      expect(rows).toHaveLength(count);
      return rows;
    });
  }

  const verify = (tenantId: string) => client.call('verifyAuditChain', { tenantId });

  it('chains each tenant apart, records duplicates once and takes out-of-order delivery', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const first = userCreated(a, users[0]);
    // Factor events before the user's creation, on another topic: no order is assumed across topics.
    const early = event('factors.totp.enrolled', a, {
      userId: users[0],
      factorId: randomUUID(),
      factorType: 'totp',
    });
    await publish([early, first, first, userCreated(b), userCreated(a, users[1]), early]);
    await publish([userCreated(a, users[2]), first]);
    const rows = await recorded(a, 4);
    expect(rows.map((r) => r.sequence)).toEqual(['1', '2', '3', '4']);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(4);
    await recorded(b, 1);
    expect(await verify(a)).toMatchObject({
      intact: true,
      checked: '4',
      firstSequence: '1',
      lastSequence: '4',
    });
    expect(await verify(b)).toMatchObject({ intact: true, checked: '1' });
    const links = await query<{ previous_hash: string; hash: string }>(
      'SELECT previous_hash, hash FROM audit_events WHERE tenant_id = $1 ORDER BY sequence',
      [a],
    );
    expect(links[0]?.previous_hash).toBe('0'.repeat(64));
    for (let i = 1; i < links.length; i += 1) expect(links[i]?.previous_hash).toBe(links[i - 1]?.hash);
  });

  describe('tampering', () => {
    async function tenantWithHistory(size: number): Promise<string> {
      const tenantId = randomUUID();
      const userId = randomUUID();
      await publish(Array.from({ length: size }, () => userCreated(tenantId, userId)));
      await recorded(tenantId, size);
      expect((await verify(tenantId)).intact).toBe(true);
      return tenantId;
    }

    it('finds an edited record', async () => {
      const tenantId = await tenantWithHistory(5);
      await tamper(
        `UPDATE audit_events SET data = jsonb_set(data, '{externalId}', '"someone-else"') WHERE tenant_id = '${tenantId}' AND sequence = 3`,
      );
      const result = await verify(tenantId);
      expect(result.intact).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ kind: 'EDITED', sequence: '3' })]);
    });

    it('finds a removed record, and removed newest records', async () => {
      const tenantId = await tenantWithHistory(5);
      await tamper(`DELETE FROM audit_events WHERE tenant_id = '${tenantId}' AND sequence = 2`);
      expect((await verify(tenantId)).problems).toEqual([
        expect.objectContaining({ kind: 'REMOVED', sequence: '2' }),
      ]);
      await tamper(`DELETE FROM audit_events WHERE tenant_id = '${tenantId}' AND sequence >= 4`);
      expect((await verify(tenantId)).problems).toEqual([
        expect.objectContaining({ kind: 'REMOVED', sequence: '2' }),
        expect.objectContaining({ kind: 'HEAD_MISMATCH', sequence: '4' }),
      ]);
    });

    it('finds reordered records', async () => {
      const tenantId = await tenantWithHistory(5);
      const at = `tenant_id = '${tenantId}' AND sequence`;
      await tamper(
        `UPDATE audit_events SET sequence = -2 WHERE ${at} = 2;
         UPDATE audit_events SET sequence = 2 WHERE ${at} = 3;
         UPDATE audit_events SET sequence = 3 WHERE ${at} = -2;`,
      );
      const result = await verify(tenantId);
      expect(result.intact).toBe(false);
      expect(result.problems.map((p) => p.kind)).toEqual(['REORDERED', 'REORDERED', 'REORDERED']);
    });

    it('refuses updates, deletes and truncation without bypassing the guards', async () => {
      const tenantId = await tenantWithHistory(1);
      await expect(
        query(`UPDATE audit_events SET type = 'x' WHERE tenant_id = $1`, [tenantId]),
      ).rejects.toThrow(/append-only/);
      await expect(query('DELETE FROM audit_events WHERE tenant_id = $1', [tenantId])).rejects.toThrow(
        /append-only/,
      );
      await expect(query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      const [partition] = await query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_events'::regclass AND c.relname LIKE 'audit_events_p%' LIMIT 1`,
      );
      await expect(query(`TRUNCATE "${partition?.name}"`)).rejects.toThrow(/append-only/);
      expect((await verify(tenantId)).intact).toBe(true);
    });
  });

  it('publishes every event type on the analysts topic as CloudEvents valid against docs/events', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const sent = CONSUMED_TYPES.map((type) =>
      event(type, tenantId, {
        userId,
        // Raw contacts and a full address must not reach the record or the analysts.
        ...(type === 'identity.user.created' ? { emailHint: 'jane.doe@example.com' } : {}),
        ...('clientIp' in (exampleEventPayload(type) as object) ? { clientIp: '203.0.113.77' } : {}),
      }),
    );
    await publish(sent);
    const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
    const dir = resolve(__dirname, '../../../docs/events');
    const validators = new Map(
      readdirSync(dir)
        .filter((f) => f.endsWith('.v1.json'))
        .map((f) => {
          const schema = JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as { title: string };
          return [schema.title, ajv.compile(schema)] as const;
        }),
    );
    const records = await eventually(
      () => {
        const mine = probe.received
          .map((m) => ({
            key: m.key,
            headers: m.headers,
            body: JSON.parse(String(m.value)) as Record<string, unknown>,
          }))
          .filter((m) => m.body['tenantid'] === tenantId);
        expect(mine).toHaveLength(CONSUMED_TYPES.length);
        return mine;
      },
      { timeoutMs: 60_000 },
    );
    const rows = await query<{ event_id: string; sequence: string; hash: string; previous_hash: string }>(
      'SELECT event_id, sequence, hash, previous_hash FROM audit_events WHERE tenant_id = $1',
      [tenantId],
    );
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    for (const record of records) {
      const body = record.body;
      const validate = validators.get(String(body['type']));
      expect(validate).toBeDefined();
      expect({ type: body['type'], errors: validate?.(body) ? [] : validate?.errors }).toEqual({
        type: body['type'],
        errors: [],
      });
      const data = body['data'] as { userId?: string };
      expect(record.key).toBe(data.userId ? `${tenantId}:${data.userId}` : tenantId);
      expect(record.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      const row = byId.get(String(body['id']));
      expect(body).toMatchObject({
        auditsequence: row?.sequence,
        audithash: row?.hash,
        auditprevioushash: row?.previous_hash,
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
    }
    // What an analyst does: read the topic with kcat and validate each record with the schemas.
    const viaKcat = kcatTail(infra.kafkaBrokers, TOPICS.auditAnalyst, 5000)
      .map((line) => JSON.parse(line.slice(line.indexOf('\t') + 1)) as Record<string, unknown>)
      .filter((body) => body['tenantid'] === tenantId);
    expect(viaKcat.map((body) => body['id']).sort()).toEqual(records.map((r) => r.body['id']).sort());
    for (const body of viaKcat) expect(validators.get(String(body['type']))?.(body)).toBe(true);
    const text = JSON.stringify(records);
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('203.0.113.77');
    expect(text).toContain('203.0.113.0/24');
    // The full address stays in the log, apart and for the IP retention only.
    const page = await client.call('listAuditEvents', {
      tenantId,
      userId: '',
      type: 'gateway.',
      outcome: '',
      pageSize: 10,
      pageToken: '',
      fromTime: undefined,
      toTime: undefined,
    });
    expect(page.events.map((e) => e.clientIp)).toEqual(['203.0.113.77', '203.0.113.77']);
  });

  it('filters by user, type prefix, outcome and time, pages with a cursor and exports the same', async () => {
    const tenantId = randomUUID();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const t0 = Date.now() - 60 * 60 * 1000;
    const at = (minutes: number) => new Date(t0 + minutes * 60 * 1000);
    const verified = (userId: string, m: number) =>
      event('factors.challenge.verified', tenantId, { userId }, randomUUID(), at(m));
    const failed = (userId: string, m: number) =>
      event('factors.challenge.failed', tenantId, { userId }, randomUUID(), at(m));
    await publish([
      userCreated(tenantId, alice),
      verified(alice, 1),
      failed(alice, 2),
      verified(bob, 3),
      failed(alice, 4),
      verified(alice, 5),
      verified(alice, 50),
    ]);
    await recorded(tenantId, 7);
    const list = (over: Partial<auditV1.ListAuditEventsRequest>) =>
      client.call('listAuditEvents', {
        tenantId,
        userId: '',
        type: '',
        outcome: '',
        pageSize: 0,
        pageToken: '',
        fromTime: undefined,
        toTime: undefined,
        ...over,
      });
    const ofAlice = await list({ userId: alice, type: 'factors.', outcome: 'success' });
    expect(ofAlice.events.map((e) => e.type)).toEqual([
      'factors.challenge.verified',
      'factors.challenge.verified',
      'factors.challenge.verified',
    ]);
    const window = await list({ fromTime: toTimestamp(at(2)), toTime: toTimestamp(at(5)) });
    // Chain order is recording order; bob's events are on another partition, so sort by time.
    const byTime = [...window.events].sort(
      (x, y) => Number(x.occurTime?.seconds) - Number(y.occurTime?.seconds),
    );
    expect(byTime.map((e) => e.outcome)).toEqual(['failure', 'success', 'failure']);
    const pages: auditV1.AuditEvent[] = [];
    let token = '';
    do {
      const page = await list({ pageSize: 3, pageToken: token });
      pages.push(...page.events);
      token = page.nextPageToken;
    } while (token);
    expect(pages.map((e) => e.sequence)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const exported = await lastValueFrom(
      client
        .stream('exportAuditEvents', {
          filter: { tenantId, userId: '', type: '', outcome: '', fromTime: undefined, toTime: undefined },
        })
        .pipe(toArray()),
    );
    expect(exported.map((m) => m.event)).toEqual(pages);
    await expect(list({ type: 'Not A Type' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(list({ fromTime: toTimestamp(at(5)), toTime: toTimestamp(at(2)) })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(list({ pageToken: 'forged' })).rejects.toMatchObject({ code: 'PAGE_TOKEN_INVALID' });
    await expect(
      lastValueFrom(
        client.stream('exportAuditEvents', {
          filter: {
            tenantId: 'nope',
            userId: '',
            type: '',
            outcome: '',
            fromTime: undefined,
            toTime: undefined,
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('drops whole partitions past the retention and still verifies what remains', async () => {
    const maintenance = service.app.get(AuditMaintenance);
    const tenantId = randomUUID();
    const userId = randomUUID();
    const real = new Date();
    // Ten days ago: three records, one with a client address.
    now = new Date(real.getTime() - 10 * DAY_MS);
    await maintenance.ensurePartitions(now, now);
    await publish([
      userCreated(tenantId, userId),
      userCreated(tenantId, userId),
      event('gateway.authentication.failed', tenantId, { userId, clientIp: '198.51.100.7' }),
    ]);
    await recorded(tenantId, 3);
    now = real;
    await publish([userCreated(tenantId, userId), userCreated(tenantId, userId)]);
    await recorded(tenantId, 5);
    expect(await query('SELECT 1 FROM audit_client_ips WHERE tenant_id = $1', [tenantId])).toHaveLength(1);

    const report = await maintenance.run(real);
    const oldDay = new Date(real.getTime() - 10 * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
    expect(report?.dropped).toContain(`audit_events_p${oldDay}`);
    expect(report?.clientIpsPurged).toBeGreaterThanOrEqual(1);
    const rows = await recorded(tenantId, 2);
    expect(rows.map((r) => r.sequence)).toEqual(['4', '5']);
    expect(await verify(tenantId)).toMatchObject({
      intact: true,
      checked: '2',
      firstSequence: '4',
      lastSequence: '5',
      droppedThroughSequence: '3',
    });
    expect(await query('SELECT 1 FROM audit_client_ips WHERE tenant_id = $1', [tenantId])).toHaveLength(0);
    // Removing a record after the retention point is still found.
    await tamper(`DELETE FROM audit_events WHERE tenant_id = '${tenantId}' AND sequence = 4`);
    expect((await verify(tenantId)).problems).toEqual([
      expect.objectContaining({ kind: 'REMOVED', sequence: '4' }),
    ]);
  });
});
