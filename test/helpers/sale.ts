/** One stored failure of a real-looking sale (a 05 decline at a Helsinki café), for script and printer tests. */
import type { FailureRecord } from '../../agent/record.js';

export function saleRecord(over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id: '01JQ7Z8K4M2N5P6R7S8T9V0W1X',
    seq: 7,
    boot_id: 'b',
    terminal_id: 'TID00042',
    merchant_id: 'MID000000123456',
    occurred_at: '2026-01-15T23:30:05.250Z',
    utc_offset_min: 120,
    mti: '0210',
    processing_code: '000000',
    amount_minor: 123456,
    currency: '978',
    pan_masked: '476173******0119',
    card_brand: 'visa',
    entry_mode: '071',
    stan: '000321',
    rrn: '601523000321',
    auth_code: null,
    rc: '05',
    rc_source: 'issuer',
    category: 'issuer_decline',
    retry: 'after_customer_action',
    notes: null,
    version: 1,
    outcome: 'declined',
    outcome_at: null,
    linked_id: null,
    recovered_by: null,
    synced_at: null,
    ...over,
  };
}
