/**
 * What the store accepts: the card-data policy applied (record-card-data.ts: a full PAN masked, as
 * defence in depth since the decoder masks first; track data or a card security code empties its
 * field or refuses the input), the input checked against its rule table (record-rules.ts: the fast
 * checker, not zod: this runs for every sale) and copied: what was checked is what gets written,
 * whatever the caller does with its object later.
 */
import type { Logger } from '../log.js';
import { StoreError } from './errors.js';
import { cleanCardData } from './record-card-data.js';
import {
  checkFirst,
  copyChecked,
  describeIssue,
  emptyInvalidApprovalFields,
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
 * the card-data policy (record-card-data.ts): a full PAN masked in place, a field holding track
 * data or a card security code emptied (named in `emptied`) or the input refused (the reason is
 * returned, never the value).
 */
function scrubbed<T extends object>(
  f: T,
  rules: Rules<T>,
  table: RuleTable,
  log: Logger,
  emptied: string[],
): T | string {
  const out = snapshot(rules, f);
  const verdict = cleanCardData(out, table, 'store');
  if (verdict.refused !== undefined) return verdict.refused;
  for (const field of verdict.masked)
    log.warn({ event: 'pan_masked_on_store', field }, 'a full PAN reached the store and was masked');
  for (const note of verdict.emptied) {
    emptied.push(note);
    log.warn(
      { event: 'card_data_emptied_on_store', field: note.slice(0, note.indexOf(':')) },
      'card data reached the store; the field was emptied',
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
