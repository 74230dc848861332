import { DomainError, type FieldViolation } from './domain-error';
import { isTransientDatabaseError } from './transient';

/**
 * The catalogue of stable error codes shared by every service. Service-specific codes live
 * beside their use-cases (`*.errors.ts`) but follow the same SCREAMING_SNAKE form.
 */
export const CommonErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** The service's own database (or broker) did not answer; nothing was changed, retry later. */
  DEPENDENCY_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export function validationFailed(violations: readonly FieldViolation[]): DomainError {
  const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  return new DomainError(
    'INVALID_ARGUMENT',
    CommonErrorCodes.VALIDATION_FAILED,
    `Invalid request: ${summary}`,
    {
      violations,
    },
  );
}

/** What a client sees for any error we did not anticipate: no message, no stack. */
export function internalError(cause?: unknown): DomainError {
  return new DomainError('INTERNAL', CommonErrorCodes.INTERNAL_ERROR, 'Internal error', {}, { cause });
}

/**
 * Normalises anything thrown into a DomainError that is safe to show to a client. A lost or
 * restarting database is UNAVAILABLE (503, retry later), not an internal error: the transaction
 * rolled back, so the same request may be sent again.
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (isTransientDatabaseError(error))
    return new DomainError(
      'UNAVAILABLE',
      CommonErrorCodes.DEPENDENCY_UNAVAILABLE,
      'The service cannot reach its database; nothing was changed, retry later',
      {},
      { cause: error },
    );
  return internalError(error);
}
