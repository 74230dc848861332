/**
 * Delivery benchmark: `npm run bench:delivery`. Messages per second through the service, beside a
 * baseline measured in the same run: the bare twilio SDK posting to the same local Twilio
 * stand-in (no record, no budgets, no Kafka). Scenarios:
 *   - deliver-code use-case in-process (record, budgets, render, Twilio SDK, events);
 *   - end to end from Kafka: code events published, until the stand-in has every message.
 * Prints a table and writes bench-results/delivery.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureTestInfrastructure } from '@portcullis/testing';
import { createTwilioClient } from '../src/channels/twilio/twilio-client';
import { DeliveryHarness } from '../test/delivery-harness';

interface Result {
  readonly scenario: string;
  readonly kind: 'measured' | 'baseline';
  readonly messages: number;
  readonly perSecond: number;
  readonly cpuMsPerMessage: number;
}

async function timed(
  scenario: string,
  kind: Result['kind'],
  messages: number,
  run: () => Promise<void>,
): Promise<Result> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    scenario,
    kind,
    messages,
    perSecond: Math.round(messages / seconds),
    cpuMsPerMessage: Number(((used.user + used.system) / 1000 / messages).toFixed(3)),
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
  const N = Number(process.env['BENCH_MESSAGES'] ?? 1000);
  const CONCURRENCY = 16;
  const h = await new DeliveryHarness().start(
    { SMS_PROVIDERS: 'twilio', OUTBOX_POLL_INTERVAL_MS: '200' },
    'silent',
  );
  const results: Result[] = [];
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
        while (h.twilio.requests.length - before < N) await new Promise((r) => setTimeout(r, 20));
      }),
    );
  } finally {
    await h.stop();
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const head = ['scenario', 'kind', 'messages', 'msg/s', 'CPU ms/msg'];
  const rows = results.map((r) => [
    r.scenario,
    r.kind,
    String(r.messages),
    String(r.perSecond),
    r.cpuMsPerMessage.toFixed(3),
  ]);
  const widths = head.map((x, i) => Math.max(x.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    `\nDelivery benchmark on ${machine}\n\n${[line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`,
  );
  const dir = join(__dirname, '..', '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'delivery.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2),
  );
  process.stdout.write('\nwritten to bench-results/delivery.json\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
