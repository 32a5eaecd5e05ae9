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
});
