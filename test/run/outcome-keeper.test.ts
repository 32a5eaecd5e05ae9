/**
 * The outcome keeper on an in-memory store: the same approval seen twice (a retransmission after a
 * restart: same STAN, RRN and auth code) is one approval, not a double charge; two real approvals of
 * one card and amount are.
 */
import { describe, expect, it } from 'vitest';
import type { ApprovedSale } from '../../agent/pipeline/pipeline.js';
import { MemoryOutcomeStore, testKeeper } from '../helpers/memory-outcome-store.js';

function keeper() {
  const store = new MemoryOutcomeStore();
  return { store, k: testKeeper(store) };
}

const approval = (stan: string, rrn: string, at: string): ApprovedSale => ({
  terminal_id: 'TERM0001',
  merchant_id: 'MERCHANT0000001',
  occurred_at: at,
  mti: '0210',
  amount_minor: 1250,
  currency: '978',
  pan_masked: '476173******0119',
  card_key: 'ab'.repeat(16),
  stan,
  rrn,
  auth_code: 'A1B2C3',
});

describe('double charges', () => {
  it('the same approval twice is not a double charge', async () => {
    const { store, k } = keeper();
    k.approval(approval('000001', '607312000001', '2026-12-03T10:00:00.000Z'));
    k.approval(approval('000001', '607312000001', '2026-12-03T10:00:05.000Z'));
    await k.settled();
    expect(k.counts.doubleCharges).toBe(0);
    expect(store.records.size).toBe(0);
  });

  it('two approvals of one card and amount are: an alarm and a record linked to the first', async () => {
    const { store, k } = keeper();
    k.approval(approval('000001', '607312000001', new Date(Date.now() - 5000).toISOString()));
    k.approval(approval('000002', '607312000002', new Date().toISOString()));
    await k.settled();
    expect(k.counts.doubleCharges).toBe(1);
    expect(k.alarms()).toEqual(['possible_double_charge']);
    const [rec] = [...store.records.values()];
    expect(rec).toMatchObject({
      rc: 'L_DOUBLE_CHARGE',
      outcome: 'possible_double_charge',
      stan: '000002',
      version: 1,
    });
    expect(rec!.linked_id).toBe(store.approvals[0]!.id);
  });

  it('after a restart, a second approval of a late-approved sale moves that sale (no record of its own)', async () => {
    const store = new MemoryOutcomeStore();
    const t0 = Date.now() - 60_000;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    // a sale timed out and was approved late, then the agent restarted
    const first = await store.recordApproval(approval('000007', '607312000007', at(1000)));
    const rec = await store.record({
      terminal_id: 'TERM0001',
      merchant_id: 'MERCHANT0000001',
      occurred_at: at(0),
      utc_offset_min: 0,
      mti: '0200',
      processing_code: '000000',
      amount_minor: 1250,
      currency: '978',
      pan_masked: '476173******0119',
      card_brand: 'visa',
      entry_mode: '071',
      stan: '000007',
      rrn: null,
      auth_code: null,
      rc: 'L_TIMEOUT',
      rc_source: 'local',
      category: 'network',
      retry: 'retry_later',
      notes: null,
      outcome: 'timed_out',
      card_key: 'ab'.repeat(16),
    });
    await store.update(rec.id, { outcome: 'approved_late', at: at(1000), linked_id: first.id });
    const k = testKeeper(store);
    k.warmStart();
    k.approval(approval('000008', '607312000008', at(5000)));
    await k.settled();
    expect(store.records.size).toBe(1);
    expect(store.records.get(rec.id)).toMatchObject({ outcome: 'possible_double_charge', version: 3 });
  });
});
