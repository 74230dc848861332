/**
 * Domain errors: every failure a client can see has a kind (mapped to a transport status in
 * exactly one place, below) and a stable SCREAMING_SNAKE code that clients switch on.
 */
export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

export interface FieldViolation {
  /** Dotted path of the offending field, e.g. `email` or `lookup.userId`. */
  readonly field: string;
  readonly description: string;
}

export interface ErrorDetails {
  readonly violations?: readonly FieldViolation[];
  /** Verification failures: how many more attempts the factor allows before it locks. */
  readonly attemptsRemaining?: number;
  /** Locks and rate limits: seconds until a retry can succeed. */
  readonly retryAfterSeconds?: number;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** gRPC status numbers (kept here so this library has no transport dependency). */
const GRPC_STATUS: Record<ErrorKind, number> = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  PAYLOAD_TOO_LARGE: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

const HTTP_STATUS: Record<ErrorKind, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 412,
  PAYLOAD_TOO_LARGE: 413,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export function grpcStatusOf(kind: ErrorKind): number {
  return GRPC_STATUS[kind];
}

export function httpStatusOf(kind: ErrorKind): number {
  return HTTP_STATUS[kind];
}

/** The reverse mapping, for errors that arrive from a peer without a Portcullis code. */
export function kindOfGrpcStatus(status: number): ErrorKind {
  const found = (Object.keys(GRPC_STATUS) as ErrorKind[]).find(
    (kind) => GRPC_STATUS[kind] === status && kind !== 'PAYLOAD_TOO_LARGE',
  );
  return found ?? 'INTERNAL';
}
