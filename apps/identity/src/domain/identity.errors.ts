import { DomainError, validationFailed } from '@portcullis/errors';

export const IdentityErrorCodes = {
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  TENANT_SUSPENDED: 'TENANT_SUSPENDED',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  USER_ALREADY_EXISTS: 'USER_ALREADY_EXISTS',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  USER_DISABLED: 'USER_DISABLED',
  PASSWORD_TOO_WEAK: 'PASSWORD_TOO_WEAK',
} as const;

export const tenantNotFound = () =>
  new DomainError('NOT_FOUND', IdentityErrorCodes.TENANT_NOT_FOUND, 'No tenant with that id');
export const tenantSuspended = () =>
  new DomainError('FAILED_PRECONDITION', IdentityErrorCodes.TENANT_SUSPENDED, 'The tenant is suspended');
export const userNotFound = () =>
  new DomainError('NOT_FOUND', IdentityErrorCodes.USER_NOT_FOUND, 'No such user in this tenant');
export const userAlreadyExists = () =>
  new DomainError(
    'ALREADY_EXISTS',
    IdentityErrorCodes.USER_ALREADY_EXISTS,
    'A user with that external id already exists in this tenant',
  );
export const emailTaken = () =>
  new DomainError(
    'ALREADY_EXISTS',
    IdentityErrorCodes.EMAIL_TAKEN,
    'Another user of this tenant already has that email address',
  );
export const userDisabled = () =>
  new DomainError(
    'FAILED_PRECONDITION',
    IdentityErrorCodes.USER_DISABLED,
    'The user is disabled; a disabled user cannot be locked, unlocked or given a password',
  );

/** The password's length is out of bounds: a plain validation failure of the `password` field. */
export const passwordLength = (description: string) => validationFailed([{ field: 'password', description }]);

/** The password meets the length rule but is guessable; `reason` never contains the password. */
export const passwordTooWeak = (reason: string) =>
  new DomainError(
    'INVALID_ARGUMENT',
    IdentityErrorCodes.PASSWORD_TOO_WEAK,
    `The password is too weak: ${reason}`,
    {
      violations: [{ field: 'password', description: reason }],
    },
  );
