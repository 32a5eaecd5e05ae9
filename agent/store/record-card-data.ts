/**
 * The card-data policy for a record's fields: one loop for the store's intake (intake.ts) and the
 * fleet collector (agent/fleet/card-data.ts), each field treated by its rule in a rule table
 * (record-rules.ts). An agent's own records hold none (the decoder masks first); this is the
 * defence behind it, for a caller that passed something it should not have, and for the collector,
 * which stores what any client publishes. No I/O: it changes the fields it is given, in place.
 *
 * - A field in one of our strict forms (an ISO time, an enum, the card hash: a keyed hash of 32-64
 *   hex digits, which holds a Luhn-valid run of digits by chance in about one card in 250) is not
 *   looked at. A field in the ULID form is: 26 letters and digits can be a PAN and 10 more
 *   characters, or a BCD track ("4761739001010119D251210100"). Our own ids never read as card data
 *   (ulid.ts skips such ids), so one that does is not ours: emptied where the field may be null,
 *   and the record refused otherwise. A text in a ULID's shape (a boot id) is looked at like any
 *   other text.
 * - Track data or a card security code cannot be masked in place (protocol/card/card-data.ts): a
 *   field whose rule lets it be null is emptied, and named in `emptied`; any other refuses the
 *   record (the reason names the field, never the value). A wire field's own form (digits, or
 *   letters and digits) refuses the track shapes itself, so only a security code is looked for in it.
 * - A PAN in a text is masked where it stands (first 6, last 4). In an id (a rule's `id`: the
 *   merchant and terminal ids) only a card number an issuer could have issued is (idHoldsPan): a
 *   zero-padded id such as "000000000000042" holds a Luhn-valid run, and masking it would make it
 *   another merchant's id.
 * - A number of 13 digits or more that is a card number (an old agent's amount was not limited) is
 *   emptied where its rule lets it be null, and refuses the record otherwise.
 * - A text longer than any rule admits (LONGEST_SCANNED) is left for the rule check to refuse,
 *   unscanned: seconds of scanning for nothing. One merely too long for its own rule is scanned, so
 *   that its card data empties the field, not the record refused for its length.
 */
import { cardDataIn, holdsCardData, idHoldsPan } from '../../protocol/card/card-data.js';
import { findPans, scrubPans } from '../../protocol/card/pan.js';
import { MAX_NOTES, type RuleTable } from './record-rules.js';

/** What the policy did to a record: the fields masked and emptied, or why it refuses the record. */
export type CardDataVerdict =
  | { masked: readonly string[]; emptied: readonly string[]; refused?: undefined }
  | { refused: string; masked?: undefined; emptied?: undefined };

/** The smallest number with 13 digits, the shortest card number. */
const SMALLEST_PAN = 1e12;

/** The verdict on a record with nothing to mask or empty, the usual one: shared, nothing allocated per record. */
const NOTHING: CardDataVerdict = Object.freeze({ masked: Object.freeze([]), emptied: Object.freeze([]) });

/** Longer than every text a rule admits (notes: MAX_NOTES). */
const LONGEST_SCANNED = 2 * MAX_NOTES;

/**
 * Applies the policy to `fields` in place (the caller's own copy), each key by its rule in `table`
 * (a key the table does not have is treated as a required text: its owner's check refuses it
 * anyway). `by` names who emptied a field, in the text of `emptied`.
 */
export function cleanCardData(
  fields: Record<string, unknown>,
  table: RuleTable,
  by: string,
): CardDataVerdict {
  let masked: string[] | null = null;
  let emptied: string[] | null = null;
  for (const key in fields) {
    const v = fields[key];
    const rule = table[key];
    const nullable = rule?.nullable === true;
    if (typeof v === 'number') {
      if (v < SMALLEST_PAN || findPans(String(v)).length === 0) continue;
      if (!nullable) return { refused: `${key}: holds a card number` };
      fields[key] = null;
      (emptied ??= []).push(`${key}: held a card number, emptied by the ${by}`);
      continue;
    }
    if (typeof v !== 'string') continue;
    if (rule !== undefined && rule.kind !== 'text') {
      // an id of ours never reads as card data (ulid.ts skips such ids): one that does is not ours
      if (rule.kind !== 'ulid' || !holdsCardData(v)) continue;
      if (!nullable) return { refused: `${key}: holds card data` };
      fields[key] = null;
      (emptied ??= []).push(`${key}: held card data, emptied by the ${by}`);
      continue;
    }
    if (v.length > LONGEST_SCANNED) continue;
    // the usual text holds nothing: two scans, nothing allocated; the rest is asked only of a hit
    let kind = cardDataIn(v);
    if (kind === 'track data' && rule?.wire === true) kind = null;
    const clean = kind === null ? scrubPans(v) : v;
    if (kind === null && clean === v) continue;
    if (kind !== null) {
      if (!nullable) return { refused: `${key}: holds ${kind}` };
      fields[key] = null;
      (emptied ??= []).push(`${key}: held ${kind}, emptied by the ${by}`);
      continue;
    }
    if (rule?.id === true && !idHoldsPan(v)) continue;
    fields[key] = clean;
    (masked ??= []).push(key);
  }
  return masked === null && emptied === null ? NOTHING : { masked: masked ?? [], emptied: emptied ?? [] };
}
