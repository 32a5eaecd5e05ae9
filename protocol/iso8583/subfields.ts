/**
 * SubfieldReader: reads a composite field's subfields (composite.ts) in place, on demand. A cursor
 * like the TLV reader: `begin(view, field)` then `next()` walks the subfields present, `find(view,
 * field, key)` stops at one; the current subfield is `key`, `offset`, `units`, `byteLength`. Only
 * the subfields before the one asked for are walked, and nothing is allocated (keep one reader and
 * reuse it); `get()` makes the string of one value, card-data rules applied.
 * A walk stops at bad data with `error` (a DecodeErrorCode) and `errorOffset`.
 */
import {
  COMP_BITMAP,
  COMP_POSITIONAL,
  COMP_TLV_BER,
  type CompiledComposite,
  SUB_PAN,
  SUB_PUBLIC,
  SUB_SECRET,
} from './composite.js';
import { contentErrCode, contentError } from './content.js';
import { ebcdicHexVal, hexVal } from './encodings/binary.js';
import { ebcdicToLatin1 } from './encodings/ebcdic.js';
import { readPrefix } from './encodings/prefix.js';
import { DecodeErrorCode as E } from './errors.js';
import {
  byteLen,
  ENC_ASCII,
  ENC_BINARY,
  ENC_EBCDIC,
  PK_LENGTH_SHIFT,
  PK_PREFIX_BYTES_SHIFT,
  PK_PREFIX_ENC_SHIFT,
} from './spec.js';
import { rawText } from './text.js';
import { TlvReader } from './tlv.js';
import type { MessageView } from './view.js';
import { maskPan } from '../card/pan.js';

/** Packed words of the elements of character TLV (text) and BER-TLV (binary). */
const WORD_TEXT = ENC_ASCII;
const WORD_TEXT_EBCDIC = ENC_EBCDIC;
const WORD_BINARY = ENC_BINARY;

let dvBuf: Uint8Array | null = null;
let dv: DataView = new DataView(new ArrayBuffer(0));
function dataViewOf(buf: Uint8Array): DataView {
  if (buf !== dvBuf) {
    dvBuf = buf;
    dv = new DataView(buf.buffer);
  }
  return dv;
}

/** Effective card-data rule of a subfield: 0 shown, 1 masked as a PAN, 2 withheld, 3 EMV filter. */
export function subfieldSensitivity(parent: number, flags: number, ber: boolean): number {
  if ((flags & SUB_SECRET) !== 0) return 2;
  const own = (flags & SUB_PAN) !== 0 ? 1 : 0;
  if (parent === 2 || parent === 1) return (flags & SUB_PUBLIC) !== 0 ? own : 2;
  if (parent === 3) return ber ? 3 : (flags & SUB_PUBLIC) !== 0 ? own : 2;
  return own;
}

export class SubfieldReader {
  /** Subfield number (positional, bitmap) or tag key (TLV, composite.ts tagKey); -1 for the lead. */
  key = 0;
  /** Where the current subfield's element starts (its prefix or tag) and its data starts. */
  start = 0;
  offset = 0;
  units = 0;
  byteLength = 0;
  /** Packed spec word of the current subfield (spec.ts layout). */
  word = 0;
  /** Code page index of the current subfield. */
  codePage = 0;
  error = 0;
  errorOffset = 0;
  /** The subfield being read when the walk stopped (its number), or -2 when not known. */
  errorKey = -2;
  buf: Uint8Array = new Uint8Array(0);
  comp: CompiledComposite | null = null;
  /** The parent field's sensitivity code (spec.ts sensitivityCode). */
  parentSensitivity = 0;
  /** Offsets of the parent field's data. */
  begin0 = 0;
  end = 0;

  private p = 0;
  private idx = 0;
  private leadPending = false;
  private readonly bitmap = new Uint8Array(16);
  private readonly tlv = new TlvReader();

  /** Positions the cursor before the first subfield. False when the field is absent or not composite. */
  begin(view: MessageView, field: number): boolean {
    const d = view.dialect;
    this.comp = null;
    this.error = 0;
    if (d === null || !view.has(field)) return false;
    const c = d.composites[field];
    if (c === undefined) return false;
    const o = view.offsetOf(field);
    return this.beginAt(c, view.buf, o, o + view.byteLength(field), d.sensitive[field]!);
  }

