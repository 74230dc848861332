/**
 * Audit ingest benchmark: `npm run bench:audit`. On a broker of its own (no other test's history):
 *   1. backlog drain: BENCH_EVENTS domain events (a realistic mix over 200 tenants) waiting on the
 *      five domain topics, read into the hash-chained log with KPIs and the analysts' records, in
 *      batches, against a baseline measured in the same run: the same consumer with a handler that
 *      does nothing but the exactly-once bookkeeping (processed ids);
 *   2. sustained load: events produced at BENCH_RATE per second for BENCH_SECONDS while the audit
 *      service consumes; consumer lag sampled every second, and the latency from an event's
 *      occurrence to its record (p50, p99).
 * Prints a table and writes bench-results/audit.json. CPU is this process's (consumer, producer
 * and relay), not PostgreSQL's or the broker's.
 */
import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENT_TOPICS,
  EVENT_CATALOGUE,
  EVENT_HEADERS,
  type EventType,
  encodeEventPayload,
  exampleEventPayload,
  PROTO_FILES,
  PROTO_PACKAGES,
} from '@portcullis/contracts';
import { type RunningService, startGrpcService } from '@portcullis/grpc';
import { EventConsumer, ensureTopics } from '@portcullis/messaging';
import { createLogger } from '@portcullis/observability';
import { openDataSource } from '@portcullis/persistence';
import {
  type BenchResult,
  benchSize,
  dropDatabases,
  ensureTestInfrastructure,
  freePort,
  percentile,
  queryDatabase,
  report,
  startDedicatedKafka,
  uniqueDatabaseName,
} from '@portcullis/testing';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';
import { AuditModule } from '../src/app.module';
import { loadAuditConfig } from '../src/config/audit.config';
import { AUDIT_MIGRATIONS } from '../src/persistence/migrations';

const EVENTS = benchSize('BENCH_EVENTS', 200_000, 5_000);
const RATE = benchSize('BENCH_RATE', 10_000, 1_000);
const SECONDS = benchSize('BENCH_SECONDS', 30, 3);
const TENANTS = 200;

/** The mix of a busy sign-in day: challenges, risk scores, sign-ins, deliveries, some enrolments. */
const MIX: readonly [EventType, number][] = [
  ['factors.challenge.started', 20],
  ['factors.challenge.verified', 18],
  ['risk.attempt.scored', 20],
  ['gateway.authentication.succeeded', 18],
  ['delivery.message.sent', 8],
  ['delivery.message.delivered', 8],
  ['factors.challenge.failed', 3],
  ['gateway.authentication.failed', 2],
  ['factors.totp.enrolled', 2],
  ['identity.user.created', 1],
];
const WHEEL = MIX.flatMap(([type, weight]) => Array.from({ length: weight }, () => type));

const tenants = Array.from({ length: TENANTS }, () => randomUUID());
const templates = new Map(MIX.map(([type]) => [type, exampleEventPayload(type) as object]));

function message(i: number, occurredAt = new Date()): { topic: string; message: Message } {
  const type = WHEEL[i % WHEEL.length];
  const tenantId = tenants[i % TENANTS] as string;
  const userId = `user-${i % 5000}`;
  const payload = {
    ...templates.get(type),
    tenantId,
    userId,
    challengeId: randomUUID(),
    clientIp: `203.0.${i % 256}.${(i >> 8) % 256}`,
  } as never;
  const id = randomUUID();
  return {
    topic: EVENT_CATALOGUE[type].topic,
    message: {
      key: `${tenantId}:${userId}`,
      value: Buffer.from(encodeEventPayload(type, payload)),
      headers: {
        [EVENT_HEADERS.id]: id,
        [EVENT_HEADERS.type]: type,
        [EVENT_HEADERS.tenantId]: tenantId,
        [EVENT_HEADERS.occurredAt]: occurredAt.toISOString(),
      },
    },
  };
}

