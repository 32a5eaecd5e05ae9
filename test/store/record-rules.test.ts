/**
 * The record's rules are stated once (agent/store/record-rules.ts) and read twice: by the fast
 * checker the agent runs per sale, and by zodOf, which makes the zod schemas of the payloads, the
 * collector and salvage. Here the two must agree, table by table: on every valid example the
 * tests use, on each of them with one field mutated (too long, wrong type, null, missing,
 * track-shaped, out of range, not whole, NaN/Infinity, not in the enum, bad time, bad ULID, ...),
 * with a key added, and on random values. Agree means: both accept (and the checker's copy is
 * zod's output, key for key and in the same order), or both refuse and name the same field.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { FailureRecord } from '../../agent/record.js';
import { admit, admitApproval, admitChange } from '../../agent/store/intake.js';
import { openStore, type NewApproval, type NewFailure, type OutcomeChange } from '../../agent/store/index.js';
import {
  type Checked,
  checkFirst,
  copyChecked,
  emptyInvalidOptionalFields,
  FAILURE_RECORD,
  failureRecordRules,
  type FieldRule,
  FORMS,
  NEW_APPROVAL,
  NEW_FAILURE,
  newApprovalRules,
  newFailureRules,
  OUTCOME_CHANGE,
  outcomeChangeRules,
  type RuleTable,
  type Rules,
} from '../../agent/store/record-rules.js';
import { withOutcomeDefaults, zodOf } from '../../agent/store/record-schema.js';
import { StoreError } from '../../agent/store/errors.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { maskPan } from '../../protocol/card/pan.js';
import { captureLogger } from '../helpers/log.js';
import { storedRecord } from '../helpers/store.js';
import { tempDir } from '../helpers/tmp.js';

const PAN = '4761739001010119';
const KEY32 = createHmac('sha256', 'device-key').update(PAN).digest('hex').slice(0, 32);
const KEY64 = createHmac('sha256', 'device-key').update(PAN).digest('hex');
const T0 = '2026-11-23T10:00:00.000Z';
const LINK = '01JD6ZQ3R5W7Y9A1C3E5G7J9KN';

// ---- valid examples, as the tests make them

const failures: NewFailure[] = [
  ...Array.from({ length: 4 }, (_, i) => syntheticFailure(i, i % 2 ? 'T0001' : 'TERM0001')),
  { ...syntheticFailure(4), card_key: KEY32 },
  { ...syntheticFailure(1), card_key: KEY64, linked_id: LINK },
  { ...syntheticFailure(2), card_key: null, linked_id: null },
  { ...syntheticFailure(3), notes: 'currency: not 3 digits or capital letters', currency: null },
  { ...syntheticFailure(5), amount_minor: 0, utc_offset_min: -840, occurred_at: '2026-11-23T10:15:00Z' },
  { ...syntheticFailure(6), amount_minor: 999_999_999_999, utc_offset_min: 840, notes: 'x'.repeat(500) },
  { ...syntheticFailure(7), pan_masked: '************', merchant_id: '', rrn: '0044 D35 22 ' },
  {
    ...syntheticFailure(8),
    mti: null,
    processing_code: null,
    amount_minor: null,
    currency: 'EUR',
    pan_masked: null,
    card_brand: null,
    entry_mode: '5',
    stan: '1',
    rrn: 'A',
    auth_code: 'a b',
  },
];

const approval = (i: number, over: Partial<NewApproval> = {}): NewApproval => ({
  terminal_id: 'T0001',
  merchant_id: 'MERCHANT',
  occurred_at: T0,
  mti: '0210',
  amount_minor: 1000 + i,
  currency: '978',
  pan_masked: maskPan(PAN),
  card_key: KEY32,
  stan: String(i).padStart(6, '0'),
  rrn: `RRN${i}`,
  auth_code: 'A1B2C3',
  ...over,
});
const approvals: NewApproval[] = [
  approval(1),
  approval(2, { card_key: null, pan_masked: null }),
  approval(3, { rrn: null, auth_code: null, merchant_id: maskPan(PAN) }),
  approval(4, { card_key: KEY64, occurred_at: '2026-11-23T10:00:00.5Z' }),
  approval(5, { mti: null, amount_minor: null, currency: null, stan: null }),
];

const changes: OutcomeChange[] = [
  { outcome: 'reversed', at: T0 },
  { outcome: 'reversal_sent', at: '2026-12-03T14:47:21.923Z' },
  { outcome: 'recovered', at: T0, linked_id: LINK, recovered_by: 'same_card' },
  { outcome: 'recovered', at: T0, recovered_by: 'other_card' },
  { outcome: 'approved_late', at: T0, linked_id: LINK, recovered_by: 'late_approval' },
  { outcome: 'possible_double_charge', at: T0, linked_id: null, recovered_by: null },
];

/** Records as the store hands them out (and the payload test's, and an agent's from before outcomes). */
const records: Array<Record<string, unknown>> = [];
let store: ReturnType<typeof openStore>;
beforeAll(async () => {
  store = openStore({
    path: join(tempDir('record-rules-'), 'f.db'),
    bootId: 'boot-1',
    synchronous: 'normal',
  });
  const made = await Promise.all(failures.map((f) => store.record({ ...f })));
  await store.update(made[0]!.id, {
    outcome: 'recovered',
    at: T0,
    linked_id: LINK,
    recovered_by: 'same_card',
  });
  await store.update(made[1]!.id, { outcome: 'written_off', at: T0 });
  records.push(...(store.unsynced(100) as unknown as Array<Record<string, unknown>>));
  const rec = storedRecord();
  const { notes: _notes, ...beforeNotes } = rec;
  const {
    version: _v,
    outcome: _o,
    outcome_at: _a,
    linked_id: _l,
    recovered_by: _r,
    ...beforeOutcomes
  } = rec;
  records.push(
    rec,
    { ...rec, version: 2, outcome: 'recovered', outcome_at: T0, linked_id: LINK, recovered_by: 'other_card' },
    beforeNotes,
    withOutcomeDefaults({ ...beforeOutcomes, rrn: '=2512101', amount_minor: 2 ** 53 - 1 }) as Record<
      string,
      unknown
    >,
    { ...rec, synced_at: '2026-11-23T10:00:01.000Z', seq: Number.MAX_SAFE_INTEGER },
  );
});
afterAll(async () => {
  await store.close();
});

