import { EVENT_HEADERS, TOPICS } from '@portcullis/contracts';
import {
  type DedicatedKafka,
  eventually,
  kafkaProbe,
  queryDatabase,
  startDedicatedKafka,
} from '@portcullis/testing';
import { Kafka, logLevel } from 'kafkajs';
import { SliceStack } from '../src';

/**
 * SECURITY.md 31-33 on the first slice: the outbox keeps events while Kafka is down, a relay that
 * dies between publishing and marking causes a duplicate that audit absorbs, and an audit consumer
 * that dies between writing and committing its offset gets the event again and applies it once.
 * A broker of its own gives these tests fresh topics and lets them stop Kafka.
 */
describe('delivery guarantees of the outbox, relay and consumers', () => {
  let kafka: DedicatedKafka;

  beforeAll(async () => {
    kafka = await startDedicatedKafka();
  });

  afterAll(async () => {
    await kafka?.destroy();
  });

  const rows = <T>(stack: SliceStack, db: string, sql: string, params: unknown[] = []) =>
    queryDatabase<T>(stack.databaseUrl, db, sql, params);
  /** count(*) of `from` ("table WHERE …") in one of the stack's databases. */
  const count = async (stack: SliceStack, db: string, from: string, params: unknown[] = []) =>
    Number((await rows<{ n: string }>(stack, db, `SELECT count(*) AS n FROM ${from}`, params))[0]?.n);

  async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    const admin = new Kafka({
      brokers: kafka.brokers,
      clientId: 'test-admin',
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  it('an audit consumer killed after writing but before committing its offset applies the event once (SECURITY.md 32)', async () => {
    const stack = await new SliceStack({
      kafkaBrokers: kafka.brokers,
      auditFaultPoints: 'consumer.after-handle=kill',
    }).start();
    try {
      const probe = await kafkaProbe(kafka.brokers, [TOPICS.identityEvents]);
      const tenantId = await stack.createTenant('Crash-after-write');
      const message = await eventually(() => {
        const found = probe.received.find((m) => m.headers[EVENT_HEADERS.tenantId] === tenantId);
        if (!found) throw new Error('not published yet');
        return found;
      });
      await probe.stop();
      const eventId = message.headers[EVENT_HEADERS.id];

      // The consumer wrote the row, then died at the failpoint before any offset commit.
      expect(await stack.audit.exited()).toBe('SIGKILL');
      expect(await count(stack, stack.auditDb, 'audit_events WHERE event_id = $1', [eventId])).toBe(1);
      const before = await committedOffsets(stack.auditGroup, TOPICS.identityEvents);
      expect([...before.values()].every((offset) => offset < 0)).toBe(true); // nothing committed: Kafka will redeliver

      stack.audit = await stack.startAudit(); // same consumer group, no failpoint
      await eventually(async () => {
        const after = await committedOffsets(stack.auditGroup, TOPICS.identityEvents);
        expect(Math.max(...after.values())).toBeGreaterThan(0); // the redelivered message was consumed and committed
      });
      expect(await count(stack, stack.auditDb, 'audit_events WHERE tenant_id = $1', [tenantId])).toBe(1);
      expect(await count(stack, stack.auditDb, 'processed_events WHERE event_id = $1', [eventId])).toBe(1);
    } finally {
      await stack.stop();
    }
  });

  it('a relay killed after publishing but before marking publishes again; audit keeps one row (SECURITY.md 33)', async () => {
    const stack = await new SliceStack({
      kafkaBrokers: kafka.brokers,
      identityFaultPoints: 'relay.after-publish=kill',
    }).start();
    try {
      const probe = await kafkaProbe(kafka.brokers, [TOPICS.identityEvents]);
      // The tenant commits; its event is published, then identity dies before marking the row.
      // The HTTP answer may or may not make it out before the kill, so the database is the witness.
      await stack.http('POST', '/v1/tenants', { name: 'Crash-after-publish' }).catch(() => undefined);
      expect(await stack.identity.exited()).toBe('SIGKILL');
      const [outbox] = await rows<{ id: string; tenant_id: string; published_at: Date | null }>(
        stack,
        stack.identityDb,
        'SELECT id, tenant_id, published_at FROM outbox_events',
      );
      expect(outbox?.published_at).toBeNull();
      const eventId = outbox.id;
      await eventually(() =>
        expect(probe.received.filter((m) => m.headers[EVENT_HEADERS.id] === eventId)).toHaveLength(1),
      );

      stack.identity = await stack.startIdentity(); // no failpoint: the relay republishes the unmarked row
      await eventually(async () => {
        const [row] = await rows<{ published_at: Date | null }>(
          stack,
          stack.identityDb,
          'SELECT published_at FROM outbox_events WHERE id = $1',
          [eventId],
        );
        expect(row?.published_at).not.toBeNull();
      });
      await eventually(() =>
        expect(probe.received.filter((m) => m.headers[EVENT_HEADERS.id] === eventId)).toHaveLength(2),
      );
      await probe.stop();

      // Audit saw the event twice on Kafka and recorded it once.
      await eventually(async () => {
        expect(await count(stack, stack.auditDb, 'processed_events WHERE event_id = $1', [eventId])).toBe(1);
      });
      expect(await count(stack, stack.auditDb, 'audit_events WHERE tenant_id = $1', [outbox.tenant_id])).toBe(
        1,
      );
    } finally {
      await stack.stop();
    }
  });

  it('creates succeed while Kafka is down; afterwards every event reaches audit exactly once (SECURITY.md 31)', async () => {
    const stack = await new SliceStack({ kafkaBrokers: kafka.brokers }).start();
    try {
      const tenantId = await stack.createTenant('Kafka-outage');
      for (let i = 0; i < 3; i += 1)
        expect((await stack.http('POST', '/v1/users', { tenantId, externalId: `before-${i}` })).status).toBe(
          201,
        );
      await eventually(async () => {
        const page = await stack.http('GET', `/v1/audit/events?tenantId=${tenantId}&pageSize=500`);
        expect(page.json['events']).toHaveLength(4);
      });

      await kafka.stop();
      for (let i = 0; i < 10; i += 1) {
        const created = await stack.http('POST', '/v1/users', { tenantId, externalId: `during-${i}` });
        expect(created.status).toBe(201);
      }
      expect(await count(stack, stack.identityDb, 'outbox_events WHERE published_at IS NULL')).toBe(10);

      await kafka.start();
      const outbox = await eventually(
        async () => {
          const all = await rows<{ id: string; published_at: Date | null }>(
            stack,
            stack.identityDb,
            'SELECT id, published_at FROM outbox_events',
          );
          expect(all.every((r) => r.published_at !== null)).toBe(true);
          return all;
        },
        { timeoutMs: 90_000 },
      );
      const audited = await eventually(
        async () => {
          const events = await rows<{ event_id: string }>(
            stack,
            stack.auditDb,
            'SELECT event_id FROM audit_events WHERE tenant_id = $1',
            [tenantId],
          );
          expect(events).toHaveLength(14);
          return events;
        },
        { timeoutMs: 90_000 },
      );
      // Exactly the committed events, each once.
      expect(new Set(audited.map((e) => e.event_id))).toEqual(new Set(outbox.map((r) => r.id)));
    } finally {
      await stack.stop();
    }
  });
});
