/**
 * The failure record's rules (agent/record.ts), stated once, as data: a table per thing the store
 * takes (a new failure, an outcome change, an approval for the ledger) and one for a stored or
 * received record. Two things are made from the tables:
 * - here, the checker the agent runs on every sale (the pipeline's emptyInvalidOptionalFields, the
 *   store's intake: agent/store/intake.ts): plain loops over the table and the value's keys, no
 *   zod, no closure made per call and nothing allocated for valid input. zod's safeParse cost 7 us at p50 (30 us at p90)
 *   per check, some 20% of the agent's CPU per sale, and garbage that drove the p99 latency;
 * - in record-schema.ts, the zod schemas (the MQTT payload schema and docs/payload.schema.json,
 *   the collector, salvage), built from the same tables on first use.
 * test/store/record-rules.test.ts keeps the two in agreement on the tests' kinds of examples, on
 * mutations of each field and on random values; a rule changed here changes both.
 *
 * A check answers with the first broken rule in table order (the order zod reports issues in),
 * as the field's name and fixed words, never the value: it is received input and could be
 * anything, card data included. Unknown keys are refused, as zod's strictObject does.
 *
 * The copy: zod's parse handed back a fresh object, so what was checked is what the store writes,
 * whatever the caller does with its object later (test/store/store.test.ts mutates it after
 * handing it over; the pipeline does not, but a guarantee is cheaper than the proof that every
 * caller keeps to it). copyChecked keeps that: the known keys in table order, one object per
 * record, the one allocation of a valid check (scripts/bench-record-check.ts measures it).
 */
import { hasTrackShape } from '../../protocol/card/track.js';
import { CATEGORIES, OUTCOMES, RECOVERY_MEANS, RETRY_ADVICE } from '../record.js';
import type { NewApproval, NewFailure, OutcomeChange } from './types.js';
import { ULID_RE } from './ulid.js';

/** Largest amount in minor units: ISO 8583 field 4 is n12 (and a longer number could be a card number). */
export const MAX_AMOUNT_MINOR = 999_999_999_999;
/** Longest `notes` text. */
export const MAX_NOTES = 500;

/** Whether the field may be null, and whether its key may be left out (or be undefined). */
interface Presence {
  readonly nullable?: true;
  readonly optional?: true;
}
/**
 * Text of `min` to `max` UTF-16 units (no limit when left out) in `form` (a RegExp, said in words
 * by `what`). `wire`: a value copied from the wire (ISO 8583 n/an fields): never the shape of
 * track data (an `an` field 37 of "0044D3522921" is a track-2 piece a misframed message shifted
 * in), and when the pipeline empties a bad one, its note says `what`. `id`: a merchant's or a
 * terminal's id, often a zero-padded number, where only a card number an issuer could have issued
 * is masked (record-card-data.ts).
 */
export interface TextRule extends Presence {
  readonly kind: 'text';
  readonly min?: number;
  readonly max?: number;
  readonly form?: RegExp;
  readonly what?: string;
  readonly wire?: true;
  readonly id?: true;
}
/** A whole number from `min` to `max` (finite; zod's int also wants it safe, and every bound is). */
export interface WholeRule extends Presence {
  readonly kind: 'whole';
  readonly min: number;
  readonly max: number;
}
/** One of `values`. */
export interface EnumRule extends Presence {
  readonly kind: 'enum';
  readonly values: readonly string[];
}
/** Text in one of the record's fixed forms (FORMS). */
export interface FormRule extends Presence {
  readonly kind: 'iso_time' | 'ulid' | 'card_key';
}
export type FieldRule = TextRule | WholeRule | EnumRule | FormRule;
/** A record's fields in order: what a check reports first, and the order of the copy. */
export type RuleTable = Readonly<Record<string, FieldRule>>;

/** The fixed forms, each a text rule of its own. */
export const FORMS = {
  iso_time: { form: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/, what: 'UTC ISO-8601 with Z' },
  ulid: { form: ULID_RE, what: 'ULID' },
  /**
   * The keyed card hash as panDigest makes it (32 lowercase hex characters; up to 64 for a longer
   * digest). Longer than any PAN (19 digits), so a card number is never taken for a card key.
   */
  card_key: { form: /^(?:[0-9a-f]{2}){16,32}$/, what: 'a hex card hash of 32 to 64 characters' },
} as const satisfies Record<FormRule['kind'], { form: RegExp; what: string }>;

