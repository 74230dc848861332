import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from './redaction';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly service: string;
  readonly version?: string;
  readonly level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  readonly destination?: pino.DestinationStream;
}

/** pino JSON logs with service, version, trace/span ids and the central redaction list. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: {
        service: options.service,
        version: options.version ?? process.env['npm_package_version'] ?? '0.0.0',
      },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const ctx = span.spanContext();
        return { traceId: ctx.traceId, spanId: ctx.spanId };
      },
    },
    options.destination,
  );
}
