/** One stored failure of a real-looking sale (a 05 decline at a Helsinki café), for script and printer tests. */
import type { FailureRecord } from '../../agent/record.js';
import { makeRecord } from '../export/seed.js';

export function saleRecord(over: Partial<FailureRecord> = {}): FailureRecord {
  return makeRecord(0, {
    id: '01JQ7Z8K4M2N5P6R7S8T9V0W1X',
    seq: 7,
    boot_id: 'b',
    terminal_id: 'TID00042',
    merchant_id: 'MID000000123456',
    occurred_at: '2026-01-15T23:30:05.250Z',
    utc_offset_min: 120,
    amount_minor: 123456,
    pan_masked: '476173******0119',
    entry_mode: '071',
    stan: '000321',
    rrn: '601523000321',
    rc: '05',
    category: 'issuer_decline',
    retry: 'after_customer_action',
    ...over,
  });
}
