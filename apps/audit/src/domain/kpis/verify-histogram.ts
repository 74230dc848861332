/**
 * Time to verify, kept as a fixed log-scale histogram per tenant, UTC day and factor type, so
 * medians and 90th percentiles over any period come from summed bucket counts, never from the
 * events themselves.
 *
 * Bucket 0 holds 0 ms. Bucket k ≥ 1 holds durations in [2^((k-1)/8), 2^(k/8)) ms: eight buckets
 * per doubling. A bucket is estimated by its geometric midpoint, so an estimate is within a
 * factor 2^(1/16) of every value in its bucket: at most 4.43 % off (plus 0.5 ms of rounding to
 * whole milliseconds, and exact for values under 12 ms, whose buckets hold one whole number).
 * Durations of 2^31 ms (about 25 days) and more share the last bucket.
 */
export const BUCKETS_PER_DOUBLING = 8;
export const MAX_BUCKET = 1 + BUCKETS_PER_DOUBLING * 31;
/** Largest relative error of a percentile estimate, rounding aside. */
export const PERCENTILE_RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

export function bucketOf(durationMs: number): number {
  if (!Number.isFinite(durationMs) || durationMs < 1) return 0;
  const bucket = 1 + Math.floor(BUCKETS_PER_DOUBLING * Math.log2(durationMs));
  return Math.min(MAX_BUCKET, bucket);
}

/** The whole-millisecond estimate of a bucket: its geometric midpoint, kept inside the bucket. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  const lower = 2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING);
  const upper = 2 ** (bucket / BUCKETS_PER_DOUBLING);
  const estimate = Math.round(Math.sqrt(lower * upper));
  const first = Math.ceil(lower);
  const last = Math.ceil(upper) - 1;
  return first <= last ? Math.min(last, Math.max(first, estimate)) : estimate;
}

/**
 * The nearest-rank percentile (p in (0, 1]) of the durations a histogram counts, as its bucket's
 * estimate; 0 for an empty histogram.
 */
export function percentileOf(histogram: ReadonlyMap<number, number>, p: number): number {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(buckets[buckets.length - 1]?.[0] ?? 0);
}
