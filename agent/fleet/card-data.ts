/**
 * Card data kept out of the fleet store at the collector. An agent never sends any, but the
 * collector stores what any client publishes (old agents checked their wire fields by length only),
 * so it looks at every text it would store:
 *
 * - a record: a PAN in any text is masked (first 6, last 4), but a merchant or terminal id is
 *   masked only when it holds a card number an issuer could have issued (idHoldsPan): a
 *   zero-padded id is not one, and masking it would file the record under another merchant. Track data or a card security code
 *   cannot be masked in place: an optional field holding them is emptied (null) and named in
 *   `notes`, as the agent empties a bad optional field; a required one refuses the record.
 * - a number of 13 digits or more that is a card number (old agents sent amounts unlimited): the
 *   amount is emptied and named in `notes`; any other number refuses the record.
 * - a status or metrics message: every text is a name or an id, so any card data refuses it.
 *
 * Values in the strict shape of an id of ours (a ULID) are passed: they hold no card data, and a
 * ULID can hold the BCD form of a track separator ('D' between digits) by chance. Pure.
 */
import { cardDataIn, idHoldsPan } from '../../protocol/card/card-data.js';
import { findPans, scrubPans } from '../../protocol/card/pan.js';
import type { FailureRecord } from '../record.js';
import { withNotes } from '../store/record-rules.js';

/** Text fields of a record that may be emptied; every other text field is required. */
const OPTIONAL_TEXT: ReadonlySet<string> = new Set([
  'mti',
  'processing_code',
  'currency',
  'card_brand',
  'entry_mode',
  'stan',
  'rrn',
  'auth_code',
  'notes',
]);

/** Ids a merchant's scope and the topic match on: masked only for a card number (idHoldsPan). */
const IDS: ReadonlySet<string> = new Set(['merchant_id', 'terminal_id']);

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** The smallest number with 13 digits, the shortest card number. */
const SMALLEST_PAN = 1e12;

/** What the collector stores of a record, or why it refuses it (the field, never the value). */
export type CleanRecord =
  { record: FailureRecord; emptied: string[] } | { refused: string; emptied?: undefined; record?: undefined };

/** The record with PANs masked and fields holding other card data emptied; or the refusal. */
export function cleanRecord(r: FailureRecord): CleanRecord {
  let out: Record<string, unknown> | null = null;
  const emptied: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'number' && v >= SMALLEST_PAN && findPans(String(v)).length > 0) {
      // a number of 13 digits or more that is a card number (old agents' amounts were not limited)
      if (k !== 'amount_minor') return { refused: `${k}: holds a card number` };
      out ??= { ...r };
      out[k] = null;
      emptied.push(`${k}: held a card number, emptied by the collector`);
      continue;
    }
    if (typeof v !== 'string' || ULID.test(v)) continue;
    const kind = cardDataIn(v);
    if (kind !== null) {
      if (!OPTIONAL_TEXT.has(k)) return { refused: `${k}: holds ${kind}` };
      out ??= { ...r };
      out[k] = null;
      emptied.push(`${k}: held ${kind}, emptied by the collector`);
      continue;
    }
    // a zero-padded id ("M00000000000042") is not a card number: masking it would make it another id
    if (IDS.has(k) && !idHoldsPan(v)) continue;
    const clean = scrubPans(v);
    if (clean !== v) {
      out ??= { ...r };
      out[k] = clean;
    }
  }
  if (emptied.length > 0 && out !== null) out.notes = withNotes(out.notes, emptied);
  return { record: (out ?? r) as unknown as FailureRecord, emptied };
}

/** The agent's config hash (agent/config/load.ts configHash): 16 hex digits. */
const CONFIG_HASH = /^[0-9a-f]{16}$/;

/**
 * A health payload with its card data dealt with, or the key path (`version`, `alarms.2`) of the
 * first text that holds some. Every text is a name or an id, so card data refuses the message, but
 * for the agent's config hash: 16 hex digits hold a Luhn-valid run of digits by chance in about
 * one config in 500, and refusing it would refuse that terminal's status for good; a PAN window in
 * it is masked instead, as in a record's text.
 */
export function cleanHealth<T extends object>(payload: T): { payload: T } | { refused: string } {
  const look = (v: unknown, path: string): string | null => {
    if (typeof v === 'string')
      return !ULID.test(v) && (scrubPans(v) !== v || cardDataIn(v) !== null) ? path : null;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = look(v[i], `${path}.${i}`);
        if (hit !== null) return hit;
      }
    }
    return null;
  };
  let out = payload;
  for (const [k, v] of Object.entries(payload)) {
    if (k === 'config_hash' && typeof v === 'string' && CONFIG_HASH.test(v)) {
      const masked = scrubPans(v);
      if (masked !== v) out = { ...out, config_hash: masked };
      continue;
    }
    const hit = look(v, k);
    if (hit !== null) return { refused: hit };
  }
  return { payload: out };
}