  /** The same over any byte range (a composite outside a view: tests, tools). */
  beginAt(c: CompiledComposite, buf: Uint8Array, start: number, end: number, parentSensitivity = 0): boolean {
    this.comp = c;
    this.buf = buf;
    this.begin0 = start;
    this.end = end;
    this.parentSensitivity = parentSensitivity;
    this.error = 0;
    this.errorKey = -2;
    this.idx = 0;
    this.key = 0;
    let p = start;
    this.leadPending = false;
    if (c.kind === COMP_BITMAP) {
      p += c.header;
      const n = c.bitmapBytes;
      const chars = c.bitmapEnc === 0 ? n : 2 * n;
      if (end - p < chars) return this.fail(E.Truncated, p);
      if (c.bitmapEnc === 0) for (let i = 0; i < n; i++) this.bitmap[i] = buf[p + i]!;
      else {
        const ebcdic = c.bitmapEnc === 2;
        for (let i = 0; i < n; i++) {
          const hi = ebcdic ? ebcdicHexVal(buf[p + 2 * i]!) : hexVal(buf[p + 2 * i]!);
          const lo = ebcdic ? ebcdicHexVal(buf[p + 2 * i + 1]!) : hexVal(buf[p + 2 * i + 1]!);
          if (hi < 0 || lo < 0) return this.fail(E.BadHex, p + 2 * i);
          this.bitmap[i] = (hi << 4) | lo;
        }
      }
      p += chars;
    } else if (c.kind === COMP_TLV_BER) {
      this.tlv.reset(buf, start + c.lead, end);
      this.leadPending = c.lead > 0;
      if (end - start < c.lead) return this.fail(E.Truncated, start);
    } else if (c.lead > 0) {
      this.leadPending = true;
      if (end - start < c.lead) return this.fail(E.Truncated, start);
    }
    this.p = p;
    return true;
  }

  /** Advances to the next subfield present; false at the end or on bad data (see `error`). */
  next(): boolean {
    const c = this.comp;
    if (c === null || this.error !== 0) return false;
    if (this.leadPending) {
      // the lead: opaque characters before the first element, shown as subfield "lead"
      this.leadPending = false;
      this.key = -1;
      this.start = this.offset = this.begin0;
      this.units = this.byteLength = c.lead;
      this.word = c.charsEbcdic ? WORD_TEXT_EBCDIC : WORD_TEXT;
      this.codePage = 0;
      this.p = this.begin0 + c.lead;
      return true;
    }
    if (c.kind === COMP_POSITIONAL) {
      if (this.p >= this.end || this.idx >= c.order.length) return false;
      return this.readSub(c, c.order[this.idx++]!);
    }
    if (c.kind === COMP_BITMAP) {
      const bits = c.bitmapBytes * 8;
      while (this.idx < bits) {
        const k = ++this.idx;
        if ((this.bitmap[(k - 1) >> 3]! & (0x80 >> ((k - 1) & 7))) === 0) continue;
        if (c.subs[k] === undefined) {
          this.errorKey = k;
          return this.fail(E.UnknownField, this.p);
        }
        return this.readSub(c, k);
      }
      if (this.p !== this.end) return this.fail(E.Trailing, this.p);
      return false;
    }
    if (c.kind === COMP_TLV_BER) {
      const r = this.tlv;
      if (!r.next()) return r.error !== 0 ? this.fail(E.BadLength, r.pos) : false;
      this.key = r.tag;
      this.start = r.elementOffset;
      this.offset = r.valueOffset;
      this.units = this.byteLength = r.valueLength;
      this.word = WORD_BINARY;
      return true;
    }
    return this.readCharsTlv(c);
  }

  /** Moves to the subfield `key` of `field` (a number, or composite.ts tagKey for TLV). */
  find(view: MessageView, field: number, key: number): boolean {
    if (!this.begin(view, field)) return false;
    while (this.next()) if (this.key === key) return true;
    return false;
  }

