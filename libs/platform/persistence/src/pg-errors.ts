interface PgError {
  readonly code?: string;
  readonly constraint?: string;
  readonly driverError?: PgError;
}

function pgError(error: unknown): PgError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as PgError;
  return e.driverError ?? e;
}

/** True when `error` is a unique violation, optionally of the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = pgError(error);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** Connection loss, server restart, overload, serialization failure: worth retrying later. */
export { isTransientDatabaseError } from '@portcullis/errors';
