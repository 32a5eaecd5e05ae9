/**
 * ISO 8583 decoder. HOT PATH: fills a reused MessageView with field offsets and lengths and
 * allocates nothing while the message buffer stays the same (no strings, no subarrays, no
 * closures, no exceptions; one DataView when the buffer changes, and the framers reuse theirs).
 * `npm run bench` counts the GCs over a million decodes: 0.
 *
 * Two walks share one set of rules:
 * - the fast walk follows a plan compiled once per distinct bitmap (hosts send few of them): runs of
 *   consecutive fixed-length fields are bounds-checked once and their digits validated four bytes at
 *   a time; variable fields are read one by one. It only answers "valid or not".
 * - the exact walk goes field by field and, for a bad message, records the typed error (field
 *   number, byte offset, reason). It runs only when the fast walk says no, so bad input costs more
 *   and good input costs little (alone it takes ~3.8x the fast walk's time on a typical response:
 *   `npm run bench`, plan_gain; docs/codec.md §Speed).
 * Every read is bounds-checked against `end`.
 */
import { allDigits, contentErrCode, contentError } from './content.js';
import { ebcdicHexVal, hexVal } from './encodings/binary.js';
import { readPrefix } from './encodings/prefix.js';
import { DecodeErrorCode as E, FIELD_BITMAP, FIELD_MTI } from './errors.js';
import {
  byteLen,
  type CompiledDialect,
  ENC_BINARY,
  PK_LENGTH_SHIFT,
  PK_PREFIX_BYTES_SHIFT,
  PK_PREFIX_ENC_SHIFT,
} from './spec.js';
import { buildPlan, type Plan, planCacheOf, STEP_RUN, STEP_VAR } from './plan.js';
import type { MessageView } from './view.js';

/** `limit` of a view whose every field was decoded. */
const FIELD_LIMIT = 193;

// ---------------------------------------------------------------------------------------------
// Shared rules (content checks: content.ts; length prefixes: encodings/prefix.ts)

// One DataView per underlying ArrayBuffer, cached: the framer hands us the same buffer again and
// again, so this allocates only when the buffer changes.
// Keyed by the Uint8Array object itself (an identity check is cheaper than reading .buffer).
let dvBuf: Uint8Array | null = null;
let dvCached: DataView = new DataView(new ArrayBuffer(0));
let dvBuf2: Uint8Array | null = null;
let dvCached2: DataView = dvCached;
function dataViewOf(buf: Uint8Array): DataView {
  if (buf === dvBuf) return dvCached;
  if (buf === dvBuf2) return dvCached2;
  // two slots: the message buffer and a view's own bitmap scratch alternate in hex dialects
  dvBuf2 = dvBuf;
  dvCached2 = dvCached;
  dvBuf = buf;
  dvCached = new DataView(buf.buffer);
  return dvCached;
}

// ---------------------------------------------------------------------------------------------
// MTI and bitmap (both walks)

function fail(v: MessageView, code: number, field: number, offset: number, a: number, b: number): false {
  v.limit = field; // fields below the failing one were decoded
  v.errCode = code;
  v.errField = field;
  v.errOffset = offset - v.start;
  v.errA = a;
  v.errB = b;
  return false;
}

