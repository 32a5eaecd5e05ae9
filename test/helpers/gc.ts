/**
 * Counts garbage collections that start while `fn` runs (synchronously). Used to check that a hot
 * loop allocates nothing without timing it: a loop of many calls that allocated even a few bytes
 * per call would fill the young generation and trigger scavenges.
 */
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection before the measured loop: test files share a worker (isolate: false), so the
 * heap holds what earlier files left, and an incremental marking they started could finish inside
 * the loop. V8's gc function, taken from a fresh context once the flag is set.
 */
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

export async function gcDuring(fn: () => void): Promise<number> {
  fullGc();
  const entries: PerformanceEntry[] = [];
  const obs = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  await new Promise((r) => setTimeout(r, 20));
  const start = performance.now();
  fn();
  const end = performance.now();
  await new Promise((r) => setTimeout(r, 50)); // gc entries are delivered asynchronously
  obs.disconnect();
  return entries.filter((e) => e.startTime >= start && e.startTime <= end).length;
}
