/**
 * A failure as the portal shows it in a list row and in a live event: the same fields, formatted
 * the same way for the page and for the client script (amount with its currency, the terminal's
 * local time, the category and outcome in the page's language). Masked card only: pan_masked is
 * masked again if it ever held more digits (maskPan of a digits-only value).
 */
import { maskPan, scrubPans } from '../../../protocol/card/pan.js';
import { REPORT_TEXTS } from '../../export/i18n.js';
import { formatAmount } from '../../guidance/currency.js';
import { localTime } from '../../guidance/script.js';
import type { Category } from '../../record.js';
import type { FailureRow } from '../store/types.js';
import type { Texts } from './i18n.js';

export interface FailureView {
  id: string;
  time: string;
  terminal: string;
  merchant_id: string;
  amount: string;
  card: string;
  rc: string;
  category: string;
  outcome: string;
  case_status: string;
}

export function categoryLabel(tx: Texts, c: Category): string {
  return REPORT_TEXTS[tx.lang].categories[c] ?? c;
}

/** The masked card as stored, masked again when it holds a run of digits (never a full PAN). */
export function card(pan: string | null): string {
  if (!pan) return '';
  return /^\d{12,19}$/.test(pan) ? maskPan(pan) : scrubPans(pan);
}

export function amountText(tx: Texts, minor: number | null, currency: string | null): string {
  return formatAmount(minor, currency, tx.lang === 'en' || tx.lang === 'zh' ? '.' : ',') ?? '';
}

export function failureView(tx: Texts, f: FailureRow): FailureView {
  return {
    id: f.id,
    time: localTime(f.occurred_at, f.utc_offset_min),
    terminal: f.fleet ? `${f.fleet}/${f.terminal_id}` : f.terminal_id,
    merchant_id: f.merchant_id,
    amount: amountText(tx, f.amount_minor, f.currency),
    card: card(f.pan_masked),
    rc: f.rc,
    category: categoryLabel(tx, f.category),
    outcome: tx.outcome(f.outcome),
    case_status: tx.caseStatus(f.case_status),
  };
}