// ---- mutations

const TRACK2 = '0044D3522921'; // letters and digits: an `an` field's characters, a track-2 piece
const ISO_BAD = [
  '2026-11-23T10:00:00.1234Z',
  '2026-11-23T10:00:00+01:00',
  '2026-11-23 10:00:00Z',
  '2026-11-23T10:00Z',
  '2026-11-23t10:00:00z',
  '2026-11-23T10:00:00.000Z\n',
  'now',
];
const ULID_BAD = [
  LINK.toLowerCase(),
  `8${LINK.slice(1)}`,
  `${LINK.slice(0, 25)}I`,
  LINK.slice(1),
  `${LINK}0`,
];
const KEY_BAD = [KEY32.slice(1), KEY32.toUpperCase(), `${KEY64}ab`, PAN, `${KEY32}0`];
const ANY = [
  undefined,
  null,
  true,
  0,
  -0,
  1,
  -1,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  1e21,
  '',
  ' ',
  'x',
  '0',
  '5',
  'nope',
  TRACK2,
  '4847=9413258',
  '^DOE/J',
  'B4761739001010119^',
  '4761739001010119',
  '476173******0119',
  T0,
  LINK,
  KEY32,
  'declined',
  'same_card',
  'issuer',
  'x'.repeat(1000),
  {},
  [],
  ...ISO_BAD,
  ...ULID_BAD,
  ...KEY_BAD,
];

function formOf(rule: FieldRule): RegExp | undefined {
  if (rule.kind === 'text') return rule.form;
  return rule.kind === 'whole' || rule.kind === 'enum' ? undefined : FORMS[rule.kind].form;
}

/** Values at and across each bound and form of a rule, made from the rule itself. */
function edges(rule: FieldRule): unknown[] {
  const text =
    rule.kind === 'text' ? rule : rule.kind === 'whole' || rule.kind === 'enum' ? null : FORMS[rule.kind];
  if (rule.kind === 'whole') {
    const { min, max } = rule;
    return [min, max, min - 1, max + 1, min + 0.5, max - 0.5, String(min), -max, max * 10];
  }
  if (rule.kind === 'enum') return rule.values.flatMap((v) => [v, v.toUpperCase(), ` ${v}`, `${v}x`]);
  const out: unknown[] = [];
  const min = text && 'min' in text ? (text.min ?? 0) : 0;
  const max = text && 'max' in text ? text.max : undefined;
  for (const ch of ['a', '0', 'A', ' ', '*', '=']) {
    if (max !== undefined) out.push(ch.repeat(max), ch.repeat(max + 1));
    if (min > 0) out.push(ch.repeat(min), ch.repeat(min - 1));
    for (const n of [1, 3, 4, 6, 8, 12, 13, 16, 19, 26, 32, 64]) out.push(ch.repeat(n));
  }
  return out;
}

