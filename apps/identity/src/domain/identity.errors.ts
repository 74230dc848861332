import { DomainError } from '@portcullis/errors';

export const IdentityErrorCodes = {
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  TENANT_SUSPENDED: 'TENANT_SUSPENDED',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  USER_ALREADY_EXISTS: 'USER_ALREADY_EXISTS',
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
