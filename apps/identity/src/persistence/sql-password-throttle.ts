import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import { PasswordThrottle, type ThrottleCharge, type ThrottleKey } from '../domain/ports';

export interface ThrottleSettings {
  /** Failures allowed per key within the window (PASSWORD_MAX_FAILURES). */
  readonly maxFailures: number;
  /** Length of the sliding window (PASSWORD_FAILURE_WINDOW_SECONDS). */
  readonly windowSeconds: number;
}

/**
 * A sliding window of failure times per key, in autocommitted statements so each charge is
 * durable before the password is hashed. The charge is one INSERT … ON CONFLICT DO UPDATE … WHERE:
 * PostgreSQL locks the key's row and re-checks the count on its latest version, so of N parallel
 * attempts exactly the remaining allowance are charged and the rest are refused
 * (SECURITY.md 17/18, Zitadel CVE-2023-47111).
 */
export class SqlPasswordThrottle extends PasswordThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: ThrottleSettings,
  ) {
    super();
  }

  async charge(key: ThrottleKey, now: Date): Promise<ThrottleCharge> {
    const since = new Date(now.getTime() - this.settings.windowSeconds * 1000);
    const charged = await queryRows<unknown>(
      this.dataSource,
      `INSERT INTO password_failures AS f (tenant_id, subject, network, failed_at, last_failed_at)
       VALUES ($1, $2, $3, ARRAY[$4::timestamptz], $4)
       ON CONFLICT (tenant_id, subject, network) DO UPDATE SET
         failed_at = ARRAY(SELECT a FROM unnest(f.failed_at) a WHERE a > $5 ORDER BY a) || $4::timestamptz,
         last_failed_at = GREATEST(f.last_failed_at, $4)
       WHERE (SELECT count(*) FROM unnest(f.failed_at) a WHERE a > $5) < $6
       RETURNING 1`,
      [key.tenantId, key.subject, key.network, now, since, this.settings.maxFailures],
    );
    if (charged.length === 1) return { charged: true };
    // The failure whose expiry frees a slot: the max-th newest one still in the window.
    const [row] = await queryRows<{ frees_at: Date | null }>(
      this.dataSource,
      `SELECT a AS frees_at FROM password_failures f, unnest(f.failed_at) a
       WHERE f.tenant_id = $1 AND f.subject = $2 AND f.network = $3 AND a > $4
       ORDER BY a DESC OFFSET $5::int - 1 LIMIT 1`,
      [key.tenantId, key.subject, key.network, since, this.settings.maxFailures],
    );
    const freesAt = row?.frees_at
      ? row.frees_at.getTime() + this.settings.windowSeconds * 1000
      : now.getTime();
    return { charged: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) };
  }

  async clear(key: ThrottleKey): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM password_failures WHERE tenant_id = $1 AND subject = $2 AND network = $3',
      [key.tenantId, key.subject, key.network],
    );
  }
}
