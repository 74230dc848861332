import { type Meter, metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  AggregationType,
  type MetricReader,
  PeriodicExportingMetricReader,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';

export interface MetricsOptions {
  /** Serve `GET /metrics` (Prometheus text format) on this port; 0 or absent: no endpoint. */
  readonly metricsPort?: number;
  /** Address the metrics endpoint binds (`0.0.0.0` in containers). */
  readonly metricsHost?: string;
  /** OTLP/HTTP base URL; when set, metrics are also pushed to `<url>/v1/metrics` every minute. */
  readonly otlpEndpoint?: string;
  /** Tests pass a reader (e.g. MetricsProbe's) to collect the process's metrics on demand. */
  readonly metricReader?: MetricReader;
}

/**
 * Histogram buckets for durations in seconds: the OpenTelemetry HTTP conventions' advice, from
 * 5 ms (a cached gRPC read) to 10 s (past every deadline the services set).
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/**
 * The HTTP instrumentation's own metrics are dropped: they follow the old conventions (ms,
 * `http.server.duration`), know no route (Fastify is not instrumented) and would count every
 * scrape of the metrics endpoint. The gateway records `http.server.request.duration` itself.
 */
export const METRIC_VIEWS: ViewOptions[] = [
  { meterName: '@opentelemetry/instrumentation-http', aggregation: { type: AggregationType.DROP } },
];

/** The meter of one part of the code (`@portcullis/grpc`, `@portcullis/factors`, …). */
export function meterOf(scope: string): Meter {
  return metrics.getMeter(scope);
}

/**
 * Where metrics go: the Prometheus endpoint, OTLP, a test's reader, any of them at once.
 *
 * The endpoint's only label from the resource is `service_name`, and it serves no `target_info`:
 * resource attributes (host, process command line, …) stay off a port anyone in the cluster may
 * scrape. Instruments themselves carry only bounded labels (docs/operations.md#metrics).
 */
export function metricReadersFor(
  options: MetricsOptions,
  onEndpointError: (error: Error) => void = () => undefined,
): MetricReader[] {
  const readers: MetricReader[] = [];
  if (options.metricsPort) {
    readers.push(
      new PrometheusExporter(
        {
          port: options.metricsPort,
          host: options.metricsHost,
          withResourceConstantLabels: /^service\.name$/,
          withoutTargetInfo: true,
        },
        (error) => {
          if (error) onEndpointError(error);
        },
      ),
    );
  }
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/metrics`;
    readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }) }));
  }
  if (options.metricReader) readers.push(options.metricReader);
  return readers;
}
