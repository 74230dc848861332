import type { DomainError } from '@portcullis/errors';
import { InMemoryRateLimiter } from './rate-limiter';

function refusal(take: () => void): DomainError {
  try {
    take();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected RATE_LIMITED');
}

describe('InMemoryRateLimiter (token bucket, per instance)', () => {
  let now = 0;
  const limiter = () => new InMemoryRateLimiter({ now: () => now });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst of the per-minute limit, then refuses with the seconds until a token is back', () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) l.take('k', 5);
    const error = refusal(() => l.take('k', 5));
    expect(error.kind).toBe('RESOURCE_EXHAUSTED');
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details.retryAfterSeconds).toBe(12);
  });

  it('refills continuously at limit/60 per second', () => {
    const l = limiter();
    for (let i = 0; i < 60; i++) l.take('k', 60);
    expect(() => l.take('k', 60)).toThrow();
    now += 1_000;
    l.take('k', 60);
    expect(() => l.take('k', 60)).toThrow();
    now += 60_000;
    for (let i = 0; i < 60; i++) l.take('k', 60);
    expect(() => l.take('k', 60)).toThrow();
  });

  it('keeps one budget per key', () => {
    const l = limiter();
    l.take('a', 1);
    expect(() => l.take('a', 1)).toThrow();
    l.take('b', 1);
  });

  it('does not let refused requests pile up debt', () => {
    const l = limiter();
    l.take('k', 1);
    for (let i = 0; i < 100; i++) expect(() => l.take('k', 1)).toThrow();
    now += 60_000;
    l.take('k', 1);
  });
});
