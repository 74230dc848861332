import { mkdirSync, writeFileSync } from 'node:fs';
import { DOMAIN_EVENT_TOPICS, deadLetterTopicOf, EVENT_HEADERS } from '@portcullis/contracts';
import {
  type DedicatedKafka,
  type DedicatedPostgres,
  eventually,
  kafkaProbe,
  queryDatabase,
  startDedicatedKafka,
  startDedicatedPostgres,
} from '@portcullis/testing';
import { Kafka, logLevel } from 'kafkajs';
import { parsePrometheusText, sampleSum, SignInLoad, SliceStack } from '../src';

jest.setTimeout(240_000);

/**
 * The multi-instance fault suite (SECURITY.md 31-39): two instances each of gateway, factors and
 * audit (one database and one consumer group per service, each gateway calling both factors and
 * both audit instances round robin) under a steady load of sign-ins and enrolments, while
 * instances are killed, Kafka stops and PostgreSQL restarts. Kafka and PostgreSQL are dedicated
 * servers, so stopping them touches no other test. The last test holds the whole run to its
 * promises: no event lost or doubled, no code accepted twice, counters exact, no half-enrolled
 * factor.
 */
describe('two instances each of gateway, factors and audit, under faults', () => {
  let kafka: DedicatedKafka;
  let postgres: DedicatedPostgres;
  let stack: SliceStack;
  let load: SignInLoad;

  beforeAll(async () => {
    [kafka, postgres] = await Promise.all([startDedicatedKafka(), startDedicatedPostgres()]);
    stack = await new SliceStack({
      kafkaBrokers: kafka.brokers,
      databaseUrl: postgres.url,
      replicas: { gateway: 2, factors: 2, audit: 2 },
      metrics: true,
      gatewayEnv: { RATE_LIMIT_PER_KEY: '1000000', RATE_LIMIT_PER_END_USER_IP: '1000000' },
    }).start();
    load = await new SignInLoad(stack, {
      workers: Number(process.env['FAULT_SUITE_WORKERS'] ?? 4),
      customers: Number(process.env['FAULT_SUITE_CUSTOMERS'] ?? 40),
    }).prepare();
    load.start();
  });

  afterAll(async () => {
    await load?.stop();
    // What the load did in each phase, for the record (test-results/fault-suite.json).
    if (load) {
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/fault-suite.json', JSON.stringify(load.summary(), null, 2));
    }
    await stack?.stop();
    await Promise.all([kafka?.destroy(), postgres?.destroy()]);
  });

  const rows = <T>(db: string, sql: string, params: unknown[] = []) =>
    queryDatabase<T>(stack.databaseUrl, db, sql, params);
  const api = (method: string, path: string, body: unknown, instance = 0) =>
    stack.http(method, path, body, { bearer: load.apiKey, instance });
  const tenantId = () => load.tenant;

  /** A challenge for a new customer's TOTP factor, and how to answer it on either gateway. */
  async function openChallenge() {
    const customer = await load.newCustomer();
    const started = await api('POST', '/v1/authentications', {
      tenantId: tenantId(),
      userId: customer.userId,
      context: { ip: '203.0.113.9', userAgent: 'fault-suite', deviceId: 'd' },
    });
    const id = started.json['authentication'].id as string;
    const challenge = await api('POST', `/v1/authentications/${id}/challenges`, {
      tenantId: tenantId(),
      factorId: customer.factorId,
    });
    expect(challenge.status).toBe(201);
    const answer = (code: string, instance = 0) =>
      api(
        'POST',
        `/v1/authentications/${id}/verify`,
        { tenantId: tenantId(), challengeId: challenge.json['challengeId'], code },
        instance,
      );
    return { customer, answer };
  }

  it('a killed instance of each loses nothing: lockout counters survive, the survivors carry the load (SECURITY.md 38)', async () => {
    load.phase = 'steady';
    await load.untilVerified(10);
    expect(load.failuresOf('steady')).toEqual([]);
    // Both factors instances serve verifications (grpc-peer.spec proves the round robin).
    const verifications = async (index: number) =>
      sampleSum(
        parsePrometheusText(await stack.metrics('factors', index)),
        'rpc_server_call_duration_count',
        {
          rpc_method: 'portcullis.factors.v1.FactorsService/VerifyChallenge',
        },
      );
    expect(Math.min(await verifications(0), await verifications(1))).toBeGreaterThan(0);

    // Three wrong answers before the kill, through both gateways.
    const { customer, answer } = await openChallenge();
    const wrong = String((Number(load.codeOf(customer)) + 1) % 1_000_000).padStart(6, '0');
    const codes: string[] = [];
    for (const instance of [0, 1, 0]) codes.push((await answer(wrong, instance)).json['code'] as string);

    load.phase = 'kill';
    await Promise.all([
      stack.instances.gateway[1].kill(),
      stack.instances.factors[0].kill(),
      stack.instances.audit[0].kill(),
    ]);
    try {
      // Three more through the surviving gateway; a call that reached the dead factors instance
      // before the channel noticed fails as unavailable and counts for nothing, so it is repeated.
      while (codes.length < 6) {
        const answered = await answer(wrong, 0);
        if (answered.json['code'] !== 'UPSTREAM_UNAVAILABLE') codes.push(answered.json['code'] as string);
      }
      expect(codes).toEqual([...Array<string>(5).fill('CODE_INVALID'), 'FACTOR_LOCKED']);
      expect((await answer(load.codeOf(customer), 0)).json['code']).toBe('FACTOR_LOCKED');

      load.phase = 'after-kill';
      await load.untilVerified(10);
      // While the instances died, a call failed only as unavailable (a factors instance died
      // under it) or as still in progress (the gateway that claimed its Idempotency-Key died
      // under it; the claim lapses after its lease) — never with a wrong answer, a replayed
      // action or an internal error. Afterwards none failed.
      for (const failure of load.failuresOf('kill'))
        expect([
          [503, 'UPSTREAM_UNAVAILABLE'],
          [409, 'IDEMPOTENCY_IN_PROGRESS'],
        ]).toContainEqual([failure.status, failure.code]);
      expect(load.failuresOf('after-kill')).toEqual([]);
    } finally {
      // Back to two of each for the scenarios that follow.
      await Promise.all([stack.startGateway(1), stack.startFactors(0), stack.startAudit(undefined, 0)]);
    }
  });

  it('Kafka down during sign-ins: every sign-in works, events wait in the outboxes (SECURITY.md 31)', async () => {
    load.phase = 'kafka-down';
    await kafka.stop();
    try {
      await load.untilVerified(15);
      expect(load.failuresOf('kafka-down')).toEqual([]);
      const [waiting] = await rows<{ n: string }>(
        stack.factorsDb,
        'SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL',
      );
      expect(Number(waiting.n)).toBeGreaterThan(0);
    } finally {
      await kafka.start();
    }
    load.phase = 'kafka-back';
    await load.untilVerified(5);
  });

  it('PostgreSQL restarted during a verification: it fails cleanly, then the code works once (SECURITY.md 35)', async () => {
    const { customer, answer } = await openChallenge();
    load.phase = 'postgres-down';
    await postgres.stop();
    try {
      const during = await answer(load.codeOf(customer), 0);
      expect([during.status, during.json['code']]).toEqual([503, 'DEPENDENCY_UNAVAILABLE']);
    } finally {
      await postgres.start();
    }

    // Until the services reconnect the answer stays unavailable; then one of two concurrent
    // answers with the same code, one per gateway, succeeds.
    const code = load.codeOf(customer);
    const answers = await eventually(
      async () => {
        const both = await Promise.all([answer(code, 0), answer(code, 1)]);
        expect(both.every((a) => a.status !== 503)).toBe(true);
        return both;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);

    load.phase = 'postgres-back';
    await load.untilVerified(10);
    // During the outage calls failed with a typed error, never half-done.
    for (const failure of load.failuresOf('postgres-down')) {
      expect(failure.status === 'network' ? 'network' : [failure.status >= 500, failure.code]).toEqual([
        true,
        expect.any(String),
      ]);
    }
  });

  it('the same code sent to both gateways at once: exactly one success (SECURITY.md 37)', async () => {
    const { customer, answer } = await openChallenge();
    const code = load.codeOf(customer);
    const answers = await Promise.all([answer(code, 0), answer(code, 1), answer(code, 0), answer(code, 1)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412, 412, 412]);
    expect(answers.filter((a) => a.json['assertion'])).toHaveLength(1);
  });

  it('a poison message on every topic goes to each group’s dead-letter topic (SECURITY.md 39)', async () => {
    const producer = new Kafka({
      brokers: kafka.brokers,
      clientId: 'poison',
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const dlqs = DOMAIN_EVENT_TOPICS.map((topic) => deadLetterTopicOf(topic, stack.auditGroup));
    const probe = await kafkaProbe(kafka.brokers, dlqs);
    try {
      for (const topic of DOMAIN_EVENT_TOPICS) {
        await producer.send({
          topic,
          messages: [
            {
              key: `${tenantId()}:poison`,
              value: Buffer.from('not a protobuf event'),
              headers: { [EVENT_HEADERS.id]: 'not-a-uuid', [EVENT_HEADERS.type]: 'poison.message.sent' },
            },
          ],
        });
      }
      await eventually(() => expect(new Set(probe.received.map((m) => m.topic))).toEqual(new Set(dlqs)), {
        timeoutMs: 60_000,
      });
    } finally {
      await probe.stop();
      await producer.disconnect();
    }
  });

  it('after it all: no event lost or doubled, no code accepted twice, counters exact, no half-enrolled factor (SECURITY.md 31-38)', async () => {
    load.phase = 'final';
    await load.untilVerified(5);
    await load.stop();
    const producers = [stack.identityDb, stack.factorsDb, stack.gatewayDb, stack.riskDb];

    // Every committed event is published, and audit holds each exactly once.
    const published = await eventually(
      async () => {
        const all = (
          await Promise.all(
            producers.map((db) =>
              rows<{ id: string; published: boolean; topic: string }>(
                db,
                'SELECT id, published_at IS NOT NULL AS published, topic FROM outbox_events',
              ),
            ),
          )
        ).flat();
        expect(all.filter((r) => !r.published)).toEqual([]);
        return all.filter((r) => DOMAIN_EVENT_TOPICS.includes(r.topic as never)).map((r) => r.id);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const audited = await eventually(
      async () => {
        const ids = (
          await rows<{ event_id: string }>(stack.auditDb, 'SELECT event_id FROM audit_events')
        ).map((r) => r.event_id);
        expect(ids.length).toBeGreaterThanOrEqual(published.length);
        return ids;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(audited).toHaveLength(new Set(audited).size);
    expect(new Set(audited)).toEqual(new Set(published));
    const verified = await stack.http('GET', `/v1/tenants/${tenantId()}/audit/verify`);
    expect(verified.json['result']).toMatchObject({ intact: true });

    // No challenge was answered successfully twice, whatever the faults.
    const successes = new Map<string, number>();
    for (const o of load.verified()) successes.set(o.challengeId!, (successes.get(o.challengeId!) ?? 0) + 1);
    expect([...successes.values()].filter((n) => n > 1)).toEqual([]);

    // The factors database is the truth; audit's counters, built from events, match it exactly.
    const [truth] = await rows<{ active: string; begun: string; started: string; verified: string }>(
      stack.factorsDb,
      `SELECT (SELECT count(*) FROM factors WHERE tenant_id = $1 AND status = 'ACTIVE') AS active,
              (SELECT count(*) FROM factors WHERE tenant_id = $1) AS begun,
              (SELECT count(*) FROM challenges WHERE tenant_id = $1 AND purpose = 'AUTHENTICATION') AS started,
              (SELECT count(*) FROM challenges WHERE tenant_id = $1 AND status = 'VERIFIED' AND purpose = 'AUTHENTICATION') AS verified`,
      [tenantId()],
    );
    // Answers the load saw succeed are verified challenges; some verified ones the load never
    // heard back from (the instance died first).
    expect(Number(truth.verified)).toBeGreaterThanOrEqual(successes.size);
    const day = 24 * 3600 * 1000;
    const from = new Date(Math.floor(Date.now() / day) * day - day).toISOString();
    const to = new Date(Math.floor(Date.now() / day) * day + day).toISOString();
    const kpis = await eventually(
      async () => {
        const answered = await stack.http(
          'GET',
          `/v1/tenants/${tenantId()}/kpis?fromTime=${from}&toTime=${to}`,
        );
        const current = answered.json['kpis'];
        expect(current.challenges).toMatchObject({ started: truth.started, verified: truth.verified });
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(kpis.factorMix).toContainEqual({ factorType: 'totp', active: truth.active });
    expect(kpis.enrolmentFunnel.find((s: { factorType: string }) => s.factorType === 'totp')).toMatchObject({
      started: truth.begun,
      completed: truth.active,
    });

    // No half-enrolled factor: each active factor has exactly one enrolled event, and no event
    // names a factor that is not active.
    const [enrolled] = await rows<{ active: string; events: string; unmatched: string }>(
      stack.factorsDb,
      `SELECT (SELECT count(*) FROM factors WHERE tenant_id::text = $1 AND status = 'ACTIVE') AS active,
              (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND type = 'factors.totp.enrolled') AS events,
              (SELECT count(*) FROM factors f WHERE f.tenant_id::text = $1 AND f.status = 'ACTIVE' AND
                 (SELECT count(*) FROM outbox_events o WHERE o.tenant_id = $1 AND o.type = 'factors.totp.enrolled'
                    AND o.message_key LIKE '%' || f.user_id::text || '%') <> 1) AS unmatched`,
      [tenantId()],
    );
    expect(enrolled).toEqual({ active: enrolled.active, events: enrolled.active, unmatched: '0' });
    const activations = load.outcomes.filter((o) => o.op === 'activate' && o.status === 200);
    const [activeOfLoad] = await rows<{ n: string }>(
      stack.factorsDb,
      `SELECT count(*) AS n FROM factors WHERE status = 'ACTIVE' AND id = ANY($1::uuid[])`,
      [activations.map((o) => o.factorId)],
    );
    expect(Number(activeOfLoad.n)).toBe(activations.length);
  });
});
