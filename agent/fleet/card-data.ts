/**
 * Card data kept out of the fleet store at the collector. An agent never sends any, but the
 * collector stores what any client publishes (old agents checked their wire fields by length only),
 * so it looks at every text it would store:
 *
 * - a record: the store's card-data policy (agent/store/record-card-data.ts), each field by its
 *   rule for a received record (FAILURE_RECORD): a PAN masked (in a merchant or terminal id only a
 *   card number an issuer could have issued), a field holding track data or a card security code
 *   emptied (null) where it may be and named in `notes`, as the agent empties a bad optional field,
 *   and the record refused otherwise; an amount that is a card number emptied.
 * - a status or metrics message: every text is a name or an id, so any card data refuses it.
 *
 * A text in a ULID's shape (an agent's boot id) is looked at like any other: 26 letters and digits
 * can be a PAN and 10 more characters. An agent's own ids never read as card data
 * (agent/store/ulid.ts skips such ids). Pure.
 */
import { holdsCardData } from '../../protocol/card/card-data.js';
import { scrubPans } from '../../protocol/card/pan.js';
import type { FailureRecord } from '../record.js';
import { cleanCardData } from '../store/record-card-data.js';
import { FAILURE_RECORD, withNotes } from '../store/record-rules.js';

/** What the collector stores of a record, or why it refuses it (the field, never the value). */
export type CleanRecord =
  | { record: FailureRecord; emptied: readonly string[] }
  | { refused: string; emptied?: undefined; record?: undefined };

/** The record with PANs masked and fields holding other card data emptied; or the refusal. */
export function cleanRecord(r: FailureRecord): CleanRecord {
  const out: Record<string, unknown> = { ...r };
  const verdict = cleanCardData(out, FAILURE_RECORD, 'collector');
  if (verdict.refused !== undefined) return { refused: verdict.refused };
  if (verdict.masked.length === 0 && verdict.emptied.length === 0) return { record: r, emptied: [] };
  if (verdict.emptied.length > 0) out.notes = withNotes(out.notes, verdict.emptied);
  return { record: out as unknown as FailureRecord, emptied: verdict.emptied };
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
    if (typeof v === 'string') return holdsCardData(v) ? path : null;
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