const wire = (form: RegExp, what: string) =>
  ({ kind: 'text', form, what, wire: true, nullable: true }) as const satisfies TextRule;

/** A NewFailure (store.record). */
export const NEW_FAILURE = {
  terminal_id: { kind: 'text', min: 1, max: 64, id: true },
  merchant_id: { kind: 'text', max: 64, id: true },
  occurred_at: { kind: 'iso_time' },
  utc_offset_min: { kind: 'whole', min: -14 * 60, max: 14 * 60 },
  mti: wire(/^\d{4}$/, '4 digits'),
  processing_code: wire(/^\d{6}$/, '6 digits'),
  amount_minor: { kind: 'whole', min: 0, max: MAX_AMOUNT_MINOR, nullable: true },
  currency: wire(/^[0-9A-Z]{3}$/, '3 digits or capital letters'),
  // maskPan's one format: first 6 + '*' + last 4 (13-19 long), or all '*' for short numbers
  pan_masked: {
    kind: 'text',
    form: /^(\d{6}\*{3,9}\d{4}|\*{1,12})$/,
    what: 'masked PAN: first 6, *, last 4',
    nullable: true,
  },
  card_brand: { kind: 'text', max: 32, nullable: true },
  entry_mode: wire(/^\d{1,4}$/, '1 to 4 digits'),
  stan: wire(/^\d{1,12}$/, '1 to 12 digits'),
  // field 37 and 38 are `an` (letters, digits; spaces pad): a '=' or '^' there is track data a
  // misframed message shifted in (found by the card-data fuzz), never a reference number
  rrn: wire(/^[0-9A-Za-z ]{1,12}$/, '1 to 12 letters, digits or spaces'),
  auth_code: wire(/^[0-9A-Za-z ]{1,8}$/, '1 to 8 letters, digits or spaces'),
  rc: { kind: 'text', min: 1, max: 24 },
  rc_source: { kind: 'enum', values: ['issuer', 'host', 'local'] },
  category: { kind: 'enum', values: CATEGORIES },
  retry: { kind: 'enum', values: RETRY_ADVICE },
  notes: { kind: 'text', max: MAX_NOTES, nullable: true },
  outcome: { kind: 'enum', values: OUTCOMES },
  linked_id: { kind: 'ulid', nullable: true, optional: true },
  card_key: { kind: 'card_key', nullable: true, optional: true },
} as const satisfies RuleTable;

/** The fields an outcome change sets (store.update). */
export const OUTCOME_CHANGE = {
  outcome: { kind: 'enum', values: OUTCOMES },
  at: { kind: 'iso_time' },
  linked_id: { kind: 'ulid', nullable: true, optional: true },
  recovered_by: { kind: 'enum', values: RECOVERY_MEANS, nullable: true, optional: true },
} as const satisfies RuleTable;

/** An approval for the ledger (store.recordApproval): the failure record's rules for shared fields. */
export const NEW_APPROVAL = {
  terminal_id: NEW_FAILURE.terminal_id,
  merchant_id: NEW_FAILURE.merchant_id,
  occurred_at: NEW_FAILURE.occurred_at,
  mti: NEW_FAILURE.mti,
  amount_minor: NEW_FAILURE.amount_minor,
  currency: NEW_FAILURE.currency,
  pan_masked: NEW_FAILURE.pan_masked,
  stan: NEW_FAILURE.stan,
  rrn: NEW_FAILURE.rrn,
  auth_code: NEW_FAILURE.auth_code,
  card_key: { kind: 'card_key', nullable: true },
} as const satisfies RuleTable;

const { card_key: _local, ...RECORDED } = NEW_FAILURE;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/**
 * A stored or received record (no card_key: it never leaves the agent). Receivers also take
 * records of agents made before `notes` existed (no `notes` key), before amounts were limited to
 * 12 digits, or before outcomes (no version/outcome keys: see withOutcomeDefaults). A key given
 * again keeps its place (the wire fields, amount, notes, linked_id), as zod's extend does.
 */
