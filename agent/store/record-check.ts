/**
 * A precompiled check of a NewFailure with exactly the rules of `newFailureSchema` (zod, in
 * record-schema.ts), for the store's hot path: zod builds a result object per field on every
 * parse, this walks one table and allocates nothing. The zod schema stays the source of truth: the
 * store runs it when this check fails (for the error message), and test/store/record-check.test.ts
 * checks that both accept and refuse the same records (generated and hand-picked).
 */
import { CATEGORIES, type FailureRecord, RETRY_ADVICE } from '../record.js';
import { MAX_AMOUNT_MINOR, MAX_NOTES } from './record-schema.js';

type NewFailure = Omit<FailureRecord, 'id' | 'seq' | 'boot_id' | 'synced_at'>;

type Rule =
  | { key: string; kind: 'text'; min: number; max: number; nullable: boolean; re?: RegExp }
  | { key: string; kind: 'int'; min: number; max: number; nullable: boolean }
  | { key: string; kind: 'enum'; values: ReadonlySet<string> };

const text = (key: string, min: number, max: number, nullable: boolean, re?: RegExp): Rule =>
  re ? { key, kind: 'text', min, max, nullable, re } : { key, kind: 'text', min, max, nullable };

/** One row per field of newFailureSchema, in its order (a strict object: no other keys). */
export const NEW_FAILURE_RULES: readonly Rule[] = [
  text('terminal_id', 1, 64, false),
  text('merchant_id', 0, 64, false),
  text('occurred_at', 0, Infinity, false, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/),
  { key: 'utc_offset_min', kind: 'int', min: -14 * 60, max: 14 * 60, nullable: false },
  text('mti', 0, 4, true),
  text('processing_code', 0, 6, true),
  { key: 'amount_minor', kind: 'int', min: 0, max: MAX_AMOUNT_MINOR, nullable: true },
  text('currency', 0, 3, true),
  text('pan_masked', 0, Infinity, true, /^(\d{6}\*{3,9}\d{4}|\*{1,12})$/),
  text('card_brand', 0, 32, true),
  text('entry_mode', 0, 4, true),
  text('stan', 0, 12, true),
  text('rrn', 0, 12, true),
  text('auth_code', 0, 8, true),
  text('rc', 1, 24, false),
  { key: 'rc_source', kind: 'enum', values: new Set(['issuer', 'host', 'local']) },
  { key: 'category', kind: 'enum', values: new Set<string>(CATEGORIES) },
  { key: 'retry', kind: 'enum', values: new Set<string>(RETRY_ADVICE) },
  text('notes', 0, MAX_NOTES, true),
];

const KEYS: ReadonlySet<string> = new Set(NEW_FAILURE_RULES.map((r) => r.key));

function fieldOk(rule: Rule, v: unknown): boolean {
  switch (rule.kind) {
    case 'text':
      if (v === null) return rule.nullable;
      return (
        typeof v === 'string' &&
        v.length >= rule.min &&
        v.length <= rule.max &&
        (rule.re === undefined || rule.re.test(v))
      );
    case 'int':
      if (v === null) return rule.nullable;
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= rule.min && v <= rule.max;
    case 'enum':
      return typeof v === 'string' && rule.values.has(v);
  }
}

/** True when `f` passes newFailureSchema (every field present and valid, no unknown key). */
export function isValidNewFailure(f: unknown): boolean {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return false;
  const o = f as Record<string, unknown>;
  const rules = NEW_FAILURE_RULES;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (!fieldOk(r, o[r.key])) return false;
  }
  // strict: no key beyond the schema's (for-in without allocating a key array)
  for (const k in o) if (!KEYS.has(k)) return false; // for-in, like zod's strictObject
  return true;
}

/** A fresh record with the schema's fields, in its order (what zod's parse would have returned). */
export function copyNewFailure(f: NewFailure): NewFailure {
  return {
    terminal_id: f.terminal_id,
    merchant_id: f.merchant_id,
    occurred_at: f.occurred_at,
    utc_offset_min: f.utc_offset_min,
    mti: f.mti,
    processing_code: f.processing_code,
    amount_minor: f.amount_minor,
    currency: f.currency,
    pan_masked: f.pan_masked,
    card_brand: f.card_brand,
    entry_mode: f.entry_mode,
    stan: f.stan,
    rrn: f.rrn,
    auth_code: f.auth_code,
    rc: f.rc,
    rc_source: f.rc_source,
    category: f.category,
    retry: f.retry,
    notes: f.notes,
  };
}

/** Why a value breaks its rule, in words (fixed text: never the value itself). */
function ruleText(rule: Rule): string {
  switch (rule.kind) {
    case 'text':
      return rule.re ? 'not in the expected form' : `not text of at most ${rule.max} characters`;
    case 'int':
      return `not a whole number from ${rule.min} to ${rule.max}`;
    case 'enum':
      return 'not one of the known values';
  }
}

/**
 * The optional (nullable) fields of `f` that break their rule are set to null, and each is named,
 * with the rule it broke, in `notes` (appended to what is there): a bad optional field never costs
 * the whole record. Mutates and returns `f`; the required fields are left for the store to judge.
 */
export function emptyInvalidOptionalFields(f: NewFailure): NewFailure {
  const o = f as unknown as Record<string, unknown>;
  let notes: string | null = null;
  for (let i = 0; i < NEW_FAILURE_RULES.length; i++) {
    const r = NEW_FAILURE_RULES[i]!;
    if (r.kind === 'enum' || !r.nullable || r.key === 'notes' || fieldOk(r, o[r.key])) continue;
    o[r.key] = null;
    const note = `${r.key}: ${ruleText(r)}`;
    notes = notes === null ? note : `${notes}; ${note}`;
  }
  if (notes !== null) f.notes = joinNotes(f.notes, notes);
  return f;
}

/** Appends a note (`; ` between notes), cut to the longest `notes` the schema takes. */
export function joinNotes(notes: string | null, note: string): string {
  const s = notes === null || notes === '' ? note : `${notes}; ${note}`;
  return s.length > MAX_NOTES ? `${s.slice(0, MAX_NOTES - 1)}…` : s;
}
