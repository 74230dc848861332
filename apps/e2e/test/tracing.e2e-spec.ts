import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { EVENT_HEADERS, gatewayV1, TOPICS } from '@portcullis/contracts';
import type { SpanRecord } from '@portcullis/observability';
import { eventually, queryDatabase } from '@portcullis/testing';
import { SliceStack } from '../src';

const PASSWORD = 'correct horse battery staple';

/** gRPC span names, as the grpc instrumentation names client and server spans alike. */
const rpc = {
  gateway: (method: string) => `grpc.portcullis.gateway.v1.GatewayService/${method}`,
  identity: (method: string) => `grpc.portcullis.identity.v1.IdentityService/${method}`,
  risk: (method: string) => `grpc.portcullis.risk.v1.RiskService/${method}`,
  factors: (method: string) => `grpc.portcullis.factors.v1.FactorsService/${method}`,
};

/** The spans of one trace, looked up by parent; every lookup expects exactly one span. */
class TraceView {
  constructor(readonly spans: readonly SpanRecord[]) {}

  child(parentSpanId: string, service: string, name: string | RegExp, kind: SpanRecord['kind']): SpanRecord {
    const found = this.spans.filter(
      (s) =>
        s.parentSpanId === parentSpanId &&
        s.service === service &&
        s.kind === kind &&
        (typeof name === 'string' ? s.name === name : name.test(s.name)),
    );
    if (found.length !== 1)
      throw new Error(`${found.length} ${kind} spans ${String(name)} of ${service} under ${parentSpanId}`);
    return found[0];
  }

  /** A gRPC call: the caller's CLIENT span under `from`, the callee's SERVER span under that. */
  hop(from: SpanRecord, callee: string, name: string): SpanRecord {
    const client = this.child(from.spanId, from.service, name, 'CLIENT');
    return this.child(client.spanId, callee, name, 'SERVER');
  }
}

/** Names, attribute values, events and links of a span: everywhere a secret could leak. */
const exposedText = (s: SpanRecord) => JSON.stringify([s.name, s.attributes, s.events, s.links]);

/**
 * One SMS sign-in is one trace (docs/operations.md, Tracing). The test plays the product backend:
 * its three gateway calls carry its own span as W3C traceparent, so each gateway SERVER span is a
 * child of it. Under them, each gRPC hop is a CLIENT span in the caller and a SERVER span in the
 * callee; factors records factors.code.issued in a PRODUCER span (`outbox.create <type>`) whose
 * context the outbox row and the Kafka headers carry; delivery's CONSUMER span is its child and
 * links to it (OTel messaging conventions: a link always, the parent too for a single message);
 * the Twilio call is an HTTP CLIENT span under the consumer. Every service runs as its own
 * process and writes its spans to a file (OTEL_TRACES_FILE) that the test reads.
 */
