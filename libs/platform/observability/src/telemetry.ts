import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { FileSpanExporter } from './file-span-exporter';
import { METRIC_VIEWS, metricReadersFor, type MetricsOptions } from './metrics';

export interface TelemetryOptions extends MetricsOptions {
  readonly serviceName: string;
  readonly enabled: boolean;
  /**
   * OTLP/HTTP endpoint for spans and metrics; when absent spans are created (for log
   * correlation) but not exported.
   */
  readonly otlpEndpoint?: string;
  /** Also append every finished span as a JSON line to this file (black-box tests, debugging). */
  readonly tracesFile?: string;
  /** Tests pass an in-memory exporter; it receives each span as it ends. */
  readonly exporter?: SpanExporter;
}

/**
 * Where finished spans go: OTLP in batches (the SDK's OTEL_BSP_* settings apply); the file and
 * a test's exporter span by span, so a span is there as soon as it ended.
 */
export function spanProcessorsFor(
  options: Pick<TelemetryOptions, 'otlpEndpoint' | 'tracesFile' | 'exporter'>,
): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (options.tracesFile) processors.push(new SimpleSpanProcessor(new FileSpanExporter(options.tracesFile)));
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  // Without an exporter spans still exist (trace ids in logs, problem details and Kafka headers)
  // but go nowhere; an explicit processor stops the SDK defaulting to OTLP on localhost.
  return processors.length > 0 ? processors : [new NoopSpanProcessor()];
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry. Must run before grpc-js, pg and http are loaded, so every main.ts
 * imports its `telemetry.ts` on the first line. gRPC calls carry W3C trace context in
 * metadata through the grpc instrumentation; Kafka headers are handled by @portcullis/messaging.
 * Metrics start with it: the meter provider exists before any module asks for a meter.
 */
export function startTelemetry(options: TelemetryOptions): void {
  if (!options.enabled || sdk) return;
  sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: spanProcessorsFor(options),
    // Always a list (empty: no meter provider at all), so the SDK never falls back to
    // OTEL_METRICS_EXPORTER and pushes to an OTLP default on localhost.
    metricReaders: metricReadersFor(options, (error) => {
      // The service still serves without its metrics endpoint; the line says why it has none.
      process.stderr.write(
        `${JSON.stringify({ level: 'error', service: options.serviceName, msg: 'metrics endpoint failed to start', error: error.message, port: options.metricsPort })}\n`,
      );
    }),
    views: METRIC_VIEWS,
    logRecordProcessors: [],
    instrumentations: [new GrpcInstrumentation(), new HttpInstrumentation(), new PgInstrumentation()],
  });
  sdk.start();
}

/** Ends telemetry: spans still queued are exported (or written) first, metrics pushed once more. */
export async function stopTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown();
}