export const FAILURE_RECORD = {
  ...RECORDED,
  // the wire fields as earlier agents wrote them: length-checked only
  mti: { kind: 'text', max: 4, nullable: true },
  processing_code: { kind: 'text', max: 6, nullable: true },
  currency: { kind: 'text', max: 3, nullable: true },
  entry_mode: { kind: 'text', max: 4, nullable: true },
  stan: { kind: 'text', max: 12, nullable: true },
  rrn: { kind: 'text', max: 12, nullable: true },
  auth_code: { kind: 'text', max: 8, nullable: true },
  amount_minor: { kind: 'whole', min: 0, max: MAX_SAFE, nullable: true },
  notes: { kind: 'text', max: MAX_NOTES, nullable: true, optional: true },
  id: { kind: 'ulid' },
  version: { kind: 'whole', min: 1, max: MAX_SAFE },
  outcome_at: { kind: 'iso_time', nullable: true },
  linked_id: { kind: 'ulid', nullable: true },
  recovered_by: { kind: 'enum', values: RECOVERY_MEANS, nullable: true },
  seq: { kind: 'whole', min: 1, max: MAX_SAFE },
  boot_id: { kind: 'text', min: 1, max: 64 },
  synced_at: { kind: 'text', nullable: true },
} as const satisfies RuleTable;

// ---- the TypeScript type a table admits (test/store/record-rules.test.ts: the store's own types)

type Base<F> = F extends { kind: 'whole' }
  ? number
  : F extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : string;
type Value<F> = Base<F> | (F extends { nullable: true } ? null : never);
type MustHave<T> = { -readonly [K in keyof T as T[K] extends { optional: true } ? never : K]: Value<T[K]> };
type MayHave<T> = { -readonly [K in keyof T as T[K] extends { optional: true } ? K : never]?: Value<T[K]> };
type Flat<X> = { [K in keyof X]: X[K] };
/** What a value that passes the table's check is. */
export type Checked<T extends RuleTable> = Flat<MustHave<T> & MayHave<T>>;

// ---- the checker

/** A broken rule: the field (its name, or '' for the whole value) and the rule in fixed words. */
export interface Issue {
  readonly field: string;
  readonly rule: string;
}

const TEXT = 0;
const WHOLE = 1;
const ENUM = 2;

/**
 * One field's rule made ready for the loop: every one has the same properties in the same order
 * (one hidden class, so the loop's reads stay monomorphic), and its issues are made once.
 */
interface Check {
  readonly key: string;
  readonly kind: typeof TEXT | typeof WHOLE | typeof ENUM;
  readonly nullable: boolean;
  readonly optional: boolean;
  /** Text: length; whole: value. */
  readonly min: number;
  readonly max: number;
  readonly form: RegExp | null;
  readonly wire: boolean;
  readonly values: ReadonlySet<unknown> | null;
  readonly missing: Issue;
  readonly isNull: Issue;
  /** Not text / not a whole number in range / not one of the values. */
  readonly type: Issue;
  readonly length: Issue;
  readonly badForm: Issue;
  readonly track: Issue;
  /**
   * Why the pipeline emptied the field, in the words its notes have always had (stored records
   * carry them): `what` for a wire field, else the length or the range; 'not in the expected form'
   * for other text with a form.
   */
  readonly note: string;
}

/** A table made ready for checking; `T` is what a value that passes is. */
export interface Rules<T> {
  readonly fields: readonly Check[];
  /** Each field's check by its key. */
  readonly byKey: ReadonlyMap<string, Check>;
  /** How many fields must be present. */
  readonly required: number;
  readonly notObject: Issue;
  /** Phantom: the checked type. */
  readonly _checked?: T;
}

