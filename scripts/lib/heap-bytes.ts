/**
 * Heap bytes a piece of work allocates, for the allocation benchmarks (bench:alloc, bench:record):
 * after a full GC the heap in use is read before and after `n` runs of the work, and a GC observer
 * confirms that none ran in between (an attempt with one is repeated with a quarter as many runs,
 * down to 100). The process must run with --expose-gc.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const maybeGc = (globalThis as { gc?: () => void }).gc;

/** A full garbage collection (node --expose-gc). */
export function gc(): void {
  if (!maybeGc) throw new Error('run with node --expose-gc (through the npm script)');
  maybeGc();
}

/** Bytes in use in the heap spaces that hold objects (code spaces left out: the JIT compiles there). */
export function heapObjectBytes(): number {
  let n = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith('code')) n += s.space_used_size;
  return n;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `work(input, n)` on `prepare(n)`'s input (made before the heap is read, so it does not
 * count) with no GC in between, and returns n and the bytes the work allocated in all.
 */
export async function allocatedBy<T>(
  n0: number,
  prepare: (n: number) => T,
  work: (input: T, n: number) => void,
): Promise<{ n: number; bytes: number }> {
  for (let n = n0; ; n = Math.floor(n / 4)) {
    const input = prepare(n);
    let gcs = 0;
    const obs = new PerformanceObserver((list) => {
      gcs += list.getEntries().length;
    });
    gc();
    gc();
    await sleep(20);
    obs.observe({ entryTypes: ['gc'] });
    const before = heapObjectBytes();
    work(input, n);
    const after = heapObjectBytes();
    await sleep(50); // GC entries are delivered asynchronously
    obs.disconnect();
    if (gcs === 0) return { n, bytes: Math.max(0, after - before) };
    if (n < 100) throw new Error('a GC ran during every attempt');
  }
}
