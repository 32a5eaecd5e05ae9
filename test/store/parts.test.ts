import { describe, expect, it } from 'vitest';
import { createAlarms } from '../../agent/store/alarms.js';
import { StoreError } from '../../agent/store/errors.js';
import { Ledger, type Pending } from '../../agent/store/pending.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import type { FailureRecord } from '../../agent/record.js';
import { captureLogger } from '../helpers/log.js';

describe('store alarms', () => {
  it('an alarm held by two parts is raised once and cleared only when both let go', () => {
    const { lines, logger } = captureLogger();
    const a = createAlarms(logger);
    a.set('store_io_error', 'write', true);
    a.set('store_io_error', 'wal_flush', true);
    a.set('disk_full', 'write', true);
    expect(a.list()).toEqual(['disk_full', 'store_io_error']);
    a.set('store_io_error', 'write', false);
    expect(a.has('store_io_error')).toBe(true); // the flush still fails
    a.set('store_io_error', 'write', false); // releasing twice changes nothing
    a.set('store_io_error', 'wal_flush', false);
    expect(a.list()).toEqual(['disk_full']);
    const events = lines.map((l) => JSON.parse(l) as { event: string; code: string });
    expect(events.map((e) => `${e.event}:${e.code}`)).toEqual([
      'alarm_raised:store_io_error',
      'alarm_raised:disk_full',
      'alarm_cleared:store_io_error',
    ]);
  });
});

describe('store ledger', () => {
  function pending(i: number, log: string[]): Pending {
    return {
      job: { kind: 'record', id: `id-${i}`, f: syntheticFailure(i) },
      resolve: (r) => log.push(`resolved ${r?.id}`),
      reject: (e) => log.push(`rejected ${(e as StoreError).code}`),
      outcome: undefined,
    };
  }

  it('hands over outcomes and resolves flush() waiters once everything queued before them is settled', async () => {
    const log: string[] = [];
    const l = new Ledger();
    expect(l.whenSettled()).toBeNull();
    const ps = [1, 2, 3].map((i) => pending(i, log));
    l.enqueued += 2;
    let first = false;
    void l.whenSettled()?.then(() => (first = true));
    l.enqueued++;
    let second = false;
    void l.whenSettled()?.then(() => (second = true));
    (ps[0] as Pending).outcome = { id: 'id-1' } as FailureRecord;
    l.deliver(ps[0] as Pending);
    (ps[1] as Pending).outcome = new StoreError('E_STORE_WRITE', 'refused');
    l.deliver(ps[1] as Pending);
    await Promise.resolve();
    expect(first).toBe(true);
    expect(second).toBe(false);
    l.refuse(ps[2] as Pending, 'closed');
    await Promise.resolve();
    expect(second).toBe(true);
    expect(log).toEqual(['resolved id-1', 'rejected E_STORE_WRITE', 'rejected E_STORE_CLOSED']);
    expect(l.whenSettled()).toBeNull();
  });
});
