/**
 * Field 39 classification: response code → category, who acts, retry advice, sensitivity, EMV
 * standard message and guidance text key. Pure (no I/O). The data lives in ./table.ts and its
 * sources in docs/sources.md.
 *
 * HOT PATH: lookupCodeBytes / table.lookupBytes. Codes of 1-3 characters [0-9A-Za-z] are packed
 * into a base-37 integer that indexes a Uint16Array, so a lookup reads a few bytes and one array
 * slot and allocates nothing. Unknown codes get a fallback row made once per code (cached), so
 * after warm-up no lookup allocates. Longer codes (the local faults, 'L_TIMEOUT' ...) are compared
 * byte by byte against a short list, also without allocating. test/guidance/hot-path.test.ts
 * checks it (no GC over a million lookups with merchant advice and rendering).
 */
import { lazy, zod } from '../zod.js';
import { CATEGORIES, type Category, RETRY_ADVICE, type RetryAdvice } from './categories.js';
import {
  type Actor,
  FALLBACK_SPEC,
  ISO_1987,
  ISO_1993_OWN,
  LOCAL_CODES,
  MAP_1993_TO_1987,
  MEANINGS_1993,
  NETWORK_CODES,
  RANGE_1993,
  type RowSpec,
  type Standard,
  type VisaCategory,
} from './table.js';

export type { Category, LocalFault, RetryAdvice } from './categories.js';
export { CATEGORIES, LOCAL_FAULTS, RETRY_ADVICE } from './categories.js';
export type { Actor, Standard, VisaCategory } from './table.js';
export { EMV_MESSAGES, MAP_1993_TO_1987, NETWORK_PROFILES } from './table.js';

/** Each local fault's two-letter terminal code (the display column of LOCAL_CODES). */
const LOCAL_DISPLAY = new Map<string, string>(LOCAL_CODES.map((s) => [s[0], s[1]]));

/** The code a display shows for a row: field 39 as received, or a local fault's terminal code. */
export function displayCode(row: { code: string }): string {
  return row.code.startsWith('L_') ? (LOCAL_DISPLAY.get(row.code) ?? '') : row.code;
}

export interface CodeRow {
  code: string;
  standard: Standard;
  category: Category;
  actor: Actor;
  retry: RetryAdvice;
  retryAfterMin: number | null;
  visaCategory: VisaCategory;
  sensitive: boolean;
  /** EMV Book 4 §11.2 standard message id for the short prompt, e.g. '07' DECLINED. */
  emvMessage: string;
  /** Short English meaning (for logs, exports and the issuer; not for the customer). */
  meaning: string;
  /** Guidance catalog key: texts are `${textKey}.title|cashier|customer|steps`. */
  textKey: string;
  /** false for the generic fallback row of a code that is not in the table. */
  known: boolean;
  /** Set by applyMerchantAdvice: the Mastercard merchant advice code that changed the retry advice. */
  merchantAdvice?: string;
}

export class ResponseCodeError extends Error {
  readonly code: 'E_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ResponseCodeError';
    this.code = 'E_CONFIG';
  }
}

export const ACTORS: readonly Actor[] = ['cashier', 'customer', 'merchant', 'issuer', 'acquirer'];
export const STANDARDS: readonly Standard[] = ['1987', '1993', 'network', 'local', 'fallback'];

// ---------------------------------------------------------------------------------------------
// Building rows from the data

function fromSpec(spec: RowSpec, code: string, standard: Standard, meaning?: string): CodeRow {
  // indexes, not array destructuring: that walks an iterator per row at every start
  return Object.freeze({
    code,
    standard,
    category: spec[1],
    actor: spec[2],
    retry: spec[3],
    retryAfterMin: spec[4],
    visaCategory: spec[5],
    sensitive: spec[6] === 1,
    emvMessage: spec[7],
    meaning: meaning ?? spec[9],
    textKey: spec[8],
    known: standard !== 'fallback',
  });
}