/** Reads MTI and bitmap into the view; returns the offset of the first field, or -1 on error. */
function readHeader(
  d: CompiledDialect,
  buf: Uint8Array,
  start: number,
  end: number,
  view: MessageView,
): number {
  let p = start;
  if (d.mtiBcd) {
    if (end - p < 2) return (fail(view, E.Truncated, FIELD_MTI, p, 2, end - p), -1);
    const b0 = buf[p]!;
    const b1 = buf[p + 1]!;
    if (b0 >> 4 > 9 || (b0 & 15) > 9 || b1 >> 4 > 9 || (b1 & 15) > 9)
      return (fail(view, E.BadMti, FIELD_MTI, p, 0, 0), -1);
    view.mtiNum = (b0 >> 4) * 1000 + (b0 & 15) * 100 + (b1 >> 4) * 10 + (b1 & 15);
    p += 2;
  } else {
    if (end - p < 4) return (fail(view, E.Truncated, FIELD_MTI, p, 4, end - p), -1);
    const zero = d.mtiEbcdic ? 0xf0 : 48;
    let m = 0;
    for (let i = 0; i < 4; i++) {
      const c = buf[p + i]! - zero;
      if (c < 0 || c > 9) return (fail(view, E.BadMti, FIELD_MTI, p, 0, 0), -1);
      m = m * 10 + c;
    }
    view.mtiNum = m;
    p += 4;
  }

  // Primary bitmap, the secondary when bit 1 is set, and in a dialect with a tertiary bitmap the
  // third when bit 65 is set (all three one after the other). A binary bitmap is read in place; a
  // hex one (ASCII or EBCDIC characters) is converted into view.bitmap.
  let n = 8;
  if (d.bitmapHex) {
    const bm = view.bitmap;
    const ebcdic = d.bitmapEbcdic;
    for (let part = 0; part * 8 < n; part++) {
      if (end - p < 16) return (fail(view, E.Truncated, FIELD_BITMAP, p, 16, end - p), -1);
      for (let i = 0; i < 8; i++) {
        const c0 = buf[p + 2 * i]!;
        const c1 = buf[p + 2 * i + 1]!;
        const hi = ebcdic ? ebcdicHexVal(c0) : hexVal(c0);
        const lo = ebcdic ? ebcdicHexVal(c1) : hexVal(c1);
        if (hi < 0 || lo < 0) return (fail(view, E.BadHex, FIELD_BITMAP, p + 2 * i, 0, 0), -1);
        bm[part * 8 + i] = (hi << 4) | lo;
      }
      p += 16;
      if (part === 0 && (bm[0]! & 0x80) !== 0) n = 16;
      else if (part === 1 && d.tertiary && (bm[8]! & 0x80) !== 0) n = 24;
    }
    view.bmBuf = bm;
    view.bmOff = 0;
  } else {
    if (end - p < 8) return (fail(view, E.Truncated, FIELD_BITMAP, p, 8, end - p), -1);
    if ((buf[p]! & 0x80) !== 0) {
      n = 16;
      if (end - p < 16) return (fail(view, E.Truncated, FIELD_BITMAP, p + 8, 8, end - p - 8), -1);
      if (d.tertiary && (buf[p + 8]! & 0x80) !== 0) {
        n = 24;
        if (end - p < 24) return (fail(view, E.Truncated, FIELD_BITMAP, p + 16, 8, end - p - 16), -1);
      }
    }
    view.bmBuf = buf;
    view.bmOff = p;
    p += n;
  }
  view.bmBytes = n;
  view.skip65 = d.tertiary;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Plans: the field walk compiled per bitmap (see plan.ts)

function planFor(d: CompiledDialect, bm: Uint8Array, off: number, n: number): Plan {
  const cache = planCacheOf(d);
  // bitmap as 32-bit words for a cheap comparison against the cached plans
  const dv = dataViewOf(bm);
  const base = bm.byteOffset + off;
  const k0 = dv.getInt32(base);
  const k1 = dv.getInt32(base + 4);
  const k2 = n >= 16 ? dv.getInt32(base + 8) : 0;
  const k3 = n >= 16 ? dv.getInt32(base + 12) : 0;
  const k4 = n === 24 ? dv.getInt32(base + 16) : 0;
  const k5 = n === 24 ? dv.getInt32(base + 20) : 0;
  const plans = cache.plans;
  for (let i = 0; i < plans.length; i++) {
    const pl = plans[i]!;
    if (
      pl.k0 === k0 &&
      pl.k1 === k1 &&
      pl.k2 === k2 &&
      pl.k3 === k3 &&
      pl.k4 === k4 &&
      pl.k5 === k5 &&
      pl.bytes === n
    )
      return pl;
  }
  const plan = buildPlan(d, bm, off, n, [k0, k1, k2, k3, k4, k5]);
  cache.add(plan);
  return plan;
}

/** The fast walk. Returns true when the message is valid (view filled), false to fall back. */
function fastWalk(d: CompiledDialect, buf: Uint8Array, p: number, end: number, view: MessageView): boolean {
  const plan = planFor(d, view.bmBuf, view.bmOff, view.bmBytes);
  const ops = plan.ops;
  const stepBase = view.stepBase;
  const varUnits = view.varUnits;
  const dv = dataViewOf(buf);
  let i = 0;
  const nOps = ops.length;
  while (i < nOps) {
    const step = ops[i]!;
    if (step === STEP_RUN) {
      // [STEP_RUN, runBytes, stepIndex, nRanges, (rel, len)×n, nOther, (spec, rel, units)×n]
      const runBytes = ops[i + 1]!;
      if (end - p < runBytes) return false;
      stepBase[ops[i + 2]!] = p;
      const nr = ops[i + 3]!;
      i += 4;
      for (let k = 0; k < nr; k++, i += 2) if (!allDigits(buf, dv, p + ops[i]!, ops[i + 1]!)) return false;
      const no = ops[i++]!;
      for (let k = 0; k < no; k++, i += 3) {
        const spec = ops[i]!;
        const units = ops[i + 2]!;
        if (contentError(spec, buf, dv, p + ops[i + 1]!, byteLen(spec & 7, units), units) >= 0) return false;
      }
      p += runBytes;
    } else if (step === STEP_VAR) {
      // [STEP_VAR, f, spec, stepIndex]
      const f = ops[i + 1]!;
      const spec = ops[i + 2]!;
      const pb = (spec >>> PK_PREFIX_BYTES_SHIFT) & 7;
      if (end - p < pb) return false;
      const units = readPrefix((spec >>> PK_PREFIX_ENC_SHIFT) & 7, buf, p, pb);
      if (units < 0 || units > spec >>> PK_LENGTH_SHIFT) return false;
      p += pb;
      const bl = byteLen(spec & 7, units);
      if (end - p < bl) return false;
      if ((spec & 7) !== ENC_BINARY && contentError(spec, buf, dv, p, bl, units) >= 0) return false;
      stepBase[ops[i + 3]!] = p;
      varUnits[f] = units;
      p += bl;
      i += 4;
    } else {
      return false; // a field the dialect does not define
    }
  }
  if (p !== end) return false;
  view.plan = plan;
  return true;
}

/** The exact walk: field by field, recording the first error precisely. */
function exactWalk(d: CompiledDialect, buf: Uint8Array, p: number, end: number, view: MessageView): boolean {
  view.plan = null;
  const lay = view.layout;
  const dv = dataViewOf(buf);
  const bm = view.bmBuf;
  const bmOff = view.bmOff;
  let lastField = FIELD_BITMAP; // trailing bytes are reported against the last field decoded
  const top = view.bmBytes * 8;
  for (let f = 2; f <= top; f++) {
    if ((bm[bmOff + ((f - 1) >> 3)]! & (0x80 >> ((f - 1) & 7))) === 0) continue;
    if (f === 65 && d.tertiary) continue; // the third bitmap's bit
    const spec = d.packed[f]!;
    const e = spec & 7;
    if (e === 0) return fail(view, E.UnknownField, f, p, 0, 0);
    const max = spec >>> PK_LENGTH_SHIFT;
    let units = max;
    const pb = (spec >>> PK_PREFIX_BYTES_SHIFT) & 7;
    if (pb !== 0) {
      if (end - p < pb) return fail(view, E.Truncated, f, p, pb, end - p);
      units = readPrefix((spec >>> PK_PREFIX_ENC_SHIFT) & 7, buf, p, pb);
      if (units < 0) return fail(view, E.BadLength, f, p, -1, 0);
      if (units > max) return fail(view, E.BadLength, f, p, units, max);
      p += pb;
    }
    const bl = byteLen(e, units);
    if (end - p < bl) return fail(view, E.Truncated, f, p, bl, end - p);
    const bad = contentError(spec, buf, dv, p, bl, units);
    if (bad >= 0) return fail(view, contentErrCode, f, bad, 0, 0);
    lay[2 * f] = p;
    lay[2 * f + 1] = units;
    p += bl;
    lastField = f;
  }
  if (p !== end) {
    fail(view, E.Trailing, lastField, p, end - p, 0);
    view.limit = FIELD_LIMIT; // every field decoded; the bytes after them are the problem
    return false;
  }
  view.limit = FIELD_LIMIT;
  return true;
}

/** Resets the view onto a new message and reads its MTI and bitmap: the offset of the first field, or -1. */
function begin(d: CompiledDialect, buf: Uint8Array, start: number, end: number, view: MessageView): number {
  view.reset();
  view.buf = buf;
  view.start = start;
  view.dialect = d;
  return readHeader(d, buf, start, Math.min(end, buf.length), view);
}

/**
 * Decodes buf[start, end) into `view`. Returns true on success; on failure the view holds the
 * error (view.error() builds the typed object) and the fields decoded before it.
 */
export function decodeInto(
  d: CompiledDialect,
  buf: Uint8Array,
  start: number,
  end: number,
  view: MessageView,
): boolean {
  const p = begin(d, buf, start, end, view);
  if (p < 0) return false;
  if (end > buf.length) end = buf.length;
  if (fastWalk(d, buf, p, end, view)) {
    view.limit = FIELD_LIMIT;
    return true;
  }
  return exactWalk(d, buf, p, end, view);
}

/** The exact walk alone (tests check that both walks agree). */
export function decodeIntoExact(
  d: CompiledDialect,
  buf: Uint8Array,
  start: number,
  end: number,
  view: MessageView,
): boolean {
  const p = begin(d, buf, start, end, view);
  if (p < 0) return false;
  return exactWalk(d, buf, p, Math.min(end, buf.length), view);
}
