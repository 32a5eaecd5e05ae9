/**
 * What the store accepts: a full PAN in any text field is masked (defence in depth; the decoder
 * masks first), track data or a card security code empties its field or refuses the input, the
 * input is checked against its rule table (record-rules.ts: the fast checker,
 * not zod: this runs for every sale) and copied: what was checked is what gets written, whatever
 * the caller does with its object later. The card key is not scrubbed: its rule admits only a
 * 32-64 character hex hash, which no PAN can be.
 */
import type { Logger } from '../log.js';
import { cardDataIn } from '../../protocol/card/card-data.js';
import { scrubPans } from '../../protocol/card/pan.js';
import { StoreError } from './errors.js';
import {
  checkFirst,
  copyChecked,
  describeIssue,
  emptyInvalidApprovalFields,
  MAX_NOTES,
  NEW_APPROVAL,
  NEW_FAILURE,
  newApprovalRules,
  newFailureRules,
  outcomeChangeRules,
  type RuleTable,
  type Rules,
  withNotes,
} from './record-rules.js';
import type { NewApproval, NewFailure, OutcomeChange } from './types.js';

/**
 * A copy of the caller's object, each value read once: what is scrubbed and checked is what is
 * written, even from an object whose getters answer differently on each read. Then, in the copy,
 * a full PAN in a text field is masked in place; track data or a card security code (which cannot
 * be masked in place: protocol/card/card-data.ts) empties a field that may be empty, named in
 * `emptied`, and refuses the input in a field that may not (the reason is returned, never the value).
 */
function scrubbed<T extends object>(
  f: T,
  rules: Rules<T>,
  table: RuleTable,
  log: Logger,
  emptied: string[],
): T | string {
  const out = snapshot(rules, f);
  for (const key in out) {
    const v = out[key];
    // longer than any field may be: refused by the check below, not worth seconds of scanning
    if (typeof v !== 'string' || key === 'card_key' || v.length > LONGEST_TEXT) continue;
    // scrubPans returns the same string when there is no PAN (one pass, nothing allocated)
    const clean = scrubPans(v);
    if (clean !== v) {
      out[key] = clean;
      log.warn({ event: 'pan_masked_on_store', field: key }, 'a full PAN reached the store and was masked');
    }
    const rule = table[key];
    // ids of ours, times and the card hash: their strict forms hold no card data, and a ULID can
    // hold a track separator's shape ('D' between digits) by chance
    if (rule !== undefined && rule.kind !== 'text') continue;
    let kind = cardDataIn(clean);
    // a wire field's own rule refuses the track shapes (the pipeline empties it, the store refuses)
    if (kind === 'track data' && rule?.kind === 'text' && rule.wire === true) kind = null;
    if (kind === null) continue;
    if (rule?.nullable !== true) return `${key}: holds ${kind}`;
    out[key] = null;
    emptied.push(`${key}: held ${kind}, emptied by the store`);
    log.warn(
      { event: 'card_data_emptied_on_store', field: key },
      `${kind} reached the store; the field was emptied`,
    );
  }
  return out as T;
}

/**
 * The intake's one copy of the caller's object, each value read once: the table's keys in table
 * order (as copyChecked makes them), then any other enumerable key, for checkFirst to refuse.
 */
function snapshot<T>(rules: Rules<T>, v: T): Record<string, unknown> {
  const o = v as Record<string, unknown>;
  const out = copyChecked(rules, v) as Record<string, unknown>;
  for (const key in o) if (!rules.byKey.has(key)) out[key] = o[key];
  return out;
}

/** Longer than every text a rule admits (notes: MAX_NOTES): such a value is refused unscanned. */
const LONGEST_TEXT = 2 * MAX_NOTES;

/**
 * `v` itself when it passes its rules (the intake's own copy, made by scrubbed(): it then holds the
 * table's keys only, so a second copy would add nothing), or E_RECORD naming the field and the
 * rule (never the value). Hot path.
 */
function checked<T>(rules: Rules<T>, what: string, v: T): T | StoreError {
  const issue = checkFirst(rules, v);
  return issue === null ? v : new StoreError('E_RECORD', `invalid ${what}: ${describeIssue(issue)}`);
}

/** The record to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. */
export function admit(f: NewFailure, log: Logger): NewFailure | StoreError {
  const emptied: string[] = [];
  const clean = scrubbed(f, newFailureRules, NEW_FAILURE, log, emptied);
  if (typeof clean === 'string') return new StoreError('E_RECORD', `invalid failure record: ${clean}`);
  if (emptied.length > 0) clean.notes = withNotes(clean.notes, emptied);
  return checked(newFailureRules, 'failure record', clean);
}

/** The outcome change to queue (checked, copied), or the E_RECORD error that refuses it. */
export function admitChange(c: OutcomeChange): OutcomeChange | StoreError {
  const r = checked(outcomeChangeRules, 'outcome change', c);
  return r instanceof StoreError ? r : copyChecked(outcomeChangeRules, r);
}

/**
 * The approval to queue (scrubbed, checked, copied), or the E_RECORD error that refuses it. A bad
 * optional field (an RRN that is not one, a currency that is not three characters) is emptied and
 * logged by name, as a failure record's is noted: the approval still counts for the matcher.
 */
export function admitApproval(a: NewApproval, log: Logger): NewApproval | StoreError {
  const emptied: string[] = [];
  const clean = scrubbed(a, newApprovalRules, NEW_APPROVAL, log, emptied);
  if (typeof clean === 'string') return new StoreError('E_RECORD', `invalid approval: ${clean}`);
  const first = checked(newApprovalRules, 'approval', clean);
  if (!(first instanceof StoreError)) return first; // the usual case: one check
  const bad = emptyInvalidApprovalFields(clean);
  if (bad.length === 0) return first;
  log.warn({ event: 'approval_fields_emptied', fields: bad }, 'approval stored without its bad fields');
  return checked(newApprovalRules, 'approval', clean);
}
