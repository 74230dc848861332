import {
  bucketOf,
  bucketValue,
  MAX_BUCKET,
  PERCENTILE_RELATIVE_ERROR,
  percentileOf,
} from './verify-histogram';

const histogramOf = (values: readonly number[]) => {
  const h = new Map<number, number>();
  for (const v of values) h.set(bucketOf(v), (h.get(bucketOf(v)) ?? 0) + 1);
  return h;
};

/** The nearest-rank percentile of the values themselves. */
const exact = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] ?? 0;
};

describe('time-to-verify histogram', () => {
  it('keeps 0 ms apart and puts later values in rising buckets, the very slow in the last one', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(1)).toBe(1);
    expect(bucketOf(2)).toBe(9);
    expect(bucketOf(1024)).toBe(81);
    expect(bucketOf(2 ** 40)).toBe(MAX_BUCKET);
    for (let ms = 1; ms < 100_000; ms = Math.ceil(ms * 1.07)) {
      expect(bucketOf(ms + 1)).toBeGreaterThanOrEqual(bucketOf(ms));
    }
  });

  it('estimates every value within the documented error (4.43 %, plus 0.5 ms of rounding)', () => {
    expect(PERCENTILE_RELATIVE_ERROR).toBeCloseTo(0.0443, 4);
    for (let ms = 1; ms <= 3_600_000; ms = ms < 5000 ? ms + 1 : Math.ceil(ms * 1.001)) {
      const estimate = bucketValue(bucketOf(ms));
      expect(Math.abs(estimate - ms)).toBeLessThanOrEqual(ms * PERCENTILE_RELATIVE_ERROR + 0.5);
    }
  });

  it('is exact below 12 ms, where a bucket holds one whole number', () => {
    for (let ms = 0; ms < 12; ms += 1) expect(bucketValue(bucketOf(ms))).toBe(ms);
  });

  it('gives nearest-rank percentiles within the bucket error', () => {
    const values = [800, 950, 1200, 1250, 1300, 2100, 2500, 4000, 9000, 45_000, 61_000];
    const h = histogramOf(values);
    for (const p of [0.5, 0.9, 1]) {
      const truth = exact(values, p);
      expect(Math.abs(percentileOf(h, p) - truth)).toBeLessThanOrEqual(
        truth * PERCENTILE_RELATIVE_ERROR + 0.5,
      );
    }
    expect(percentileOf(histogramOf([1, 2, 3, 4]), 0.5)).toBe(2);
    expect(percentileOf(histogramOf([7]), 0.9)).toBe(7);
    expect(percentileOf(new Map(), 0.5)).toBe(0);
  });
});
