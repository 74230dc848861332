import { LRUCache } from 'lru-cache';
import { rateLimited } from './auth.errors';

/**
 * Request budgets. `take` charges one request to `key` and throws RESOURCE_EXHAUSTED
 * (RATE_LIMITED, with details.retryAfterSeconds) when the key is over `limitPerMinute`.
 */
export abstract class RateLimiter {
  abstract take(key: string, limitPerMinute: number): void;
}

interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

const MINUTE_MS = 60_000;

export interface InMemoryRateLimiterOptions {
  /** Buckets kept at most; the least recently used (i.e. refilled) ones go first. */
  readonly maxKeys?: number;
  /** Monotonic milliseconds (tests pass a fake). */
  readonly now?: () => number;
}

/**
 * Token buckets in this process's memory: each key may burst up to its per-minute limit and
 * refills continuously at limit/60 per second. PER INSTANCE: N gateway instances behind a load
 * balancer allow up to N times the limit; that is the price of not paying a database or Redis
 * round trip per request, and the limits are sized as abuse ceilings, not as quotas.
 *
 * An idle bucket is full again after at most a minute, when forgetting it changes nothing: entries
 * expire after a minute without use, and the size cap bounds memory under a flood of keys.
 */
export class InMemoryRateLimiter extends RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly now: () => number;

  constructor(options: InMemoryRateLimiterOptions = {}) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.buckets = new LRUCache({ max: options.maxKeys ?? 100_000, ttl: MINUTE_MS });
  }

  take(key: string, limitPerMinute: number): void {
    if (!Number.isFinite(limitPerMinute) || limitPerMinute < 1) throw new Error('limitPerMinute must be ≥ 1');
    const now = this.now();
    const perMs = limitPerMinute / MINUTE_MS;
    const bucket = this.buckets.get(key);
    const tokens = bucket
      ? Math.min(limitPerMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs)
      : limitPerMinute;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      throw rateLimited(Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)));
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
  }
}
