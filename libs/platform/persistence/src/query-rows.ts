/** Anything with TypeORM's raw `query` (a DataSource, an EntityManager, a QueryRunner). */
export interface RawQueryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The rows of any statement. TypeORM's PostgreSQL driver answers UPDATE and DELETE (with or
 * without RETURNING) as `[rows, rowCount]` but SELECT and INSERT as `rows`; this evens it out.
 */
export async function queryRows<T>(db: RawQueryable, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