/** The checker's verdict: accepted (with its copy) or the field it names. */
function fast<T>(
  rules: Rules<T>,
  v: unknown,
): { ok: true; data: unknown; keys: string[] } | { ok: false; field: string } {
  const issue = checkFirst(rules, v);
  if (issue !== null) return { ok: false, field: issue.field };
  const data = copyChecked(rules, v as T);
  return { ok: true, data, keys: Object.keys(data as object) };
}

/** zod's verdict, in the same terms (its first issue's field; for unknown keys, the first key). */
function viaZod(
  schema: ReturnType<typeof zodOf>,
  v: unknown,
): { ok: true; data: unknown; keys: string[] } | { ok: false; field: string } {
  const r = schema.safeParse(v);
  if (r.success) return { ok: true, data: r.data, keys: Object.keys(r.data) };
  const issue = r.error.issues[0]!;
  return {
    ok: false,
    field: issue.code === 'unrecognized_keys' ? issue.keys[0]! : String(issue.path[0] ?? ''),
  };
}

/** Every example with each field mutated in each way, a key added, the keys reversed. */
function* mutations(table: RuleTable, examples: readonly object[]): Generator<unknown> {
  for (const ex of examples) {
    const base = ex as Record<string, unknown>;
    yield base;
    yield { ...base, extra: 1 };
    yield { ...base, extra: undefined };
    yield Object.fromEntries(Object.entries(base).reverse());
    yield Object.assign(Object.create({ extra: 1 }) as object, base); // an inherited key
    for (const [key, rule] of Object.entries(table)) {
      const { [key]: _gone, ...without } = base;
      yield without;
      for (const x of [...ANY, ...edges(rule)]) yield { ...base, [key]: x };
    }
  }
  yield* [null, undefined, [], 'record', 5, {}];
}

const CASES: Array<[string, RuleTable, Rules<unknown>, () => readonly object[]]> = [
  ['new failure', NEW_FAILURE, newFailureRules, () => failures],
  ['approval', NEW_APPROVAL, newApprovalRules, () => approvals],
  ['outcome change', OUTCOME_CHANGE, outcomeChangeRules, () => changes],
  ['stored or received record', FAILURE_RECORD, failureRecordRules, () => records],
];

describe.each(CASES)(
  '%s: the fast checker and the zod schema from the same table agree',
  (_name, table, rules, examples) => {
    const schema = zodOf(table);

    it('on every example, and each with one field mutated', () => {
      expect(examples().length).toBeGreaterThan(3);
      let accepted = 0;
      let refused = 0;
      for (const v of mutations(table, examples())) {
        const want = viaZod(schema, v);
        const got = fast(rules, v);
        // the value in the message only when they differ (stringifying every case is slow)
        if (!isDeepStrictEqual(got, want)) expect(got, JSON.stringify(v) ?? String(v)).toStrictEqual(want);
        if (want.ok) accepted++;
        else refused++;
      }
      // the examples are valid, and most mutations are not
      for (const ex of examples()) expect(viaZod(schema, ex).ok).toBe(true);
      expect(accepted).toBeGreaterThan(examples().length);
      expect(refused).toBeGreaterThan(accepted);
    });

    it('on random values of every field', () => {
      const fieldValue = (rule: FieldRule) =>
        fc.oneof(
          fc.constantFrom(...ANY, ...edges(rule)),
          fc.string({ maxLength: 70 }),
          fc.stringMatching(formOf(rule) ?? /^[0-9A-Za-z=^ ]{0,30}$/),
          fc.integer(),
          fc.double(),
        );
      const arb = fc.record(
        Object.fromEntries(Object.entries(table).map(([k, rule]) => [k, fieldValue(rule)])),
        { requiredKeys: [] },
      );
      const example = fc.constantFrom(...examples()) as fc.Arbitrary<Record<string, unknown>>;
      // an example with some fields replaced, so that valid records come up too
      const mixed = fc.tuple(example, arb).map(([ex, over]) => ({ ...ex, ...over }));
      fc.assert(
        fc.property(mixed, (v) => {
          expect(fast(rules, v)).toStrictEqual(viaZod(schema, v));
        }),
        { numRuns: 1000, seed: 4_2025 },
      );
    });
  },
);

