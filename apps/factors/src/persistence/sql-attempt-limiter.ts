import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import type { FactorPolicy } from '../domain/factor-policy';
import type { AttemptLimiter } from '../domain/ports';

/**
 * Consecutive failures per factor, in autocommitted statements so that each charge is durable
 * before the code is even looked at. The conditional UPDATE is the whole concurrency story: of N
 * parallel attempts, at most `maxFailedAttempts` get a slot (Zitadel CVE-2023-47111).
 */
export class SqlAttemptLimiter implements AttemptLimiter {
  constructor(private readonly dataSource: DataSource) {}

  async reserve(factorId: string, policy: FactorPolicy, now: Date): Promise<number | undefined> {
    const rows = await queryRows<{ failed_attempts: number }>(
      this.dataSource,
      `UPDATE factors SET
         failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END,
         locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN NULL ELSE locked_until END
       WHERE id = $1
         AND ((locked_until IS NULL AND failed_attempts < $3) OR locked_until <= $2)
       RETURNING failed_attempts`,
      [factorId, now, policy.maxFailedAttempts],
    );
    return rows[0]?.failed_attempts;
  }

  async fail(factorId: string, policy: FactorPolicy, now: Date): Promise<Date | undefined> {
    const rows = await queryRows<{ locked_until: Date }>(
      this.dataSource,
      `UPDATE factors SET locked_until = $2::timestamptz + make_interval(secs => $4)
       WHERE id = $1 AND failed_attempts >= $3 AND locked_until IS NULL
       RETURNING locked_until`,
      [factorId, now, policy.maxFailedAttempts, policy.lockoutSeconds],
    );
    return rows[0]?.locked_until;
  }

  async lockedUntil(factorId: string): Promise<Date | undefined> {
    const rows: { locked_until: Date | null }[] = await this.dataSource.query(
      'SELECT locked_until FROM factors WHERE id = $1',
      [factorId],
    );
    return rows[0]?.locked_until ?? undefined;
  }
}
