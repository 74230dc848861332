/**
 * Delivery benchmark: `npm run bench:delivery`. Messages per second through the service, beside a
 * baseline measured in the same run: the bare twilio SDK posting to the same local Twilio
 * stand-in (no record, no budgets, no Kafka). Scenarios:
 *   - deliver-code use-case in-process (record, budgets, render, Twilio SDK, events);
 *   - end to end from Kafka: code events published, until the stand-in has every message.
 * Prints a table and writes bench-results/delivery.json.
 */
import {
  type BenchResult,
  benchSize,
  ensureTestInfrastructure,
  eventually,
  report,
} from '@portcullis/testing';
import { createTwilioClient } from '../src/channels/twilio/twilio-client';
import { DeliveryHarness } from '../test/delivery-harness';

/** Messages per second and CPU per message of `run` as a whole (no latency per message). */
async function timed(
  scenario: string,
  kind: BenchResult['kind'],
  messages: number,
  run: () => Promise<void>,
): Promise<BenchResult> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    scenario,
    kind,
    operations: messages,
    opsPerSecond: Math.round(messages / seconds),
    p50Ms: null,
    p99Ms: null,
    cpuMsPerOp: Number(((used.user + used.system) / 1000 / messages).toFixed(4)),
  };
}

async function pool(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await op(i);
    }),
  );
}

const gbMobile = (i: number) => `+4479112${String(10000 + i).padStart(5, '0')}`;

async function main(): Promise<void> {
  await ensureTestInfrastructure(() => undefined);
  const N = benchSize('BENCH_MESSAGES', 1000, 50);
  const CONCURRENCY = 16;
  const h = await new DeliveryHarness().start(
    { SMS_PROVIDERS: 'twilio', OUTBOX_POLL_INTERVAL_MS: '200' },
    'silent',
  );
  const results: BenchResult[] = [];
  try {
    const client = createTwilioClient({
      accountSid: h.accountSid,
      authToken: h.authToken,
      apiBaseUrl: h.twilio.url,
      timeoutMs: 3000,
    });
    results.push(
      await timed('bare twilio SDK → stand-in', 'baseline', N, () =>
        pool(N, CONCURRENCY, (i) =>
          client.messages.create({ to: gbMobile(i), from: '+15005550006', body: 'x' }),
        ),
      ),
    );

    const direct = Array.from({ length: N }, (_, i) => h.codeEvent({ destination: gbMobile(i) }).toSend);
    results.push(
      await timed('deliver-code use-case (record, budgets, render, send, events)', 'measured', N, () =>
        pool(N, CONCURRENCY, (i) => h.deliver.execute(direct[i])),
      ),
    );

    const before = h.twilio.requests.length;
    const events = Array.from({ length: N }, (_, i) => h.codeEvent({ destination: gbMobile(N + i) }).message);
    results.push(
      await timed('from Kafka: code events → messages at the stand-in', 'measured', N, async () => {
        for (let i = 0; i < N; i += 200) await h.publish(...events.slice(i, i + 200));
        // Bounded: a message that never arrives (a provider timeout under load) fails the run.
        await eventually(
          () => {
            const arrived = h.twilio.requests.length - before;
            if (arrived < N) throw new Error(`from Kafka: ${arrived} of ${N} messages reached the stand-in`);
          },
          { timeoutMs: 120_000 + N * 100, intervalMs: 20 },
        );
      }),
    );
  } finally {
    await h.stop();
  }
  report('delivery', 'Delivery benchmark (one op = one message)', results);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
