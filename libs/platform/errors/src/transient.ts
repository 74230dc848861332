/** Error codes of node's sockets and PostgreSQL that mean "not now", not "never". */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/**
 * Connection loss, server restart, overload, serialization failure: worth retrying later. Reads
 * the shape of pg's errors (and TypeORM's wrapper of them) without depending on either.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const wrapped = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = wrapped.driverError?.code ?? wrapped.code;
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection|timeout exceeded when trying to connect/i.test(
    message,
  );
}