function compileField(key: string, rule: FieldRule): Check {
  const text: TextRule | null =
    rule.kind === 'text'
      ? rule
      : rule.kind === 'whole' || rule.kind === 'enum'
        ? null
        : { kind: 'text', ...FORMS[rule.kind] };
  const min = rule.kind === 'whole' ? rule.min : (text?.min ?? 0);
  const max = rule.kind === 'whole' ? rule.max : (text?.max ?? Infinity);
  const what = text?.what ?? 'in the expected form';
  const range = `not a whole number from ${min} to ${max}`;
  const type =
    rule.kind === 'whole'
      ? range
      : rule.kind === 'enum'
        ? `not one of ${rule.values.join(', ')}`
        : 'not text';
  const length =
    min === 0
      ? `longer than ${max} characters`
      : max === Infinity
        ? `shorter than ${min} characters`
        : `not ${min} to ${max} characters long`;
  const issue = (words: string): Issue => ({ field: key, rule: words });
  return {
    key,
    kind: rule.kind === 'whole' ? WHOLE : rule.kind === 'enum' ? ENUM : TEXT,
    nullable: rule.nullable === true,
    optional: rule.optional === true,
    min,
    max,
    form: text?.form ?? null,
    wire: text?.wire === true,
    values: rule.kind === 'enum' ? new Set<unknown>(rule.values) : null,
    missing: issue('missing'),
    isNull: issue('null, where a value is required'),
    type: issue(type),
    length: issue(length),
    badForm: issue(`not ${what}`),
    track: issue('has the shape of card track data'),
    note:
      rule.kind === 'whole'
        ? range
        : text?.wire === true
          ? `not ${what}`
          : text?.form === undefined
            ? `not text of at most ${max} characters`
            : 'not in the expected form',
  };
}

/** Makes a table ready for checkFirst (once per table, at load: a few dozen small objects). */
export function compileRules<T extends RuleTable>(table: T): Rules<Checked<T>> {
  const fields = Object.entries(table).map(([key, rule]) => compileField(key, rule));
  return {
    fields,
    byKey: new Map(fields.map((f) => [f.key, f])),
    required: fields.filter((f) => !f.optional).length,
    notObject: { field: '', rule: 'not an object' },
  };
}

/** A field's value against its rule: the issue, or null. Hot path: allocates nothing. */
function checkField(c: Check, v: unknown): Issue | null {
  if (v === undefined) return c.optional ? null : c.missing;
  if (v === null) return c.nullable ? null : c.isNull;
  if (c.kind === TEXT) {
    if (typeof v !== 'string') return c.type;
    if (v.length < c.min || v.length > c.max) return c.length;
    if (c.form !== null && !c.form.test(v)) return c.badForm;
    if (c.wire && hasTrackShape(v)) return c.track;
    return null;
  }
  if (c.kind === WHOLE) {
    // Number.isInteger is false for NaN and ±Infinity
    return typeof v === 'number' && Number.isInteger(v) && v >= c.min && v <= c.max ? null : c.type;
  }
  return c.values!.has(v) ? null : c.type;
}

/** An unknown key, named only when it is a name (ours are lowercase words joined by '_'). */
function unknownKey(key: string): Issue {
  return { field: /^[a-z_]{1,40}$/.test(key) ? key : '(a key)', rule: 'not a field of this record' };
}

/**
 * The first rule `v` breaks, in table order, then an unknown key; null when it keeps them all.
 * Hot path (every sale): one pass over the value's keys (a read by for-in's own key is V8's
 * quickest), no allocation for valid input; a value that breaks a rule is judged again in table
 * order, so that the issue reported is the one zod reports first.
 */
export function checkFirst<T>(rules: Rules<T>, v: unknown): Issue | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return rules.notObject;
  const o = v as Record<string, unknown>;
  let required = 0;
  // as zod: every enumerable key, inherited ones too
  for (const key in o) {
    const c = rules.byKey.get(key);
    if (c === undefined || checkField(c, o[key]) !== null) return firstInOrder(rules, o);
    if (!c.optional) required++;
  }
  return required === rules.required ? null : firstInOrder(rules, o);
}

