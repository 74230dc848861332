/** One invalid field of a request, as the gateway reports it (never with the offending value). */
export interface FieldViolation {
  /** Dotted path of the field, e.g. `email` or `context.ip`. */
  readonly field: string;
  readonly description: string;
}

/**
 * Codes the SDK itself raises, when no answer (or no usable answer) came from the gateway. Every
 * other code is the gateway's stable code (`VALIDATION_FAILED`, `CODE_INVALID`, `RATE_LIMITED`, …).
 */
export const SdkErrorCodes = {
  /** The request did not reach the gateway or its answer was cut off (DNS, refused, reset, TLS). */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** No answer within the client's timeout (HTTP) or deadline (gRPC). */
  TIMEOUT: 'TIMEOUT',
  /** The caller's AbortSignal cancelled the call. */
  ABORTED: 'ABORTED',
  /** An answer that is not the gateway's: not JSON, not problem details, or lacking a field. */
  UNEXPECTED_RESPONSE: 'UNEXPECTED_RESPONSE',
} as const;

export interface PortcullisErrorInit {
  readonly code: string;
  readonly detail: string;
  readonly status?: number;
  readonly grpcStatus?: number;
  readonly violations?: readonly FieldViolation[];
  readonly attemptsRemaining?: number;
  readonly retryAfterSeconds?: number;
  readonly traceId?: string;
  readonly type?: string;
  readonly instance?: string;
  readonly cause?: unknown;
}

/**
 * Every failure of a call, over HTTP or gRPC. Switch on `code` (the gateway's stable
 * SCREAMING_SNAKE code, or one of {@link SdkErrorCodes}); `detail` is for people, not programs.
 * Nothing here carries the API key.
 */
export class PortcullisError extends Error {
  override readonly name = 'PortcullisError';
  readonly code: string;
  readonly detail: string;
  /** HTTP status of the answer; over gRPC, the HTTP status the gateway maps that gRPC status to. Absent when nothing answered. */
  readonly status: number | undefined;
  /** gRPC status code, for errors of the gRPC client. */
  readonly grpcStatus: number | undefined;
  /** For `VALIDATION_FAILED`: every invalid field. */
  readonly violations: readonly FieldViolation[];
  /** For failed verifications: how many more attempts the factor allows before it locks. */
  readonly attemptsRemaining: number | undefined;
  /** For rate limits and locks: seconds until a retry can succeed. */
  readonly retryAfterSeconds: number | undefined;
  /** The gateway's trace id (HTTP problem details), to quote to the operator. */
  readonly traceId: string | undefined;
  /** The problem type URI (HTTP). */
  readonly type: string | undefined;
  /** The request path the problem is about (HTTP). */
  readonly instance: string | undefined;