async function produce(kafka: Kafka, from: number, count: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let start = from; start < from + count; start += 2000) {
      const byTopic = new Map<string, Message[]>();
      for (let i = start; i < Math.min(from + count, start + 2000); i += 1) {
        const m = message(i);
        byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
      }
      await producer.sendBatch({
        acks: 1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Total lag of a consumer group over the domain topics. */
async function lagOf(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await admin.fetchOffsets({ groupId, topics: [...DOMAIN_EVENT_TOPICS] });
    for (const topic of DOMAIN_EVENT_TOPICS) {
      const ends = await admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const at = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
        lag += Number(end.offset) - Math.max(at, 0);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function throughput(
  scenario: string,
  kind: BenchResult['kind'],
  count: number,
  ms: number,
  cpuUs: number,
  latencies: number[] = [],
): BenchResult {
  latencies.sort((a, b) => a - b);
  return {
    scenario,
    kind,
    operations: count,
    opsPerSecond: Math.round((count * 1000) / ms),
    // A backlog is timed as a whole: no latency per event.
    p50Ms: latencies.length ? Number(percentile(latencies, 0.5).toFixed(3)) : null,
    p99Ms: latencies.length ? Number(percentile(latencies, 0.99).toFixed(3)) : null,
    cpuMsPerOp: Number((cpuUs / 1000 / count).toFixed(4)),
  };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function main(): Promise<void> {
  const infra = await ensureTestInfrastructure(() => undefined);
  const broker = await startDedicatedKafka();
  const kafka = new Kafka({ brokers: broker.brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const silent = createLogger({ service: 'audit', level: 'silent' });
  const databases = [uniqueDatabaseName('benchbase'), uniqueDatabaseName('benchaudit')];
  const results: BenchResult[] = [];
  let service: RunningService | undefined;
  try {
    await ensureTopics(kafka, DOMAIN_EVENT_TOPICS, 3);
    process.stdout.write(`producing ${EVENTS} events ...\n`);
    await produce(kafka, 0, EVENTS);

    // Baseline: the same consumer, exactly-once bookkeeping only.
    const baseDs = await openDataSource(
      {
        serverUrl: infra.databaseUrl,
        database: databases[0],
        entities: [],
        migrations: AUDIT_MIGRATIONS,
      },
      true,
    );
    let consumed = 0;
    const baseline = new EventConsumer(
      kafka,
      baseDs,
      {
        groupId: 'bench-baseline',
        topics: DOMAIN_EVENT_TOPICS,
        accepts: () => true,
        handler: () => Promise.resolve(),
        batchHandler: (events) => {
          consumed += events.length;
          return Promise.resolve();
        },
        maxBatchSize: 500,
      },
      silent,
    );
    let cpu = cpuNow();
    let started = Date.now();
    await baseline.start();
    await until(() => Promise.resolve(consumed >= EVENTS));
    results.push(
      throughput(
        'consume + dedup only (processed ids), backlog',
        'baseline',
        EVENTS,
        Date.now() - started,
        cpuNow() - cpu,
      ),
    );
    await baseline.stop();
    await baseDs.destroy();

    // The audit service: chain, minimisation, KPIs, analysts' records.
    const port = await freePort();
    const config = loadAuditConfig({
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: databases[1],
      KAFKA_BROKERS: broker.brokers.join(','),
      AUDIT_CONSUMER_GROUP: 'bench-audit',
      GRPC_PORT: String(port),
      OTEL_ENABLED: 'false',
    });
    const recorded = async () =>
      Number(
        (
          await queryDatabase<{ n: string }>(
            infra.databaseUrl,
            databases[1],
            'SELECT coalesce(sum(sequence), 0) AS n FROM audit_chain_heads',
          )
        )[0]?.n,
      );
    const unpublished = async () =>
      Number(
        (
          await queryDatabase<{ n: string }>(
            infra.databaseUrl,
            databases[1],
            `SELECT coalesce(sum(h.sequence - coalesce(c.sequence, 0)), 0) AS n
             FROM audit_chain_heads h LEFT JOIN audit_publish_cursors c USING (tenant_id)`,
          )
        )[0]?.n,
      );
    cpu = cpuNow();
    started = Date.now();
    service = await startGrpcService(AuditModule.register(config, silent), {
      logger: silent,
      server: { host: '127.0.0.1', port, protoPaths: [PROTO_FILES.audit], packages: [PROTO_PACKAGES.audit] },
    });
    await until(async () => (await recorded()) >= EVENTS);
    const drained = Date.now() - started;
    results.push(
      throughput('audit ingest (chain + KPIs), backlog', 'measured', EVENTS, drained, cpuNow() - cpu),
    );
    await until(async () => (await unpublished()) === 0);
    results.push(
      throughput(
        '… and published on portcullis.audit.v1',
        'measured',
        EVENTS,
        Date.now() - started,
        cpuNow() - cpu,
      ),
    );

    // Sustained load at a fixed rate, lag sampled each second.
    process.stdout.write(`sustained: ${RATE} events/s for ${SECONDS} s ...\n`);
    const lags: number[] = [];
    const sampler = setInterval(() => {
      lagOf(kafka, 'bench-audit').then(
        (lag) => lags.push(lag),
        () => undefined,
      );
    }, 1000);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const before = await recorded();
    const sustainedFrom = new Date();
    cpu = cpuNow();
    started = Date.now();
    let sent = 0;
    for (let second = 0; second < SECONDS; second += 1) {
      const tickEnd = started + (second + 1) * 1000;
      // Ten slices a second, so the load is even rather than one burst per second.
      for (let slice = 0; slice < 10; slice += 1) {
        const byTopic = new Map<string, Message[]>();
        for (let k = 0; k < RATE / 10; k += 1) {
          const m = message(EVENTS + sent);
          sent += 1;
          byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
        }
        await producer.sendBatch({
          acks: 1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        const wait = started + second * 1000 + (slice + 1) * 100 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const wait = tickEnd - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const producedMs = Date.now() - started;
    await until(async () => (await recorded()) >= before + sent);
    const caughtUpMs = Date.now() - started - producedMs;
    clearInterval(sampler);
    await producer.disconnect();
    const latencies = (
      await queryDatabase<{ ms: number }>(
        infra.databaseUrl,
        databases[1],
        `SELECT extract(epoch FROM (recorded_at - occurred_at)) * 1000 AS ms FROM audit_events WHERE recorded_at >= $1`,
        [sustainedFrom],
      )
    ).map((r) => Number(r.ms));
    results.push(
      throughput(
        `audit ingest, sustained ${RATE}/s offered (latency: occurred → recorded)`,
        'measured',
        sent,
        producedMs + caughtUpMs,
        cpuNow() - cpu,
        latencies,
      ),
    );
    lags.sort((a, b) => a - b);
    report('audit', 'Audit ingest', results);
    process.stdout.write(
      `\nsustained load: ${sent} events in ${(producedMs / 1000).toFixed(1)} s; consumer lag sampled ${lags.length}× — ` +
        `median ${percentile(lags, 0.5)}, max ${lags[lags.length - 1] ?? 0} events; caught up ${caughtUpMs} ms after the last send\n`,
    );
  } finally {
    await service?.close();
    await broker.destroy();
    await dropDatabases(infra.databaseUrl, databases);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