/** checkFirst's answer for a value that breaks a rule: the fields in table order, then the keys. */
function firstInOrder<T>(rules: Rules<T>, o: Record<string, unknown>): Issue | null {
  const fields = rules.fields;
  for (let i = 0; i < fields.length; i++) {
    const c = fields[i]!;
    const issue = checkField(c, o[c.key]);
    if (issue !== null) return issue;
  }
  for (const key in o) if (!rules.byKey.has(key)) return unknownKey(key);
  return null;
}

/**
 * A copy of a value checkFirst passed: its known keys in table order (a key left out stays left
 * out; as zod's parse made it). Hot path: one object.
 */
export function copyChecked<T>(rules: Rules<T>, v: T): T {
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const fields = rules.fields;
  for (let i = 0; i < fields.length; i++) {
    const key = fields[i]!.key;
    const x = o[key];
    if (x !== undefined || key in o) out[key] = x;
  }
  return out as T;
}

/** "field: rule" (or the rule alone for the whole value): for E_RECORD messages. */
export function describeIssue(issue: Issue): string {
  return issue.field === '' ? issue.rule : `${issue.field}: ${issue.rule}`;
}

export const newFailureRules: Rules<NewFailure> = compileRules(NEW_FAILURE);
export const outcomeChangeRules: Rules<OutcomeChange> = compileRules(OUTCOME_CHANGE);
export const newApprovalRules: Rules<NewApproval> = compileRules(NEW_APPROVAL);
/** A received record may lack `notes` (agents from before it): not quite a FailureRecord. */
export const failureRecordRules = compileRules(FAILURE_RECORD);

// ---- emptying bad optional fields

/**
 * A failure's fields the pipeline empties when bad: the nullable ones that must be present. Not
 * `notes` (a bad one is the caller's, and the store refuses it), nor the optional ones (linked_id,
 * card_key: ours, not received).
 */
const FAILURE_EMPTIED = newFailureRules.fields.filter(
  (c) => c.nullable && !c.optional && c.kind !== ENUM && c.key !== 'notes',
);
/**
 * An approval's fields as the host sent them (the wire fields): a bad one is the host's, not a
 * fault of ours. What we made ourselves (the masked PAN, the card hash) must be right or the
 * approval is refused.
 */
const APPROVAL_EMPTIED = newApprovalRules.fields.filter((c) => c.wire);

/**
 * Sets the fields of `o` among `which` that break their rule to null and returns each as "key: the
 * rule it broke" (fixed words, never the value). Hot path: nothing allocated when all are good.
 */
function emptyInvalid(which: readonly Check[], o: Record<string, unknown>): string[] | null {
  let emptied: string[] | null = null;
  for (let i = 0; i < which.length; i++) {
    const c = which[i]!;
    const v = o[c.key];
    if (v === null || checkField(c, v) === null) continue;
    o[c.key] = null;
    (emptied ??= []).push(`${c.key}: ${c.note}`);
  }
  return emptied;
}

/**
 * The optional fields of `f` that break their rule are set to null, and each is named, with the
 * rule it broke, in `notes` (appended to what is there, cut to MAX_NOTES): a bad optional field
 * never costs the whole record. Mutates and returns `f`. Hot path (every failure).
 */
export function emptyInvalidOptionalFields(f: NewFailure): NewFailure {
  const emptied = emptyInvalid(FAILURE_EMPTIED, f as unknown as Record<string, unknown>);
  if (emptied === null) return f;
  f.notes = withNotes(f.notes, emptied);
  return f;
}

/**
 * `notes` with `added` appended ('; ' between), cut to MAX_NOTES: how the pipeline, the store and
 * the collector each name in a record what they emptied.
 */
export function withNotes(notes: unknown, added: readonly string[]): string {
  const all = [typeof notes === 'string' ? notes : '', ...added].filter((n) => n !== '').join('; ');
  return all.length > MAX_NOTES ? `${all.slice(0, MAX_NOTES - 1)}…` : all;
}

/**
 * The same for an approval of the ledger (which has no notes): a bad field received from the host
 * is emptied, so the approval still counts for recoveries and double charges. Mutates `a`;
 * returns what it emptied.
 */
export function emptyInvalidApprovalFields(a: NewApproval): string[] {
  return emptyInvalid(APPROVAL_EMPTIED, a as unknown as Record<string, unknown>) ?? [];
}
