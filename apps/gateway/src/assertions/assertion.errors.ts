import { DomainError } from '@portcullis/errors';

/** Stable codes of token verification failures; clients switch on these, never on messages. */
export const AssertionErrorCodes = {
  ASSERTION_INVALID: 'ASSERTION_INVALID',
  ASSERTION_EXPIRED: 'ASSERTION_EXPIRED',
  ASSERTION_ACTION_MISMATCH: 'ASSERTION_ACTION_MISMATCH',
  DEVICE_TOKEN_INVALID: 'DEVICE_TOKEN_INVALID',
  DEVICE_TOKEN_EXPIRED: 'DEVICE_TOKEN_EXPIRED',
} as const;

export type AssertionErrorCode = (typeof AssertionErrorCodes)[keyof typeof AssertionErrorCodes];

/**
 * `reason` comes from a fixed vocabulary (see jwt-verification.ts), never from the token, so the
 * message is safe to show and to log.
 */
export function tokenRejected(code: AssertionErrorCode, subject: string, reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', code, `${subject} rejected: ${reason}`);
}
