import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf, EVENT_HEADERS, encodeEventPayload, toTimestamp } from '@portcullis/contracts';
import { createLogger } from '@portcullis/observability';
import { createDataSource, migrateDatabase } from '@portcullis/persistence';
import {
  dropDatabases,
  eventually,
  kafkaProbe,
  publishRaw,
  testInfrastructure,
  uniqueDatabaseName,
  uniqueSuffix,
} from '@portcullis/testing';
import type { DataSource } from 'typeorm';
import {
  createKafka,
  ensureTopics,
  type BatchEventHandler,
  EventConsumer,
  type EventConsumerSettings,
  type EventHandler,
  MessagingTables1764316800000,
} from '../src';

/** The consumer base on real Kafka and PostgreSQL: retry with backoff, then the dead-letter topic. */
describe('EventConsumer', () => {
  const infra = testInfrastructure();
  const database = uniqueDatabaseName('messaging');
  const logger = createLogger({ service: 'test', level: 'silent' });
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'consumer-test', logger });
  // A topic of its own: no other test's messages, so every message seen here is this test's.
  const topic = `test.messaging.${uniqueSuffix()}.events.v1`;
  let dataSource: DataSource;

  beforeAll(async () => {
    const settings = {
      serverUrl: infra.databaseUrl,
      database,
      entities: [],
      migrations: [MessagingTables1764316800000],
    };
    await migrateDatabase(settings);
    dataSource = createDataSource(settings);
    await dataSource.initialize();
    await ensureTopics(kafka, [topic], 1);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabases(infra.databaseUrl, [database]);
  });

  function tenantCreated(tenantId: string) {
    return {
      key: tenantId,
      value: encodeEventPayload('identity.tenant.created', {
        tenantId,
        name: 'T',
        createTime: toTimestamp(new Date()),
      }),
      headers: {
        [EVENT_HEADERS.id]: randomUUID(),
        [EVENT_HEADERS.type]: 'identity.tenant.created',
        [EVENT_HEADERS.tenantId]: tenantId,
        [EVENT_HEADERS.occurredAt]: new Date().toISOString(),
      },
    };
  }

  async function withConsumer(
    groupId: string,
    handler: EventHandler,
    work: () => Promise<void>,
    batch: Partial<
      Pick<EventConsumerSettings, 'batchHandler' | 'maxBatchSize' | 'batchLanes' | 'topics'>
    > = {},
  ): Promise<void> {
    const consumer = new EventConsumer(
      kafka,
      dataSource,
      {
        groupId,
        topics: [topic],
        accepts: () => true,
        handler,
        maxAttempts: 4,
        initialBackoffMs: 50,
        ...batch,
      },
      logger,
    );
    await consumer.start();
    try {
      await work();
    } finally {
      await consumer.stop();
    }
  }

  it('applies an event delivered twice once (deduplication on the event id)', async () => {
    const tenantId = randomUUID();
    const applied: string[] = [];
    const handler: EventHandler = async (event) => {
      if (event.tenantId === tenantId) applied.push(event.id);
    };
    const event = tenantCreated(tenantId);
    const marker = tenantCreated(tenantId); // same key and partition, after both copies
    await withConsumer(`dedup-${uniqueSuffix()}`, handler, async () => {
      await publishRaw(infra.kafkaBrokers, topic, [event, event, marker]);
      await eventually(() => expect(applied).toContain(marker.headers[EVENT_HEADERS.id]));
    });
    expect(applied).toEqual([event.headers[EVENT_HEADERS.id], marker.headers[EVENT_HEADERS.id]]);
  });

  it('retries a failing handler with backoff and applies the event once it succeeds', async () => {
    const tenantId = randomUUID();
    const groupId = `retry-${uniqueSuffix()}`;
    const attempts: number[] = [];
    const applied: string[] = [];
    const handler: EventHandler = async (event, manager) => {
      if (event.tenantId !== tenantId) return;
      attempts.push(Date.now());
      // The failed attempts' writes roll back with their transaction.
      await manager.query('SELECT 1');
      if (attempts.length < 3) throw new Error('temporary failure');
      applied.push(event.id);
    };
    const event = tenantCreated(tenantId);
    await withConsumer(groupId, handler, async () => {
      await publishRaw(infra.kafkaBrokers, topic, [event]);
      await eventually(() => expect(applied).toEqual([event.headers[EVENT_HEADERS.id]]));
    });
    expect(attempts).toHaveLength(3);
    // Exponential backoff from 50 ms: at least 50 ms before the 2nd attempt, 100 ms before the 3rd
    // (lower bounds only; timer granularity allows a millisecond of slack).
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(49);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(99);
    const processed: unknown[] = await dataSource.query(
      'SELECT 1 FROM processed_events WHERE consumer_group = $1 AND event_id = $2',
      [groupId, event.headers[EVENT_HEADERS.id]],
    );
    expect(processed).toHaveLength(1);
  });

  it('parks an event whose handler keeps failing on the dead-letter topic after the last attempt', async () => {
    const tenantId = randomUUID();
    const groupId = `dlq-${uniqueSuffix()}`;
    let attempts = 0;
    const handler: EventHandler = async (event) => {
      if (event.tenantId !== tenantId) return;
      attempts += 1;
      throw new Error('handler bug');
    };
    const probe = await kafkaProbe(infra.kafkaBrokers, [deadLetterTopicOf(topic, groupId)]);
    const mine = () => probe.received.filter((m) => m.headers[EVENT_HEADERS.tenantId] === tenantId);
    try {
      const event = tenantCreated(tenantId);
      await withConsumer(groupId, handler, async () => {
        await publishRaw(infra.kafkaBrokers, topic, [event]);
        await eventually(() => expect(mine()).toHaveLength(1));
      });
      expect(attempts).toBe(4);
      expect(mine()[0]?.headers).toMatchObject({
        [EVENT_HEADERS.id]: event.headers[EVENT_HEADERS.id],
        'dlq-reason': 'handler bug',
        'dlq-consumer-group': groupId,
      });
    } finally {
      await probe.stop();
    }
  });

  it('applies batches once each in one transaction, and isolates a bad event of a batch', async () => {
    const tenantId = randomUUID();
    const groupId = `batch-${uniqueSuffix()}`;
    const events = Array.from({ length: 12 }, () => tenantCreated(tenantId));
    const bad = events[5]?.headers[EVENT_HEADERS.id];
    const batches: string[][] = [];
    const single: string[] = [];
    const batchHandler: BatchEventHandler = async (batch, manager) => {
      const mine = batch.filter((e) => e.tenantId === tenantId).map((e) => e.id);
      await manager.query('SELECT 1');
      if (mine.includes(bad ?? '')) throw new Error('one bad event in the batch');
      if (mine.length > 0) batches.push(mine);
    };
    const handler: EventHandler = async (event) => {
      if (event.tenantId !== tenantId) return;
      if (event.id === bad) throw new Error('still bad');
      single.push(event.id);
    };
    const probe = await kafkaProbe(infra.kafkaBrokers, [deadLetterTopicOf(topic, groupId)]);
    try {
      // Published twice: the second copies are duplicates of events already applied.
      await withConsumer(
        groupId,
        handler,
        async () => {
          await publishRaw(infra.kafkaBrokers, topic, [...events, ...events]);
          await eventually(() =>
            expect(probe.received.filter((m) => m.headers[EVENT_HEADERS.tenantId] === tenantId)).toHaveLength(
              1,
            ),
          );
          await eventually(() => expect(new Set([...batches.flat(), ...single]).size).toBe(11));
        },
        { batchHandler, maxBatchSize: 4 },
      );
    } finally {
      await probe.stop();
    }
    const applied = [...batches.flat(), ...single];
    expect(applied).toHaveLength(11); // each good event once, the bad one never
    expect(applied).not.toContain(bad);
    // The chunk holding the bad event fell back to one at a time; the others stayed batches.
    expect(single.length).toBeGreaterThan(0);
    expect(batches.some((b) => b.length > 1)).toBe(true);
    const processed: unknown[] = await dataSource.query(
      'SELECT 1 FROM processed_events WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])',
      [groupId, events.map((e) => e.headers[EVENT_HEADERS.id])],
    );
    expect(processed).toHaveLength(11);
  });

  it('splits a batch into lanes by key, side by side; a failing lane falls back alone', async () => {
    const tenants: string[] = [randomUUID(), randomUUID(), randomUUID()];
    const groupId = `lanes-${uniqueSuffix()}`;
    const events = Array.from({ length: 12 }, (_, i) => tenantCreated(tenants[i % 3] ?? ''));
    const bad = events[4]?.headers[EVENT_HEADERS.id];
    const batches: { tenants: string[]; ids: string[] }[] = [];
    const single: string[] = [];
    const batchHandler: BatchEventHandler = async (batch) => {
      const mine = batch.filter((e) => tenants.includes(e.tenantId));
      if (mine.some((e) => e.id === bad)) throw new Error('a bad event in this lane');
      if (mine.length > 0)
        batches.push({ tenants: [...new Set(mine.map((e) => e.tenantId))], ids: mine.map((e) => e.id) });
      return Promise.resolve();
    };
    const handler: EventHandler = async (event) => {
      if (!tenants.includes(event.tenantId)) return;
      if (event.id === bad) throw new Error('still bad');
      single.push(event.id);
      return Promise.resolve();
    };
    // A topic of its own, filled before the consumer starts: its first fetch holds exactly these
    // twelve events, one batch. (Published while it runs, or behind other tests' events, they
    // could arrive split over two batches, and a tenant fall back in one and commit in the next.)
    const laneTopic = `test.messaging.lanes.${uniqueSuffix()}.events.v1`;
    await ensureTopics(kafka, [laneTopic], 1);
    await publishRaw(infra.kafkaBrokers, laneTopic, events);
    await withConsumer(
      groupId,
      handler,
      async () => {
        await eventually(() => expect(new Set([...batches.flatMap((b) => b.ids), ...single]).size).toBe(11));
      },
      {
        batchHandler,
        maxBatchSize: 12,
        batchLanes: { count: 3, keyOf: (e) => e.tenantId },
        topics: [laneTopic],
      },
    );
    const applied = [...batches.flatMap((b) => b.ids), ...single];
    expect(applied).toHaveLength(11);
    // A lane either committed as a batch or fell back as a whole: no tenant is in both, and the
    // bad event's tenant (whatever else shares its lane) only fell back.
    const badTenant = events[4]?.headers[EVENT_HEADERS.tenantId];
    const tenantOf = (id: string) =>
      events.find((e) => e.headers[EVENT_HEADERS.id] === id)?.headers[EVENT_HEADERS.tenantId];
    const fellBack = new Set(single.map(tenantOf));
    expect(batches.flatMap((b) => b.tenants).filter((t) => fellBack.has(t))).toEqual([]);
    expect(fellBack.has(badTenant)).toBe(true);
    expect(batches.flatMap((b) => b.tenants)).not.toContain(badTenant);
    // Within a lane, a key's events keep their partition order.
    for (const tenant of tenants.filter((t) => t !== badTenant)) {
      const order = events
        .filter((e) => e.headers[EVENT_HEADERS.tenantId] === tenant)
        .map((e): string => e.headers[EVENT_HEADERS.id]);
      expect(applied.filter((id) => order.includes(id))).toEqual(order);
    }
  });
});
