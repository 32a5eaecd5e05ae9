import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../protocol/retry/backoff.js';

describe('backoffDelay (full jitter)', () => {
  it('draws from [0, min(max, min * 2^attempt)]: exponential, capped, whole ms', () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(0);
    expect(backoffDelay(0, 100, 1000, () => 0.999_999)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 0.999_999)).toBe(800);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 0.999_999)).toBe(1000);
    expect(backoffDelay(1000, 100, 1000, () => 0.25)).toBe(250);
    expect(backoffDelay(-1, 100, 1000, () => 0.999_999)).toBe(100);
  });

  it('spreads delays over the whole range with Math.random', () => {
    const ds = Array.from({ length: 2000 }, () => backoffDelay(4, 10, 10_000));
    expect(Math.min(...ds)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ds)).toBeLessThanOrEqual(160);
    expect(ds.some((d) => d < 40)).toBe(true);
    expect(ds.some((d) => d > 120)).toBe(true);
    expect(ds.every(Number.isInteger)).toBe(true);
  });
});