  /** The current subfield's card-data rule (subfieldSensitivity). */
  sensitivity(): number {
    const c = this.comp!;
    const flags =
      c.kind === COMP_TLV_BER || c.kind > COMP_TLV_BER ? (c.tagFlags.get(this.key) ?? 0) : c.flags[this.key]!;
    return subfieldSensitivity(this.parentSensitivity, flags, c.kind === COMP_TLV_BER);
  }

  /** The current value as a string, PAN masked; undefined when withheld (secret or EMV). */
  get(): string | undefined {
    const s = this.sensitivity();
    if (s === 2 || s === 3) return undefined;
    const v = rawText(this.word, this.codePage, this.buf, this.offset, this.units);
    return s === 1 ? maskPan(v) : v;
  }

  /**
   * Copies a short text or digit value's characters as ASCII into `out` (-1 when withheld, too long,
   * or binary). Allocation-free.
   */
  codeInto(out: Uint8Array): number {
    const s = this.sensitivity();
    if (s === 2 || s === 3 || this.units > out.length) return -1;
    const e = this.word & 7;
    if (e !== ENC_ASCII && e !== ENC_EBCDIC) return -1;
    for (let i = 0; i < this.units; i++) {
      const b = this.buf[this.offset + i]!;
      out[i] = e === ENC_EBCDIC ? ebcdicToLatin1(b, this.codePage) : b;
    }
    return this.units;
  }

  /** Name of the current subfield from its spec ("" when the spec does not name it). */
  name(): string {
    const c = this.comp!;
    if (this.key === -1) return (c.spec.kind === 'tlv' && c.spec.leadName) || 'Lead';
    if (c.kind === COMP_POSITIONAL || c.kind === COMP_BITMAP) return c.subs[this.key]?.name ?? '';
    return c.tagNames.get(this.key) ?? '';
  }

  private readSub(c: CompiledComposite, k: number): boolean {
    this.errorKey = k;
    const word = c.packed[k]!;
    const buf = this.buf;
    let p = this.p;
    const start = p;
    const pb = (word >>> PK_PREFIX_BYTES_SHIFT) & 7;
    const max = word >>> PK_LENGTH_SHIFT;
    let units = max;
    if (pb !== 0) {
      if (this.end - p < pb) return this.fail(E.Truncated, p);
      units = readPrefix((word >>> PK_PREFIX_ENC_SHIFT) & 7, buf, p, pb);
      if (units < 0 || units > max) return this.fail(E.BadLength, p);
      p += pb;
    }
    const bl = byteLen(word & 7, units);
    if (this.end - p < bl) return this.fail(E.Truncated, p);
    const bad = contentError(word, buf, dataViewOf(buf), p, bl, units);
    if (bad >= 0) return this.fail(contentErrCode, bad);
    this.key = k;
    this.start = start;
    this.offset = p;
    this.units = units;
    this.byteLength = bl;
    this.word = word;
    this.codePage = c.codePage[k]!;
    this.p = p + bl;
    return true;
  }

  private readCharsTlv(c: CompiledComposite): boolean {
    const buf = this.buf;
    let p = this.p;
    if (p >= this.end) return false;
    const need = c.tagChars + c.lengthDigits;
    if (this.end - p < need) return this.fail(E.Truncated, p);
    const start = p;
    const tagAt = c.lengthFirst ? p + c.lengthDigits : p;
    const lenAt = c.lengthFirst ? p : p + c.tagChars;
    let key = 0;
    for (let i = 0; i < c.tagChars; i++)
      key = key * 256 + (c.charsEbcdic ? ebcdicToLatin1(buf[tagAt + i]!, 0) : buf[tagAt + i]!);
    let len = readPrefix(c.charsEbcdic ? 4 : 1, buf, lenAt, c.lengthDigits);
    if (c.lengthIncludesTag) len -= c.tagChars;
    if (len < 0) return this.fail(E.BadLength, lenAt);
    p += need;
    if (this.end - p < len) return this.fail(E.Truncated, p);
    this.key = key;
    this.start = start;
    this.offset = p;
    this.units = this.byteLength = len;
    this.word = c.charsEbcdic ? WORD_TEXT_EBCDIC : WORD_TEXT;
    this.codePage = 0;
    this.p = p + len;
    return true;
  }

  private fail(code: number, offset: number): false {
    this.error = code;
    this.errorOffset = offset;
    return false;
  }
}
