import type { BatchObservableCallback, Meter } from '@opentelemetry/api';

export interface OutboxBacklog {
  /** Rows committed but not yet published. */
  readonly rows: number;
  /** Age of the oldest of them, in seconds; 0 when there is none. */
  readonly oldestAgeSeconds: number;
}

/**
 * The outbox as the relay sees it. Both come from the partial index of unpublished rows, so the
 * cost grows with the backlog, not with the table.
 */
export async function readOutboxBacklog(database: {
  query(sql: string): Promise<unknown>;
}): Promise<OutboxBacklog> {
  const [row] = (await database.query(
    `SELECT count(*) AS rows,
            extract(epoch FROM now() - min(occurred_at)) AS age
       FROM outbox_events WHERE published_at IS NULL`,
  )) as { rows: string; age: number | string | null }[];
  return {
    rows: Number(row?.rows ?? 0),
    oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)),
  };
}

export const OUTBOX_BACKLOG_METRIC = 'portcullis.outbox.backlog';
export const OUTBOX_OLDEST_AGE_METRIC = 'portcullis.outbox.oldest_age';

/**
 * Observable gauges of the outbox, read when metrics are collected (a scrape, an OTLP export):
 * nothing is queried between collections. Every replica of a service reports the same table,
 * so dashboards take the max per service, not the sum. A failed read observes nothing, never a
 * misleading 0: the exporters repeat the last value read.
 */
export function observeOutboxBacklog(meter: Meter, read: () => Promise<OutboxBacklog>): () => void {
  const backlog = meter.createObservableGauge(OUTBOX_BACKLOG_METRIC, {
    description: 'Outbox rows committed but not yet published to Kafka.',
    unit: '{row}',
  });
  const age = meter.createObservableGauge(OUTBOX_OLDEST_AGE_METRIC, {
    description: 'Age of the oldest unpublished outbox row (0 when none).',
    unit: 's',
  });
  const callback: BatchObservableCallback = async (result) => {
    const current = await read().catch(() => undefined);
    if (!current) return;
    result.observe(backlog, current.rows);
    result.observe(age, current.oldestAgeSeconds);
  };
  meter.addBatchObservableCallback(callback, [backlog, age]);
  return () => meter.removeBatchObservableCallback(callback, [backlog, age]);
}
