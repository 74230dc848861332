import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FileSpanExporter, parseSpanRecords } from './file-span-exporter';

function tracerWritingTo(path: string) {
  const exporter = new FileSpanExporter(path);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'factors' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer('unit'), provider };
}

describe('FileSpanExporter', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'spans-')), 'factors.jsonl');

  it('appends each finished span as one JSON line with its ids, parent, links and service', async () => {
    const { tracer, provider } = tracerWritingTo(path);
    const parent = tracer.startSpan('factors.StartChallenge', { kind: SpanKind.SERVER });
    const parentContext = trace.setSpan(ROOT_CONTEXT, parent);
    const child = tracer.startSpan(
      'outbox.create factors.code.issued',
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'kafka' },
        links: [{ context: parent.spanContext() }],
      },
      parentContext,
    );
    child.addEvent('retry', { attempt: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker down' });
    child.end();
    parent.end();
    await provider.forceFlush();

    const records = parseSpanRecords(readFileSync(path, 'utf8'));
    expect(records.map((r) => r.name)).toEqual([
      'outbox.create factors.code.issued',
      'factors.StartChallenge',
    ]);
    const [producer, server] = records;
    expect(server).toMatchObject({
      service: 'factors',
      scope: 'unit',
      kind: 'SERVER',
      status: { code: 'UNSET' },
    });
    expect(server?.parentSpanId).toBeUndefined();
    expect(producer).toMatchObject({
      service: 'factors',
      traceId: server?.traceId,
      parentSpanId: server?.spanId,
      kind: 'PRODUCER',
      attributes: { 'messaging.system': 'kafka' },
      events: [{ name: 'retry', attributes: { attempt: 2 } }],
      links: [{ traceId: server?.traceId, spanId: server?.spanId, attributes: {} }],
      status: { code: 'ERROR', message: 'broker down' },
    });
    expect(producer?.durationMs).toBeGreaterThanOrEqual(0);
    expect(producer?.startTimeMs).toBeGreaterThan(Date.now() - 60_000);
    await provider.shutdown();
  });

  it('leaves out a last line that is still being written', () => {
    const line = JSON.stringify({ name: 'a' });
    expect(parseSpanRecords(`${line}\n${line.slice(0, 5)}`)).toEqual([{ name: 'a' }]);
    expect(parseSpanRecords('')).toEqual([]);
  });

  it('reports a failed write and refuses spans after shutdown', async () => {
    const exporter = new FileSpanExporter(join(tmpdir(), 'no-such-dir', 'x', 'spans.jsonl'));
    const { tracer, provider } = tracerWritingTo(path);
    const span = tracer.startSpan('s');
    span.end();
    const readable = span as unknown as Parameters<FileSpanExporter['export']>[0][number];
    const results: number[] = [];
    exporter.export([readable], (result) => results.push(result.code));
    await exporter.forceFlush();
    await exporter.shutdown();
    exporter.export([readable], (result) => results.push(result.code));
    expect(results).toEqual([ExportResultCode.FAILED, ExportResultCode.FAILED]);
    await provider.shutdown();
  });
});
