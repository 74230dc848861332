import { SpanKind, trace } from '@opentelemetry/api';
import { type Carrier, endingSpan, injectTraceContext } from './trace-context';

/**
 * Runs `work` in a PRODUCER span for one message being created (the OpenTelemetry messaging
 * "create" operation) and hands it the W3C carrier to send with the message. The consumer's span
 * then continues from this span (see withConsumerSpan), so trace views show the hop from the
 * producing service to the consuming one.
 */
export async function withProducerSpan<T>(
  tracerName: string,
  spanName: string,
  attributes: Record<string, string>,
  work: (carrier: Carrier) => Promise<T>,
): Promise<T> {
  return trace
    .getTracer(tracerName)
    .startActiveSpan(spanName, { kind: SpanKind.PRODUCER, attributes }, (span) =>
      endingSpan(span, () => work(injectTraceContext())),
    );
}