describe('emptyInvalidOptionalFields', () => {
  it('empties exactly the optional fields zod finds broken', () => {
    const schema = zodOf(NEW_FAILURE);
    const emptiable = Object.entries(NEW_FAILURE)
      .filter(
        ([k, r]: [string, FieldRule]) => r.nullable && !r.optional && r.kind !== 'enum' && k !== 'notes',
      )
      .map(([k]) => k);
    expect(emptiable).toEqual([
      'mti',
      'processing_code',
      'amount_minor',
      'currency',
      'pan_masked',
      'card_brand',
      'entry_mode',
      'stan',
      'rrn',
      'auth_code',
    ]);
    let emptiedSome = 0;
    for (const v of mutations(NEW_FAILURE, failures)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
      const r = schema.safeParse(v);
      const broken = r.success ? [] : r.error.issues.map((i) => String(i.path[0]));
      const want = [...new Set(broken)].filter((k) => emptiable.includes(k));
      const before = v as Record<string, unknown>;
      const f = { ...before } as unknown as NewFailure;
      emptyInvalidOptionalFields(f);
      const after = f as unknown as Record<string, unknown>;
      const wrong = emptiable.filter((k) => !Object.is(after[k], want.includes(k) ? null : before[k]));
      if (Object.is(after.notes, before.notes) !== (want.length === 0)) wrong.push('notes');
      if (wrong.length > 0) expect({ wrong, want }, JSON.stringify(before)).toEqual({ wrong: [], want });
      if (want.length > 0) emptiedSome++;
    }
    expect(emptiedSome).toBeGreaterThan(100);
  });
});

describe('the store refuses with E_RECORD naming the field and the rule, never the value', () => {
  const { logger } = captureLogger();
  it.each([
    ['currency', 'EURO', 'currency: not 3 digits or capital letters'],
    ['rrn', TRACK2, 'rrn: has the shape of card track data'],
    ['amount_minor', 1_000_000_000_000, 'amount_minor: not a whole number from 0 to 999999999999'],
    ['terminal_id', 'T'.repeat(65), 'terminal_id: not 1 to 64 characters long'],
    ['category', 'nope', 'category: not one of insufficient_funds'],
    ['occurred_at', 'now', 'occurred_at: not UTC ISO-8601 with Z'],
    ['card_key', PAN, 'card_key: not a hex card hash'],
    ['rc', undefined, 'rc: missing'],
    ['rc', null, 'rc: null, where a value is required'],
    ['4761739001010119', 1, '(a key): not a field of this record'],
  ])('%s = %s', (key, value, words) => {
    const r = admit({ ...syntheticFailure(1), [key]: value } as NewFailure, logger);
    expect(r).toBeInstanceOf(StoreError);
    const e = r as StoreError;
    expect(e.code).toBe('E_RECORD');
    expect(e.message).toContain(`invalid failure record: ${words}`);
    if (typeof value === 'string' && value.length > 1) expect(e.message).not.toContain(value);
    expect(e.message).not.toContain(PAN);
  });

  it('for approvals and outcome changes too, and copies what it accepts', () => {
    expect(
      (admitChange({ outcome: 'recovered', at: T0, recovered_by: 'cash' as never }) as Error).message,
    ).toBe('invalid outcome change: recovered_by: not one of same_card, other_card, late_approval');
    expect((admitApproval(approval(1, { pan_masked: '4761' }), logger) as Error).message).toBe(
      'invalid approval: pan_masked: not masked PAN: first 6, *, last 4',
    );
    const a = approval(2);
    const checked = admitApproval(a, logger);
    expect(checked).toEqual(a);
    expect(checked).not.toBe(a);
    expect(Object.keys(checked)).toEqual(Object.keys(NEW_APPROVAL));
  });
});

/** An intersection as one object type (how Checked states its result). */
type Flat<X> = { [K in keyof X]: X[K] };

it('each table admits what the store and the record types say', () => {
  expectTypeOf<Checked<typeof NEW_FAILURE>>().toEqualTypeOf<Flat<NewFailure>>();
  expectTypeOf<Checked<typeof NEW_APPROVAL>>().toEqualTypeOf<NewApproval>();
  expectTypeOf<Checked<typeof OUTCOME_CHANGE>>().toEqualTypeOf<OutcomeChange>();
  // a received record may lack notes (agents from before it); otherwise it is a FailureRecord
  expectTypeOf<Checked<typeof FAILURE_RECORD>>().toEqualTypeOf<
    Flat<Omit<FailureRecord, 'notes'> & { notes?: string | null }>
  >();
});
