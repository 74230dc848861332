import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, trace } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpanRecords } from './file-span-exporter';
import { withProducerSpan } from './producer-span';
import { spanProcessorsFor, startTelemetry, stopTelemetry } from './telemetry';
import { activeTraceId, withConsumerSpan } from './trace-context';

describe('spanProcessorsFor', () => {
  it('exports nothing without a destination, so the SDK does not default to OTLP on localhost', () => {
    expect(spanProcessorsFor({}).map((p) => p.constructor)).toEqual([NoopSpanProcessor]);
  });

  it('batches OTLP and writes the file and a test exporter span by span, all at once', () => {
    const processors = spanProcessorsFor({
      otlpEndpoint: 'http://collector:4318/',
      tracesFile: '/tmp/spans.jsonl',
      exporter: new InMemorySpanExporter(),
    });
    expect(processors.map((p) => p.constructor)).toEqual([
      BatchSpanProcessor,
      SimpleSpanProcessor,
      SimpleSpanProcessor,
    ]);
    return Promise.all(processors.map((p) => p.shutdown()));
  });
});

describe('startTelemetry with an in-memory exporter and a traces file', () => {
  const memory = new InMemorySpanExporter();
  const tracesFile = join(mkdtempSync(join(tmpdir(), 'telemetry-')), 'unit.jsonl');

  beforeAll(() => {
    startTelemetry({ serviceName: 'unit', enabled: true, exporter: memory, tracesFile });
  });

  afterAll(() => stopTelemetry());

  it('links a consumer span to the producer span whose context the message carried', async () => {
    const tracer = trace.getTracer('unit');
    const carrier = await tracer.startActiveSpan('factors.StartChallenge', async (request) => {
      try {
        return await withProducerSpan(
          'messaging',
          'outbox.create factors.code.issued',
          { 'messaging.destination.name': 'portcullis.factors.codes.v1' },
          (traceContext) => Promise.resolve(traceContext),
        );
      } finally {
        request.end();
      }
    });
    // Later, in another process: no span is active when the message arrives.
    const consumerTraceId = await withConsumerSpan(
      'messaging',
      'delivery.consume factors.code.issued',
      carrier,
      {},
      () => Promise.resolve(activeTraceId()),
    );

    const spans = memory.getFinishedSpans();
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    const request = byName('factors.StartChallenge');
    const producer = byName('outbox.create factors.code.issued');
    const consumer = byName('delivery.consume factors.code.issued');
    expect(carrier['traceparent']).toBe(
      `00-${request.spanContext().traceId}-${producer.spanContext().spanId}-01`,
    );
    expect(producer.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.links.map((l) => l.context.spanId)).toEqual([producer.spanContext().spanId]);
    expect(consumerTraceId).toBe(request.spanContext().traceId);
    expect([producer.kind, consumer.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);

    // The file gets the same spans, with the service named.
    await stopTelemetry();
    const written = parseSpanRecords(readFileSync(tracesFile, 'utf8'));
    expect(written.map((r) => [r.service, r.name, r.kind])).toEqual([
      ['unit', 'outbox.create factors.code.issued', 'PRODUCER'],
      ['unit', 'factors.StartChallenge', 'INTERNAL'],
      ['unit', 'delivery.consume factors.code.issued', 'CONSUMER'],
    ]);
  });
});
