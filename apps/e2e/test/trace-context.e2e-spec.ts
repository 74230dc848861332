import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { EVENT_HEADERS, TOPICS } from '@portcullis/contracts';
import { eventually, kafkaProbe, queryDatabase } from '@portcullis/testing';
import { SliceStack } from '../src';

/**
 * One trace from the caller through gRPC (metadata) and Kafka (headers): the W3C trace id the
 * product sends reaches the gateway, identity, the outbox row, the Kafka message and the audit
 * consumer's log lines.
 */
describe('W3C trace context across gRPC and Kafka', () => {
  const stack = new SliceStack({ env: { OTEL_ENABLED: 'true', LOG_LEVEL: 'debug' } });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    await stack.start();
  });

  afterAll(async () => {
    await stack.stop();
    contextManager.disable();
    context.disable();
  });

  it('carries the caller trace id to the outbox, the Kafka headers and the consumer', async () => {
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const callerSpan = trace.wrapSpanContext({
      traceId,
      spanId: '0123456789abcdef',
      traceFlags: TraceFlags.SAMPLED,
    });
    const probe = await kafkaProbe(stack.kafkaBrokers, [TOPICS.identityEvents]);
    const tenantId = await stack.createTenant();

    const { user } = await context.with(trace.setSpan(context.active(), callerSpan), () =>
      stack.grpc.call(
        'createUser',
        { tenantId, externalId: 'traced', email: '', phoneNumber: '' },
        { metadata: stack.adminMetadata() },
      ),
    );

    const [row] = await queryDatabase<{ headers: Record<string, string> }>(
      stack.databaseUrl,
      stack.identityDb,
      `SELECT headers FROM outbox_events WHERE type = 'identity.user.created' AND tenant_id = $1`,
      [tenantId],
    );
    expect(row?.headers[EVENT_HEADERS.traceparent]).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const message = await eventually(() => {
      const found = probe.received.find(
        (m) =>
          m.headers[EVENT_HEADERS.type] === 'identity.user.created' &&
          m.headers[EVENT_HEADERS.tenantId] === tenantId,
      );
      if (!found) throw new Error('not yet on Kafka');
      return found;
    });
    await probe.stop();
    expect(message.headers[EVENT_HEADERS.traceparent]).toContain(traceId);
    expect(message.key).toBe(`${tenantId}:${user?.id}`);

    await eventually(() => {
      const applied = stack.audit
        .output()
        .split('\n')
        .filter(
          (line) => line.includes('"event applied"') && line.includes(message.headers[EVENT_HEADERS.id]),
        );
      expect(applied).toHaveLength(1);
      expect(applied[0]).toContain(`"traceId":"${traceId}"`);
    });
  });
});
