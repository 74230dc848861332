import { appendFile } from 'node:fs/promises';
import { SpanKind, SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One finished span as a line of a traces file: what a test or an operator needs, flat. */
export interface SpanRecord {
  /** `service.name` of the process that recorded the span. */
  readonly service: string;
  /** Instrumentation scope, e.g. `@opentelemetry/instrumentation-grpc` or `messaging`. */
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Absent on a root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: keyof typeof SpanKind;
  readonly startTimeMs: number;
  readonly durationMs: number;
  readonly status: { readonly code: keyof typeof SpanStatusCode; readonly message?: string };
  readonly attributes: Readonly<Record<string, AttributeValue | undefined>>;
  readonly events: readonly {
    readonly name: string;
    readonly attributes: Readonly<Record<string, AttributeValue | undefined>>;
  }[];
  readonly links: readonly {
    readonly traceId: string;
    readonly spanId: string;
    readonly attributes: Readonly<Record<string, AttributeValue | undefined>>;
  }[];
}

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    service: String(span.resource.attributes['service.name'] ?? ''),
    scope: span.instrumentationScope.name,
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name,
    kind: SpanKind[span.kind] as keyof typeof SpanKind,
    startTimeMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status: {
      code: SpanStatusCode[span.status.code] as keyof typeof SpanStatusCode,
      ...(span.status.message ? { message: span.status.message } : {}),
    },
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes ?? {} })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: link.attributes ?? {},
    })),
  };
}

/**
 * Appends finished spans as JSON lines (one SpanRecord each) to a file: the black-box tests read
 * the spans of services that run as processes of their own, and an operator can look at one
 * process's spans without a collector. Each export is one append, so lines stay whole.
 */
export class FileSpanExporter implements SpanExporter {
  private pending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const lines = spans.map((span) => `${JSON.stringify(toSpanRecord(span))}\n`).join('');
    this.pending = this.pending.then(() =>
      appendFile(this.path, lines).then(
        () => resultCallback({ code: ExportResultCode.SUCCESS }),
        (error: unknown) =>
          resultCallback({
            code: ExportResultCode.FAILED,
            error: error instanceof Error ? error : new Error(String(error)),
          }),
      ),
    );
  }

  forceFlush(): Promise<void> {
    return this.pending;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.pending;
  }
}

/** The spans in a traces file's text; a last line still being written is left out. */
export function parseSpanRecords(text: string): SpanRecord[] {
  const lines = text.split('\n');
  lines.pop(); // '' after the final newline, or a line not yet complete
  return lines.filter((line) => line.length > 0).map((line) => JSON.parse(line) as SpanRecord);
}