/** All built-in rows, in table order: 1987, network, 1993 (000-099, 100-299, 900-999), local. */
function builtInRows(): CodeRow[] {
  const out: CodeRow[] = [];
  const by1987 = new Map<string, RowSpec>();
  for (const s of ISO_1987) {
    by1987.set(s[0], s);
    out.push(fromSpec(s, s[0], '1987'));
  }
  for (const s of NETWORK_CODES) out.push(fromSpec(s, s[0], 'network'));
  const own = new Map<string, RowSpec>(ISO_1993_OWN.map((s) => [s[0], s]));
  for (const first of ['0', '1', '2', '9']) {
    for (let i = 0; i < 100; i++) {
      const code = first + String(i).padStart(2, '0');
      const meaning = MEANINGS_1993[code];
      const mapped = MAP_1993_TO_1987[code];
      const base = mapped !== undefined ? by1987.get(mapped) : undefined;
      const ownSpec = own.get(code);
      const range = RANGE_1993[first];
      if (base) out.push(fromSpec(base, code, '1993', meaning ?? base[9]));
      else if (ownSpec) out.push(fromSpec(ownSpec, code, '1993'));
      else if (range) out.push(fromSpec(range, code, '1993', meaning ?? range[9]));
    }
  }
  for (const [code, , ...rest] of LOCAL_CODES) out.push(fromSpec([code, ...rest], code, 'local'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Overrides (per acquirer / network, from config)

// built by the first override: `explain` and the default table never load zod
const overrideSchema = lazy(() => {
  const z = zod();
  return z
    .object({
      standard: z.enum(['1987', '1993', 'network', 'local', 'fallback']).optional(),
      category: z.enum(CATEGORIES).optional(),
      actor: z.enum(['cashier', 'customer', 'merchant', 'issuer', 'acquirer']).optional(),
      retry: z.enum(RETRY_ADVICE).optional(),
      retryAfterMin: z.number().int().min(0).max(525_600).nullable().optional(),
      visaCategory: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.null()]).optional(),
      sensitive: z.boolean().optional(),
      emvMessage: z
        .string()
        .regex(/^[0-9A-F]{2}$/, 'two hex digits, e.g. "07"')
        .optional(),
      meaning: z.string().min(1).optional(),
      textKey: z.string().min(1).optional(),
    })
    .strict();
});

const CODE_SHAPE = /^[0-9A-Za-z_]{1,24}$/;

function applyOverrides(rows: Map<string, CodeRow>, overrides: Record<string, Partial<CodeRow>>): void {
  for (const [rawCode, ov] of Object.entries(overrides)) {
    const code = rawCode.trim().toUpperCase();
    if (!CODE_SHAPE.test(code)) {
      throw new ResponseCodeError(
        `response-code override "${rawCode}": a code is 1-24 characters of 0-9, A-Z, _`,
      );
    }
    const parsed = overrideSchema().safeParse(ov);
    if (!parsed.success) {
      throw new ResponseCodeError(
        `response-code override "${rawCode}": ${zod().prettifyError(parsed.error)}`,
      );
    }
    const base = rows.get(code) ?? fromSpec(FALLBACK_SPEC, code, code.length <= 3 ? 'network' : 'local');
    const merged: CodeRow = { ...base, ...stripUndefined(parsed.data), code, known: true };
    if (merged.standard === 'fallback') merged.standard = 'network';
    rows.set(code, Object.freeze(merged));
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Packed index

const BASE = 37;
const SLOTS = BASE * BASE * BASE; // 50,653: every code of 1-3 characters from [0-9A-Z]
const NOT_PACKABLE = -1;

/** 0-9 → 1-10, A-Z / a-z → 11-36, anything else → -1. */
function charIndex(c: number): number {
  if (c >= 48 && c <= 57) return c - 47;
  if (c >= 65 && c <= 90) return c - 54;
  if (c >= 97 && c <= 122) return c - 86;
  return -1;
}

function upper(c: number): number {
  return c >= 97 && c <= 122 ? c - 32 : c;
}

/** The slot of a code of 1-3 characters of [0-9A-Za-z] in buf[start, end); NOT_PACKABLE otherwise. */
function pack(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 1 || len > 3) return NOT_PACKABLE;
  let key = 0;
  for (let i = 0; i < 3; i++) {
    const ci = i < len ? charIndex(buf[start + i] as number) : 0;
    if (ci < 0) return NOT_PACKABLE;
    key = key * BASE + ci;
  }
  return key;
}

export interface CodeTable {
  /** Never throws; an unknown code gets a fallback row (known=false, cached per code). */
  lookup(code: string): CodeRow;
  /** HOT PATH: same result as lookup(), reading the code from bytes; no allocation after warm-up. */
  lookupBytes(buf: Uint8Array, offset: number, length: number): CodeRow;
  /** Every row of the table (not the fallback rows), in table order. */
  rows(): CodeRow[];
}

export interface CodeTableOptions {
  /** Called once per distinct unknown code (the agent logs it with event 'rc_unknown'). */
  onUnknown?: (code: string) => void;
}

const MAX_UNPACKABLE_REPORTED = 256;
/** Longer than any code a table can hold (CODE_SHAPE: at most 24), with room for padding. */
const MAX_CODE_CHARS = 64;

export function createCodeTable(
  overrides?: Record<string, Partial<CodeRow>>,
  opts: CodeTableOptions = {},
): CodeTable {
  const byCode = new Map<string, CodeRow>();
  for (const r of builtInRows()) byCode.set(r.code, r);
  if (overrides) applyOverrides(byCode, overrides);

  const all: CodeRow[] = [...byCode.values()];
  const slot = new Uint16Array(SLOTS); // row index + 1; 0 = not in the table
  const longRows: CodeRow[] = [];
  const longBytes: Uint8Array[] = [];
  for (let i = 0; i < all.length; i++) {
    const r = all[i] as CodeRow;
    // a plain loop: Uint8Array.from(code, fn) walks the string's iterator with a callback, slow in
    // code that runs once at start-up (4-7 ms for the table's ~600 codes here)
    const bytes = new Uint8Array(r.code.length);
    for (let j = 0; j < bytes.length; j++) bytes[j] = r.code.charCodeAt(j);
    const key = pack(bytes, 0, bytes.length);
    if (key !== NOT_PACKABLE) slot[key] = i + 1;
    else {
      longRows.push(r);
      longBytes.push(bytes);
    }
  }

  const genericFallback = fromSpec(FALLBACK_SPEC, FALLBACK_SPEC[0], 'fallback');
  const fallbackByKey: (CodeRow | undefined)[] = [];
  const reportedUnpackable = new Set<string>();
  const onUnknown = opts.onUnknown;
  const scratch = new Uint8Array(MAX_CODE_CHARS); // lookup(string) reads its code from here

  // The miss paths take plain arguments, never closures: a closure over lookup()'s locals would
  // make V8 allocate a context object on every call, hit or miss.
  function unknownPacked(key: number, code: string): CodeRow {
    const row = fromSpec(FALLBACK_SPEC, code, 'fallback');
    fallbackByKey[key] = row;
    onUnknown?.(code);
    return row;
  }

  function unknownUnpackable(code: string): CodeRow {
    if (onUnknown && reportedUnpackable.size < MAX_UNPACKABLE_REPORTED && !reportedUnpackable.has(code)) {
      reportedUnpackable.add(code);
      onUnknown(code);
    }
    return genericFallback;
  }

  /** The one lookup: spaces trimmed, a packed slot for codes of 1-3 characters, else the long list. */
  function lookupBytes(buf: Uint8Array, offset: number, length: number): CodeRow {
    let start = offset;
    let end = offset + length;
    if (start < 0 || end > buf.length || length < 0) return unknownUnpackable('');
    while (start < end && buf[start] === 32) start++;
    while (end > start && buf[end - 1] === 32) end--;
    const key = pack(buf, start, end);
    if (key !== NOT_PACKABLE) {
      const idx = slot[key] as number;
      if (idx !== 0) return all[idx - 1] as CodeRow;
      return fallbackByKey[key] ?? unknownPacked(key, latin1(buf, start, end).toUpperCase());
    }
    const len = end - start;
    for (let r = 0; r < longBytes.length; r++) {
      const b = longBytes[r] as Uint8Array;
      if (b.length !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (upper(buf[start + i] as number) !== b[i]) {
          same = false;
          break;
        }
      }
      if (same) return longRows[r] as CodeRow;
    }
    return unknownUnpackable(latin1(buf, start, end));
  }

  /** lookupBytes over the code's characters, copied into a reused buffer (nothing allocated). */
  function lookup(code: string): CodeRow {
    const n = code.length;
    let i = 0;
    if (n <= MAX_CODE_CHARS) {
      for (; i < n; i++) {
        const c = code.charCodeAt(i);
        if (c > 0xff) break;
        scratch[i] = c;
      }
    }
    if (i === n) return lookupBytes(scratch, 0, n);
    // longer than any code, or a character beyond Latin-1: in no table
    return unknownUnpackable(code.replace(/^ +| +$/g, ''));
  }

  return { lookup, lookupBytes, rows: () => all.slice() };
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i] as number);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Default table

// built on first use, not when the module loads: the agent and `explain` build their own table
// (with the config's overrides) and never need this one (start-up)
let defaultTable: CodeTable | undefined;

function builtInTable(): CodeTable {
  return (defaultTable ??= createCodeTable());
}

/** Looks a code up in the built-in table. Never throws; unknown → fallback row (known=false). */
export function lookupCode(code: string): CodeRow {
  return builtInTable().lookup(code);
}

/** HOT PATH: lookupCode over bytes (e.g. field 39 inside the received frame). Zero allocation. */
export function lookupCodeBytes(buf: Uint8Array, offset: number, length: number): CodeRow {
  return builtInTable().lookupBytes(buf, offset, length);
}

/** Every row of the built-in table. */
export function allRows(): CodeRow[] {
  return builtInTable().rows();
}

// ---------------------------------------------------------------------------------------------
// Mastercard merchant advice code (field 48 subelement 84)

export interface MerchantAdvice {
  retry: RetryAdvice;
  retryAfterMin: number | null;
  meaning: string;
}

/** Mastercard merchant advice codes (docs/sources.md §Merchant advice codes). */
// aligned data table (prettier-ignore keeps its rows as written)
// prettier-ignore
export const MERCHANT_ADVICE: Readonly<Record<string, MerchantAdvice>> = {
  '01': { retry: 'after_customer_action', retryAfterMin: null, meaning: 'New account information available' },
  '02': { retry: 'retry_later', retryAfterMin: null, meaning: 'Cannot approve at this time, try again later' },
  '03': { retry: 'never_same_card', retryAfterMin: null, meaning: 'Do not try again' },
  '04': { retry: 'after_customer_action', retryAfterMin: null, meaning: 'Token requirements not fulfilled for this token type' },
  '21': { retry: 'never_same_card', retryAfterMin: null, meaning: 'Payment cancellation: do not try again' },
  '24': { retry: 'retry_later', retryAfterMin: 60, meaning: 'Retry after 1 hour' },
  '25': { retry: 'retry_later', retryAfterMin: 1440, meaning: 'Retry after 24 hours' },
  '26': { retry: 'retry_later', retryAfterMin: 2880, meaning: 'Retry after 2 days' },
  '27': { retry: 'retry_later', retryAfterMin: 5760, meaning: 'Retry after 4 days' },
  '28': { retry: 'retry_later', retryAfterMin: 8640, meaning: 'Retry after 6 days' },
  '29': { retry: 'retry_later', retryAfterMin: 11520, meaning: 'Retry after 8 days' },
  '30': { retry: 'retry_later', retryAfterMin: 14400, meaning: 'Retry after 10 days' },
  '40': { retry: 'never_same_card', retryAfterMin: null, meaning: 'Consumer non-reloadable prepaid card' },
  '41': { retry: 'never_same_card', retryAfterMin: null, meaning: 'Consumer single-use virtual card number' },
};

const adviceCache = new WeakMap<CodeRow, Map<string, CodeRow>>();

/**
 * Applies a Mastercard merchant advice code to a row: the MAC overrides the table's retry advice
 * (03/21 → never_same_card, 24-30 → retry_later with minutes, ...). Exceptions, by design: an
 * approval is left alone, and a sensitive row (lost, stolen, fraud, pick-up) stays never_same_card
 * whatever the MAC says. Null, empty or unknown MAC → the row itself. Results are cached per
 * (row, MAC), so repeated calls do not allocate.
 */
export function applyMerchantAdvice(row: CodeRow, mac: string | null): CodeRow {
  if (mac === null || row.category === 'approved') return row;
  const key = mac.length === 2 ? mac : mac.trim();
  const advice = MERCHANT_ADVICE[key];
  if (!advice) return row;
  let perRow = adviceCache.get(row);
  const hit = perRow?.get(key);
  if (hit) return hit;
  const keepNever = row.sensitive && row.retry === 'never_same_card';
  const out: CodeRow = Object.freeze({
    ...row,
    retry: keepNever ? row.retry : advice.retry,
    retryAfterMin: keepNever ? null : advice.retryAfterMin,
    merchantAdvice: key,
  });
  if (!perRow) {
    perRow = new Map();
    adviceCache.set(row, perRow);
  }
  perRow.set(key, out);
  return out;
}

/** True for a row that is a decline or failure (anything but an approval). */
export function isFailure(row: CodeRow): boolean {
  return row.category !== 'approved';
}