describe('tracing: one SMS sign-in, one trace across gRPC and Kafka', () => {
  const tracesDir = mkdtempSync(join(tmpdir(), 'portcullis-traces-'));
  const stack = new SliceStack({ delivery: true, tracesDir });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    await stack.start();
  });

  afterAll(async () => {
    await stack.stop();
    contextManager.disable();
    context.disable();
    rmSync(tracesDir, { recursive: true, force: true });
  });

  it('traces gateway → identity, risk, factors → Kafka → delivery → Twilio, with no code or number in any span', async () => {
    // Setup, outside the traced sign-in: a tenant that always asks for MFA, a user with a phone
    // and a password, and an active SMS factor (its code also comes through delivery).
    const { tenantId, userId, factorId, subscriber, enrolmentCode, sms } = await stack.smsCustomer(
      'traced',
      PASSWORD,
    );
    const smsBodies = () => sms().map((r) => r.params['Body'] ?? '');

    // The sign-in, in the caller's span: start → SMS challenge → code from the phone → verify.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const caller = trace.wrapSpanContext({ traceId, spanId: callerSpanId, traceFlags: TraceFlags.SAMPLED });
    const signInCode = await context.with(trace.setSpan(context.active(), caller), async () => {
      const started = await stack.grpc.call(
        'startAuthentication',
        gatewayV1.StartAuthenticationRequest.fromJSON({
          tenantId,
          userId,
          password: PASSWORD,
          context: { ip: '198.18.7.1', userAgent: 'tracing-e2e' },
        }),
        { metadata: stack.adminMetadata() },
      );
      expect(started.authentication?.status).toBe('CHALLENGE_REQUIRED');
      const authenticationId = started.authentication!.id;
      const challenge = await stack.grpc.call(
        'startAuthenticationChallenge',
        { tenantId, authenticationId, factorId, locale: '' },
        { metadata: stack.adminMetadata() },
      );
      const code = await eventually(() => {
        expect(smsBodies()).toHaveLength(2);
        return smsBodies()[1].slice(0, 6);
      });
      const verified = await stack.grpc.call(
        'verifyAuthentication',
        gatewayV1.VerifyAuthenticationRequest.fromJSON({
          tenantId,
          authenticationId,
          challengeId: challenge.challengeId,
          code,
        }),
        { metadata: stack.adminMetadata() },
      );
      expect(verified.authentication?.status).toBe('SUCCEEDED');
      return code;
    });

    // Spans end (and reach the files) asynchronously: wait until the trace has its whole shape.
    const shape = await eventually(
      async () => {
        const inTrace = (await stack.spans()).filter((s) => s.traceId === traceId);
        const t = new TraceView(inTrace);
        const start = t.child(callerSpanId, 'gateway', rpc.gateway('StartAuthentication'), 'SERVER');
        const challenge = t.child(
          callerSpanId,
          'gateway',
          rpc.gateway('StartAuthenticationChallenge'),
          'SERVER',
        );
        const verify = t.child(callerSpanId, 'gateway', rpc.gateway('VerifyAuthentication'), 'SERVER');
        const startChallenge = t.hop(challenge, 'factors', rpc.factors('StartChallenge'));
        const producer = t.child(
          startChallenge.spanId,
          'factors',
          'outbox.create factors.code.issued',
          'PRODUCER',
        );
        const consumer = t.child(
          producer.spanId,
          'delivery',
          /^delivery-[\w-]+\.consume factors\.code\.issued$/,
          'CONSUMER',
        );
        const shapeOf = {
          hops: [
            t.hop(start, 'identity', rpc.identity('VerifyPassword')),
            t.hop(start, 'risk', rpc.risk('ScoreAttempt')),
            t.hop(start, 'factors', rpc.factors('ListFactors')),
            t.hop(challenge, 'identity', rpc.identity('GetUser')),
            startChallenge,
            t.hop(verify, 'factors', rpc.factors('VerifyChallenge')),
            t.hop(verify, 'identity', rpc.identity('GetUser')),
          ],
          producer,
          consumer,
          twilio: t.child(consumer.spanId, 'delivery', 'POST', 'CLIENT'),
          // Whole: every span hangs from the caller's span through spans of the same trace.
          orphans: inTrace.filter(
            (s) => s.parentSpanId !== callerSpanId && !inTrace.some((p) => p.spanId === s.parentSpanId),
          ),
        };
        expect(shapeOf.orphans).toEqual([]);
        return shapeOf;
      },
      { intervalMs: 250 },
    );

    expect(shape.hops.map((s) => s.service)).toEqual([
      'identity',
      'risk',
      'factors',
      'identity',
      'factors',
      'factors',
      'identity',
    ]);
    // The Kafka hop: the outbox row carries the producer span's context, delivery's consumer span
    // continues from it (parent) and links to it, for the same message.
    const messageId = shape.producer.attributes['messaging.message.id'];
    expect(shape.producer.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'create',
      'messaging.destination.name': TOPICS.factorCodes,
    });
    const [row] = await queryDatabase<{ headers: Record<string, string> }>(
      stack.databaseUrl,
      stack.factorsDb,
      `SELECT headers FROM outbox_events WHERE id = $1`,
      [messageId],
    );
    expect(row?.headers[EVENT_HEADERS.traceparent]).toBe(`00-${traceId}-${shape.producer.spanId}-01`);
    expect(shape.consumer.links).toEqual([{ traceId, spanId: shape.producer.spanId, attributes: {} }]);
    expect(shape.consumer.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': TOPICS.factorCodes,
      'messaging.message.id': messageId,
    });
    expect(String(shape.twilio.attributes['url.full'])).toMatch(
      new RegExp(`^${stack.twilio.url}/2010-04-01/Accounts/AC[0-9a-f]+/Messages\\.json$`),
    );

    // SECURITY: neither code, the number nor the password is in any span of any service.
    const spans = await stack.spans();
    const codePattern = (code: string) => new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`, 'i');
    const leaks = spans.filter((s) => {
      const text = exposedText(s);
      return (
        codePattern(enrolmentCode).test(text) ||
        codePattern(signInCode).test(text) ||
        text.includes(`7911${subscriber}`) ||
        text.includes(PASSWORD)
      );
    });
    expect(leaks).toEqual([]);
  });
});
