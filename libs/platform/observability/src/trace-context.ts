import {
  context,
  type Context,
  isSpanContextValid,
  trace,
  SpanKind,
  type Span,
  type Link,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context in string carriers (Kafka headers, outbox rows, gRPC metadata).
 * The propagator is used directly so it works whether or not an SDK has registered a global one.
 */
const propagator = new W3CTraceContextPropagator();

export type Carrier = Record<string, string>;
type ReadonlyCarrier = Readonly<Record<string, string | undefined>>;

export function injectTraceContext(carrier: Carrier = {}, ctx: Context = context.active()): Carrier {
  propagator.inject(ctx, carrier, {
    set: (c: Carrier, key, value) => {
      c[key] = value;
    },
  });
  return carrier;
}

export function extractTraceContext(carrier: ReadonlyCarrier): Context {
  return propagator.extract(context.active(), carrier, {
    get: (c: ReadonlyCarrier, key) => c[key],
    keys: (c: ReadonlyCarrier) => Object.keys(c),
  });
}

/** The trace id of the active span, for problem details and logs. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Runs `work` in a consumer span that continues the producer's trace (parent from the carrier)
 * and is linked to it, so the trace crosses Kafka.
 */
export async function withConsumerSpan<T>(
  tracerName: string,
  spanName: string,
  carrier: Readonly<Record<string, string | undefined>>,
  attributes: Record<string, string>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = extractTraceContext(carrier);
  const parentSpanContext = trace.getSpanContext(parent);
  const links: Link[] = parentSpanContext ? [{ context: parentSpanContext }] : [];
  const tracer = trace.getTracer(tracerName);
  return tracer.startActiveSpan(spanName, { kind: SpanKind.CONSUMER, attributes, links }, parent, (span) =>
    endingSpan(span, work),
  );
}

/** Runs `work` in `span`, records what it throws, and ends the span either way. */
export async function endingSpan<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (error) {
    span.recordException(error as Error);
    throw error;
  } finally {
    span.end();
  }
}

/** Most links a batch span carries (OpenTelemetry's default span link limit). */
const MAX_BATCH_LINKS = 128;

/**
 * Runs `work` in a consumer span for a batch of messages: per the OpenTelemetry messaging
 * conventions it has no single parent but a link to each message's producer context, so every
 * trace that fed the batch leads to it.
 */
export async function withBatchConsumerSpan<T>(
  tracerName: string,
  spanName: string,
  carriers: readonly Readonly<Record<string, string | undefined>>[],
  attributes: Record<string, string>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const links: Link[] = [];
  for (const carrier of carriers) {
    const spanContext = trace.getSpanContext(extractTraceContext(carrier));
    if (spanContext && isSpanContextValid(spanContext)) links.push({ context: spanContext });
    if (links.length >= MAX_BATCH_LINKS) break;
  }
  const tracer = trace.getTracer(tracerName);
  return tracer.startActiveSpan(
    spanName,
    { kind: SpanKind.CONSUMER, attributes, links, root: true },
    (span) => endingSpan(span, work),
  );
}

/** Runs `work` in the trace a carrier names (no new span), e.g. to log one message of a batch. */
export function inTraceOf<T>(carrier: Readonly<Record<string, string | undefined>>, work: () => T): T {
  return context.with(extractTraceContext(carrier), work);
}