  constructor(init: PortcullisErrorInit) {
    super(`${init.code}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.detail = init.detail;
    this.status = init.status;
    this.grpcStatus = init.grpcStatus;
    this.violations = init.violations ?? [];
    this.attemptsRemaining = init.attemptsRemaining;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.traceId = init.traceId;
    this.type = init.type;
    this.instance = init.instance;
  }
}

export function isPortcullisError(value: unknown): value is PortcullisError {
  return value instanceof PortcullisError;
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The well-formed entries of a problem's `errors` (or gRPC details' `violations`). */
export function violationsOf(value: unknown): FieldViolation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const entry = asRecord(item);
    const field = asString(entry?.['field']);
    const description = asString(entry?.['description']);
    return field !== undefined && description !== undefined ? [{ field, description }] : [];
  });
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterHeader(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * An HTTP error answer as a PortcullisError: the gateway's problem details (RFC 9457) when the
 * body is one, else UNEXPECTED_RESPONSE with the status (a proxy's HTML page, an empty 502).
 * The body is never copied into the message.
 */
export function fromHttpError(status: number, headers: Headers, bodyText: string): PortcullisError {
  let body: Record<string, unknown> | undefined;
  try {
    body = asRecord(JSON.parse(bodyText));
  } catch {
    body = undefined;
  }
  const code = asString(body?.['code']);
  const retryAfterSeconds =
    asNumber(body?.['retryAfterSeconds']) ?? retryAfterHeader(headers.get('retry-after'));
  if (body === undefined || code === undefined || code === '') {
    return new PortcullisError({
      code: SdkErrorCodes.UNEXPECTED_RESPONSE,
      detail: `HTTP ${status} without problem details`,
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  return new PortcullisError({
    code,
    detail: asString(body['detail']) ?? asString(body['title']) ?? `HTTP ${status}`,
    status,
    violations: violationsOf(body['errors']),
    attemptsRemaining: asNumber(body['attemptsRemaining']),
    retryAfterSeconds,
    traceId: asString(body['traceId']),
    type: asString(body['type']),
    instance: asString(body['instance']),
  });
}

/** Trailing metadata keys of the gateway's gRPC errors (libs/platform/grpc ERROR_METADATA). */
export const GRPC_ERROR_METADATA = {
  code: 'portcullis-error-code',
  kind: 'portcullis-error-kind',
  details: 'portcullis-error-details',
} as const;

/** gRPC status → the HTTP status the gateway answers for the same error (libs/platform/errors). */
const HTTP_STATUS_OF_GRPC: Readonly<Record<number, number>> = {
  3: 400, // INVALID_ARGUMENT
  4: 504, // DEADLINE_EXCEEDED
  5: 404, // NOT_FOUND
  6: 409, // ALREADY_EXISTS
  7: 403, // PERMISSION_DENIED
  8: 429, // RESOURCE_EXHAUSTED
  9: 412, // FAILED_PRECONDITION
  12: 501, // UNIMPLEMENTED
  13: 500, // INTERNAL
  14: 503, // UNAVAILABLE
  16: 401, // UNAUTHENTICATED
};

/** What the gRPC client extracts from a failed call before mapping it. */
export interface GrpcFailure {
  readonly grpcStatus: number;
  readonly statusName: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly kind: string | undefined;
  readonly details: string | undefined;
}

/**
 * A failed gRPC call as a PortcullisError. The gateway's own errors carry their stable code (and
 * details) in trailing metadata; a status without that code was raised by the gRPC library on
 * either side: deadline → TIMEOUT, unavailable → NETWORK_ERROR, else the status name as code.
 */
export function fromGrpcFailure(failure: GrpcFailure, aborted: boolean): PortcullisError {
  const grpcStatus = failure.grpcStatus;
  if (failure.code !== undefined && failure.code !== '') {
    let details: Record<string, unknown> | undefined;
    try {
      details = failure.details === undefined ? undefined : asRecord(JSON.parse(failure.details));
    } catch {
      details = undefined;
    }
    const status = failure.kind === 'PAYLOAD_TOO_LARGE' ? 413 : HTTP_STATUS_OF_GRPC[grpcStatus];
    return new PortcullisError({
      code: failure.code,
      detail: failure.message,
      grpcStatus,
      ...(status === undefined ? {} : { status }),
      violations: violationsOf(details?.['violations']),
      attemptsRemaining: asNumber(details?.['attemptsRemaining']),
      retryAfterSeconds: asNumber(details?.['retryAfterSeconds']),
    });
  }
  if (aborted) {
    return new PortcullisError({ code: SdkErrorCodes.ABORTED, detail: 'The call was aborted', grpcStatus });
  }
  switch (failure.statusName) {
    case 'DEADLINE_EXCEEDED':
      return new PortcullisError({
        code: SdkErrorCodes.TIMEOUT,
        detail: 'The gateway did not answer before the deadline',
        grpcStatus,
      });
    case 'UNAVAILABLE':
      return new PortcullisError({
        code: SdkErrorCodes.NETWORK_ERROR,
        detail: `The gateway is unreachable: ${failure.message}`,
        grpcStatus,
      });
    default: {
      const status = HTTP_STATUS_OF_GRPC[grpcStatus];
      return new PortcullisError({
        code: failure.statusName,
        detail: failure.message,
        grpcStatus,
        ...(status === undefined ? {} : { status }),
      });
    }
  }
}
