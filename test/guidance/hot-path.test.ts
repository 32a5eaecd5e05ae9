/**
 * Classify → prompt must not allocate after warm-up, for approvals and declines alike (what a
 * whole response allocates, the decline's card hash and record included, is measured from the
 * framing on: test/hardware/hot-path-framing.test.ts and `npm run bench:alloc`). Measured without timing:
 * a synchronous loop of a million calls that allocated even a few bytes per call would fill the
 * young generation and trigger scavenges; we count GC events whose start falls inside the loop.
 */
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../agent/guidance/index.js';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import { applyMerchantAdvice, lookupCode, lookupCodeBytes } from '../../protocol/response-codes/index.js';
import { gcDuring } from '../helpers/gc.js';

describe('classify → prompt allocates nothing after warm-up', () => {
  const frame = new TextEncoder().encode('0210....51....91....1A....ZZ..116...');
  const spots: [number, number][] = [
    [8, 2],
    [14, 2],
    [20, 2],
    [26, 2],
    [30, 3],
  ];

  it('lookupCodeBytes + applyMerchantAdvice + the glance screen over a million calls: no GC', async () => {
    const screens = new ScreenBook(createCatalog(), { width: 20, height: 4 });
    let sink = 0;
    const loop = (n: number) => {
      for (let i = 0; i < n; i++) {
        // indexed, not destructured: an array destructuring allocates an iterator until the loop is
        // optimized, and on a loaded machine the optimizing compiler can come late (2 scavenges)
        const spot = spots[i % spots.length] as [number, number];
        const row = applyMerchantAdvice(lookupCodeBytes(frame, spot[0], spot[1]), i % 7 === 0 ? '24' : null);
        const screen = screens.failure(row, i % 2 === 0 ? 'de' : 'zh', i % 5 === 0);
        sink += screen.pages.length + row.code.length;
      }
    };
    loop(100_000); // warm-up: memoize pages, cache fallback rows and MAC rows, JIT
    const gcs = await gcDuring(() => loop(1_000_000));
    expect(sink).toBeGreaterThan(0);
    expect(gcs).toBe(0);
  });

  it('control: an allocating loop of the same size does trigger GC (the probe works)', async () => {
    let keep: unknown = null;
    const gcs = await gcDuring(() => {
      for (let i = 0; i < 1_000_000; i++) keep = { i, s: lookupCode('51').code + String(i) };
    });
    expect(keep).not.toBeNull();
    expect(gcs).toBeGreaterThan(0);
  });
});
