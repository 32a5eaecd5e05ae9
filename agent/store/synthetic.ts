/**
 * Synthetic failure records for benchmarks, fault runs and tests (scripts/bench-*.ts,
 * scripts/record-driver.ts, test/store, test/sync). Deterministic from the index `i`, realistic in
 * size (~400 bytes of JSON), PAN already masked as the pipeline would hand it over.
 */
import { cardBrand, maskPan } from '../../protocol/card/pan.js';
import { type Category, initialOutcome, type RetryAdvice } from '../record.js';
import type { NewFailure } from './types.js';

/** Luhn-valid test PANs (network test cards); only their masked form is ever used. */
const TEST_PANS = [
  '4761739001010119',
  '5413330089020011',
  '374245455400126',
  '6250941006528599',
  '3530111333300000',
];
const RCS: Array<[string, Category, RetryAdvice, 'issuer' | 'host' | 'local']> = [
  ['51', 'insufficient_funds', 'retry_later', 'issuer'],
  ['05', 'issuer_decline', 'never_same_card', 'issuer'],
  ['55', 'cardholder_verification', 'after_customer_action', 'issuer'],
  ['91', 'network', 'retry_now', 'host'],
  ['L_TIMEOUT', 'network', 'retry_now', 'local'],
  ['03', 'merchant_setup', 'never_same_card', 'issuer'],
  ['00', 'approved', 'no_retry_needed', 'issuer'],
];

export function syntheticFailure(i: number, terminal = 'T0001', merchant = 'M000000000001'): NewFailure {
  const pan = TEST_PANS[i % TEST_PANS.length] as string;
  const [rc, category, retry, rc_source] = RCS[i % RCS.length] as (typeof RCS)[number];
  return {
    terminal_id: terminal,
    merchant_id: merchant,
    occurred_at: new Date().toISOString(),
    utc_offset_min: 60,
    mti: '0210',
    processing_code: '000000',
    amount_minor: 1000 + (i % 9000),
    currency: '978',
    pan_masked: maskPan(pan),
    card_brand: cardBrand(pan),
    entry_mode: '071',
    stan: String(i % 1_000_000).padStart(6, '0'),
    rrn: String(100_000_000_000 + i).slice(-12),
    auth_code: rc === '00' ? 'A1B2C3' : null,
    rc,
    rc_source,
    category,
    retry,
    notes: null,
    outcome: initialOutcome(rc),
  };
}
