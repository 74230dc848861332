import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NoopSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly enabled: boolean;
  /** OTLP/HTTP endpoint; when absent spans are created (for log correlation) but not exported. */
  readonly otlpEndpoint?: string;
  /** Tests pass an in-memory exporter. */
  readonly exporter?: SpanExporter;
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry. Must run before grpc-js, pg and http are loaded, so every main.ts
 * imports its `telemetry.ts` on the first line. gRPC calls carry W3C trace context in
 * metadata through the grpc instrumentation; Kafka headers are handled by @portcullis/messaging.
 */
export function startTelemetry(options: TelemetryOptions): void {
  if (!options.enabled || sdk) return;
  const exporter =
    options.exporter ??
    (options.otlpEndpoint
      ? new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })
      : undefined);
  sdk = new NodeSDK({
    serviceName: options.serviceName,
    // Without an exporter spans still exist (trace ids in logs, problem details and Kafka
    // headers) but go nowhere; an explicit processor stops the SDK defaulting to OTLP on localhost.
    ...(exporter ? { traceExporter: exporter } : { spanProcessors: [new NoopSpanProcessor()] }),
    logRecordProcessors: [],
    instrumentations: [new GrpcInstrumentation(), new HttpInstrumentation(), new PgInstrumentation()],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown();
}
