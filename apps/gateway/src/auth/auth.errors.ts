import { CommonErrorCodes, DomainError } from '@portcullis/errors';

/** Stable codes of the gateway's authentication, authorisation, rate limits and idempotency. */
export const AuthErrorCodes = {
  TENANT_MISMATCH: 'TENANT_MISMATCH',
  INSUFFICIENT_SCOPE: 'INSUFFICIENT_SCOPE',
  RATE_LIMITED: 'RATE_LIMITED',
  API_KEY_NOT_FOUND: 'API_KEY_NOT_FOUND',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
} as const;

/** One answer for a missing, malformed, unknown or revoked credential: no hint which. */
export const unauthenticated = () =>
  new DomainError(
    'UNAUTHENTICATED',
    CommonErrorCodes.UNAUTHENTICATED,
    'A valid Bearer credential is required',
  );

export const tenantMismatch = () =>
  new DomainError(
    'PERMISSION_DENIED',
    AuthErrorCodes.TENANT_MISMATCH,
    'This API key may act only in its own tenant',
  );

export const insufficientScope = (message: string) =>
  new DomainError('PERMISSION_DENIED', AuthErrorCodes.INSUFFICIENT_SCOPE, message);

export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError('RESOURCE_EXHAUSTED', AuthErrorCodes.RATE_LIMITED, 'Too many requests; retry later', {
    retryAfterSeconds,
  });

export const apiKeyNotFound = () =>
  new DomainError('NOT_FOUND', AuthErrorCodes.API_KEY_NOT_FOUND, 'No such API key in this tenant');

/** 409: the first request with this Idempotency-Key has not finished yet. */
export const idempotencyInProgress = () =>
  new DomainError(
    'ALREADY_EXISTS',
    AuthErrorCodes.IDEMPOTENCY_IN_PROGRESS,
    'A request with this Idempotency-Key is still in progress; retry later',
  );

/**
 * The Idempotency-Key was used before for a different request. The IETF draft answers 422, which
 * no error kind maps to; INVALID_ARGUMENT (400) says the same thing: this request, as sent, will
 * never succeed with this key.
 */
export const idempotencyKeyReused = () =>
  new DomainError(
    'INVALID_ARGUMENT',
    AuthErrorCodes.IDEMPOTENCY_KEY_REUSED,
    'This Idempotency-Key was used for a different request',
  );
