import { MetricsProbe } from '@portcullis/observability';
import {
  OUTBOX_BACKLOG_METRIC,
  OUTBOX_OLDEST_AGE_METRIC,
  observeOutboxBacklog,
  readOutboxBacklog,
} from './outbox-metrics';

describe('readOutboxBacklog', () => {
  it('counts unpublished rows and the age of the oldest, as PostgreSQL returns them', async () => {
    const queries: string[] = [];
    const source = (row: unknown) => ({
      query: (sql: string) => {
        queries.push(sql);
        return Promise.resolve([row]);
      },
    });
    expect(await readOutboxBacklog(source({ rows: '3', age: '12.5' }))).toEqual({
      rows: 3,
      oldestAgeSeconds: 12.5,
    });
    // An empty outbox: count 0 and min() NULL.
    expect(await readOutboxBacklog(source({ rows: '0', age: null }))).toEqual({
      rows: 0,
      oldestAgeSeconds: 0,
    });
    expect(queries[0]).toMatch(/WHERE published_at IS NULL/);
  });
});

describe('observeOutboxBacklog', () => {
  it('reads the outbox at each collection, never turns a failed read into 0, and stops', async () => {
    const probe = new MetricsProbe();
    let next: Promise<{ rows: number; oldestAgeSeconds: number }> = Promise.resolve({
      rows: 4,
      oldestAgeSeconds: 2,
    });
    let reads = 0;
    const stop = observeOutboxBacklog(probe.meter, () => {
      reads += 1;
      return next;
    });
    expect(reads).toBe(0); // nothing between collections
    const values = async () => ({
      backlog: (await probe.points(OUTBOX_BACKLOG_METRIC)).map((p) => p.value),
      age: (await probe.points(OUTBOX_OLDEST_AGE_METRIC)).map((p) => p.value),
    });
    expect(await values()).toEqual({ backlog: [4], age: [2] });
    next = Promise.resolve({ rows: 0, oldestAgeSeconds: 0 });
    expect(await values()).toEqual({ backlog: [0], age: [0] });
    next = Promise.resolve({ rows: 7, oldestAgeSeconds: 30 });
    expect(await values()).toEqual({ backlog: [7], age: [30] });
    next = Promise.reject(new Error('connection terminated'));
    expect(await values()).toEqual({ backlog: [7], age: [30] });
    stop();
    const before = reads;
    await values();
    expect(reads).toBe(before);
    await probe.shutdown();
  });
});
