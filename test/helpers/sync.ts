/**
 * The sync area's test setup: an agent's sync started with fast test timings, records fed to it,
 * and the checks on what a subscriber received.
 */
import type { FailureStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { processMetrics, startSync, type SyncHandle, type SyncOptions } from '../../agent/sync/index.js';

export type TestSyncOptions = Pick<SyncOptions, 'url' | 'fleet' | 'terminal' | 'store'> &
  Partial<SyncOptions>;

/**
 * `startSync` with test defaults: heartbeat every 200 ms, reconnect backoff 50-400 ms, boot id
 * `b1`, version 0.1.0, the store's process metrics. Stop it (before closing the store) after the test.
 */
export function startTestSync(opts: TestSyncOptions): SyncHandle {
  return startSync({
    bootId: 'b1',
    version: '0.1.0',
    configHash: 'abcdef0123456789',
    metrics: processMetrics(opts.store),
    heartbeatMs: 200,
    backoffMinMs: 50,
    backoffMaxMs: 400,
    ...opts,
  });
}

/** Records `count` synthetic failures (numbered from `from`) at once, then wakes the sync. */
export async function recordN(
  store: FailureStore,
  sync: SyncHandle,
  from: number,
  count: number,
  terminal: string,
) {
  const recs = await Promise.all(
    Array.from({ length: count }, (_, i) => store.record(syntheticFailure(from + i, terminal))),
  );
  sync.notify();
  return recs;
}

/** The distinct seqs of `records`, sorted (compare with 1..n for "no gap, nothing lost"). */
export function uniqueSeqs(records: Array<{ seq: number }>): number[] {
  return [...new Set(records.map((r) => r.seq))].sort((a, b) => a - b);
}

/** How many distinct record ids a subscriber received. */
export function distinctIds(records: Array<{ id: string }>): number {
  return new Set(records.map((r) => r.id)).size;
}
