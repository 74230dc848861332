import { createServer } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { METRIC_VIEWS, meterOf, metricReadersFor } from './metrics';
import { CollectingMetricReader, MetricsProbe } from './metrics-probe';
import { startTelemetry, stopTelemetry } from './telemetry';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('metricReadersFor', () => {
  it('has no reader without a port, an OTLP endpoint or a test reader (no meter provider at all)', () => {
    expect(metricReadersFor({})).toEqual([]);
    expect(metricReadersFor({ metricsPort: 0 })).toEqual([]);
  });

  it('pushes OTLP and adds a test reader, alongside the endpoint', async () => {
    const port = await freePort();
    const testReader = new CollectingMetricReader();
    const readers = metricReadersFor({
      metricsPort: port,
      metricsHost: '127.0.0.1',
      otlpEndpoint: 'http://collector:4318/',
      metricReader: testReader,
    });
    expect(readers.map((r) => r.constructor)).toEqual([
      PrometheusExporter,
      PeriodicExportingMetricReader,
      CollectingMetricReader,
    ]);
    await Promise.all(readers.map((r) => r.shutdown()));
  });

  it('serves GET /metrics with service_name as the only resource label and no target_info', async () => {
    const port = await freePort();
    const readers = metricReadersFor({ metricsPort: port, metricsHost: '127.0.0.1' });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'factors',
        'host.name': 'node-7.internal',
        'process.command_args': ['node', 'main.js', '--secret=hunter2'],
      }),
      readers,
    });
    provider.getMeter('unit').createCounter('portcullis.unit.things').add(2, { kind: 'a' });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(
      /^portcullis_unit_things_total\{kind="a",otel_scope_name="unit",service_name="factors"\} 2$/m,
    );
    expect(text).not.toContain('target_info');
    expect(text).not.toContain('node-7.internal');
    expect(text).not.toContain('hunter2');
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    await provider.shutdown();
  });

  it('reports an endpoint that cannot listen instead of throwing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    let reported: (error: Error) => void = () => undefined;
    const failed = new Promise<Error>((resolve) => (reported = resolve));
    const readers = metricReadersFor({ metricsPort: port, metricsHost: '127.0.0.1' }, reported);
    expect((await failed).message).toMatch(/EADDRINUSE/);
    await Promise.all(readers.map((r) => r.shutdown()));
    await new Promise((resolve) => taken.close(resolve));
  });
});

describe('METRIC_VIEWS', () => {
  it("drops the HTTP instrumentation's own metrics and keeps everyone else's", async () => {
    const probe = new MetricsProbe(METRIC_VIEWS);
    probe.meterOf('@opentelemetry/instrumentation-http').createHistogram('http.server.duration').record(12);
    probe
      .meterOf('@opentelemetry/instrumentation-pg')
      .createHistogram('db.client.operation.duration')
      .record(1);
    expect(await probe.points('http.server.duration')).toEqual([]);
    expect(await probe.points('db.client.operation.duration')).toEqual([
      expect.objectContaining({ count: 1, sum: 1 }),
    ]);
    await probe.shutdown();
  });
});

describe('startTelemetry with a metric reader', () => {
  afterAll(() => stopTelemetry());

  it("makes every meterOf() meter report through the SDK, under the service's name", async () => {
    const reader = new CollectingMetricReader();
    startTelemetry({ serviceName: 'unit-metrics', enabled: true, metricReader: reader });
    meterOf('@portcullis/unit').createCounter('portcullis.unit.started').add(3);
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.resource.attributes['service.name']).toBe('unit-metrics');
    const [scope] = resourceMetrics.scopeMetrics;
    expect(scope?.scope.name).toBe('@portcullis/unit');
    expect(scope?.metrics.map((m) => [m.descriptor.name, m.dataPoints.map((p) => p.value)])).toEqual([
      ['portcullis.unit.started', [3]],
    ]);
  });
});
