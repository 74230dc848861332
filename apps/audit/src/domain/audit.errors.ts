import { DomainError } from '@portcullis/errors';

export const AuditErrorCodes = { PAGE_TOKEN_INVALID: 'PAGE_TOKEN_INVALID' } as const;

export const pageTokenInvalid = () =>
  new DomainError(
    'INVALID_ARGUMENT',
    AuditErrorCodes.PAGE_TOKEN_INVALID,
    'The page token is not one this API issued',
  );
