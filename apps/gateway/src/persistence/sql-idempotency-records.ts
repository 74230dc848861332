import { queryRows } from '@portcullis/persistence';
import type { DataSource } from 'typeorm';
import {
  type IdempotencyClaim,
  IdempotencyRecords,
  type IdempotencyScope,
} from '../auth/idempotency-records';

export interface IdempotencySettings {
  /** How long a record is honoured (24 h); older ones are ignored and pruned. */
  readonly retentionSeconds: number;
  /** How long a request may hold a key before its claim counts as abandoned. */
  readonly leaseSeconds: number;
}

interface ExistingRow {
  request_hash: string;
  status: number | null;
  response: string | null;
}

const PRUNE_BATCH = 1000;
/** A lost race against a release: the record vanished between the insert and the read. */
const CLAIM_ATTEMPTS = 3;

/**
 * idempotency_records. The claim is one atomic statement: INSERT … ON CONFLICT DO UPDATE takes
 * the key only when it is free, expired or abandoned, so of N concurrent requests exactly one
 * claims it. `created_at` (as text, microseconds intact) is the claim's fencing token: a request
 * whose abandoned claim was taken over cannot complete or release the new owner's record.
 */
export class SqlIdempotencyRecords extends IdempotencyRecords {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: IdempotencySettings,
  ) {
    super();
  }

  async claim(scope: IdempotencyScope, requestHash: string): Promise<IdempotencyClaim> {
    for (let attempt = 1; ; attempt++) {
      const claimed = await queryRows<{ token: string }>(
        this.dataSource.manager,
        `INSERT INTO idempotency_records AS r (principal, key, request_hash, created_at)
         VALUES ($1, $2, $3, clock_timestamp())
         ON CONFLICT (principal, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status = NULL, response = NULL,
               created_at = EXCLUDED.created_at
           WHERE r.created_at < clock_timestamp() - make_interval(secs => $4)
              OR (r.status IS NULL AND r.created_at < clock_timestamp() - make_interval(secs => $5))
         RETURNING created_at::text AS token`,
        [scope.principal, scope.key, requestHash, this.settings.retentionSeconds, this.settings.leaseSeconds],
      );
      if (claimed[0]) return { outcome: 'claimed', token: claimed[0].token };
      const existing = await queryRows<ExistingRow>(
        this.dataSource.manager,
        `SELECT request_hash, status, response #>> '{}' AS response FROM idempotency_records
         WHERE principal = $1 AND key = $2`,
        [scope.principal, scope.key],
      );
      const row = existing[0];
      if (row) {
        return row.status === null || row.response === null
          ? { outcome: 'in_progress', requestHash: row.request_hash }
          : {
              outcome: 'completed',
              requestHash: row.request_hash,
              status: row.status,
              sealedResponse: row.response,
            };
      }
      if (attempt >= CLAIM_ATTEMPTS) throw new Error('could not claim an idempotency key');
    }
  }

  async complete(
    scope: IdempotencyScope,
    token: string,
    status: number,
    sealedResponse: string,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_records SET status = $4, response = to_jsonb($5::text)
       WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz AND status IS NULL`,
      [scope.principal, scope.key, token, status, sealedResponse],
    );
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_records
       WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz AND status IS NULL`,
      [scope.principal, scope.key, token],
    );
  }

  async prune(): Promise<number> {
    const rows = await queryRows<{ key: string }>(
      this.dataSource.manager,
      `DELETE FROM idempotency_records WHERE ctid IN (
         SELECT ctid FROM idempotency_records
         WHERE created_at < clock_timestamp() - make_interval(secs => $1) LIMIT ${PRUNE_BATCH})
       RETURNING key`,
      [this.settings.retentionSeconds],
    );
    return rows.length;
  }
}
