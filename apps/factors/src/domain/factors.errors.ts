import { DomainError } from '@portcullis/errors';

/** Stable codes clients switch on; each failure of a verification names its reason. */
export const FactorErrorCodes = {
  FACTOR_NOT_FOUND: 'FACTOR_NOT_FOUND',
  FACTOR_TYPE_NOT_ALLOWED: 'FACTOR_TYPE_NOT_ALLOWED',
  FACTOR_LIMIT_REACHED: 'FACTOR_LIMIT_REACHED',
  FACTOR_NOT_ACTIVE: 'FACTOR_NOT_ACTIVE',
  FACTOR_LOCKED: 'FACTOR_LOCKED',
  ENROLLMENT_NOT_FOUND: 'ENROLLMENT_NOT_FOUND',
  CHALLENGE_NOT_FOUND: 'CHALLENGE_NOT_FOUND',
  CHALLENGE_MISMATCH: 'CHALLENGE_MISMATCH',
  CODE_INVALID: 'CODE_INVALID',
  CODE_EXPIRED: 'CODE_EXPIRED',
  CODE_REUSED: 'CODE_REUSED',
  WEBAUTHN_INVALID: 'WEBAUTHN_INVALID',
  WEBAUTHN_POLICY_VIOLATION: 'WEBAUTHN_POLICY_VIOLATION',
  WEBAUTHN_CLONE_SUSPECTED: 'WEBAUTHN_CLONE_SUSPECTED',
  CREDENTIAL_ALREADY_REGISTERED: 'CREDENTIAL_ALREADY_REGISTERED',
  DESTINATION_REQUIRED: 'DESTINATION_REQUIRED',
  MFA_PROOF_REQUIRED: 'MFA_PROOF_REQUIRED',
  MFA_PROOF_INVALID: 'MFA_PROOF_INVALID',
  PROOF_TYPE_MISMATCH: 'PROOF_TYPE_MISMATCH',
} as const;

export type VerificationFailure =
  | 'CODE_INVALID'
  | 'CODE_EXPIRED'
  | 'CODE_REUSED'
  | 'FACTOR_LOCKED'
  | 'WEBAUTHN_INVALID'
  | 'WEBAUTHN_POLICY_VIOLATION'
  | 'WEBAUTHN_CLONE_SUSPECTED';

const C = FactorErrorCodes;

export const factorNotFound = () =>
  new DomainError('NOT_FOUND', C.FACTOR_NOT_FOUND, 'No such factor for this user');
export const factorTypeNotAllowed = (type: string) =>
  new DomainError(
    'FAILED_PRECONDITION',
    C.FACTOR_TYPE_NOT_ALLOWED,
    `The tenant's policy does not allow ${type}`,
  );
export const factorLimitReached = () =>
  new DomainError('RESOURCE_EXHAUSTED', C.FACTOR_LIMIT_REACHED, 'The user has the maximum number of factors');
export const factorNotActive = () =>
  new DomainError('FAILED_PRECONDITION', C.FACTOR_NOT_ACTIVE, 'The factor is not active');
export const enrollmentNotFound = () =>
  new DomainError('NOT_FOUND', C.ENROLLMENT_NOT_FOUND, 'No such enrolment for this user');
export const challengeNotFound = () =>
  new DomainError('NOT_FOUND', C.CHALLENGE_NOT_FOUND, 'No such challenge');
export const challengeMismatch = () =>
  new DomainError(
    'PERMISSION_DENIED',
    C.CHALLENGE_MISMATCH,
    'The challenge belongs to another authentication',
  );
export const destinationRequired = (what: string) =>
  new DomainError('INVALID_ARGUMENT', C.DESTINATION_REQUIRED, `A ${what} is required for this factor`, {
    violations: [{ field: 'destination', description: `must be a ${what}` }],
  });
export const proofTypeMismatch = (expected: string) =>
  new DomainError('INVALID_ARGUMENT', C.PROOF_TYPE_MISMATCH, `This factor is answered with ${expected}`, {
    violations: [{ field: 'proof', description: `must be ${expected}` }],
  });
export const credentialAlreadyRegistered = () =>
  new DomainError('ALREADY_EXISTS', C.CREDENTIAL_ALREADY_REGISTERED, 'This credential is already registered');
export const mfaProofRequired = () =>
  new DomainError(
    'PERMISSION_DENIED',
    C.MFA_PROOF_REQUIRED,
    'Changing the factors of a user who has one needs a recent multi-factor verification',
  );
export const mfaProofInvalid = () =>
  new DomainError(
    'PERMISSION_DENIED',
    C.MFA_PROOF_INVALID,
    'The MFA proof is unknown, used, too old, of another user or too weak for this change',
  );

const FAILURE_MESSAGES: Record<VerificationFailure, string> = {
  CODE_INVALID: 'The code is not valid',
  CODE_EXPIRED: 'The code has expired; request a new one',
  CODE_REUSED: 'The code or challenge was already used',
  FACTOR_LOCKED: 'Too many failed attempts; the factor is locked for a while',
  WEBAUTHN_INVALID: 'The passkey response could not be verified',
  WEBAUTHN_POLICY_VIOLATION: "The authenticator does not meet the tenant's policy",
  WEBAUTHN_CLONE_SUSPECTED: 'The authenticator may have been cloned; it was refused',
};

const FAILURE_KIND = {
  CODE_INVALID: 'PERMISSION_DENIED',
  CODE_EXPIRED: 'FAILED_PRECONDITION',
  CODE_REUSED: 'FAILED_PRECONDITION',
  FACTOR_LOCKED: 'RESOURCE_EXHAUSTED',
  WEBAUTHN_INVALID: 'PERMISSION_DENIED',
  WEBAUTHN_POLICY_VIOLATION: 'PERMISSION_DENIED',
  WEBAUTHN_CLONE_SUSPECTED: 'PERMISSION_DENIED',
} as const;

export function verificationFailed(
  reason: VerificationFailure,
  details: { attemptsRemaining?: number; retryAfterSeconds?: number } = {},
): DomainError {
  return new DomainError(FAILURE_KIND[reason], reason, FAILURE_MESSAGES[reason], details);
}
