/**
 * MessageView: the result of decoding, as offsets and lengths into the caller's buffer. Decoding into
 * a reused view allocates nothing (`npm run bench` counts the GCs); the numeric accessors (`num`,
 * `codeInto`, `has`) allocate nothing either; strings are made only by the string accessors and
 * `panDigest` (an HMAC), when asked.
 * Card data boundary: `get()` returns the PAN (field 2, 34) masked as first 6 + last 4, and never
 * returns track data (35, 36, 45) or the PIN block (52): those stay inside the view.
 */
import { createHmac } from 'node:crypto';
import { cardBrand, maskPan } from '../card/pan.js';
import { DecodeError, decodeErrorName } from './errors.js';
import { ebcdicToLatin1 } from './encodings/ebcdic.js';
import type { Plan } from './plan.js';
import {
  byteLen,
  type CompiledDialect,
  ENC_ASCII,
  ENC_BCD,
  ENC_BINARY,
  ENC_EBCDIC,
  FIELD_SLOTS,
} from './spec.js';
import { rawText } from './text.js';

export class MessageView {
  /** Buffer of the last decode (not copied). */
  buf: Uint8Array = new Uint8Array(0);
  /** Start offset of the message in `buf`. */
  start = 0;
  dialect: CompiledDialect | null = null;
  /** MTI as a number (e.g. 210 for "0210"); -1 when not decoded. */
  mtiNum = -1;
  /** Scratch for a hex bitmap converted to binary (up to three bitmaps). */
  readonly bitmap = new Uint8Array(24);
  /** Where the binary bitmap is: in the message itself, or in `bitmap` for hex dialects. */
  bmBuf: Uint8Array = this.bitmap;
  bmOff = 0;
  /** 8, 16 with a secondary bitmap, 24 with a tertiary one. */
  bmBytes = 8;
  /** Bit 65 announces the tertiary bitmap (not a field) in this view's dialect. */
  skip65 = false;
  /**
   * Presence comes from the bitmap; after a failed decode only fields below `limit` are valid.
   * Per field the decoder stores just two numbers: where its data starts and its length in units.
   */
  limit = 0;
  /**
   * Where the fields are. After the fast walk: `plan` (fixed positions per bitmap) plus the start
   * of each step in `stepBase` and the length of each variable field in `varUnits`. After the
   * exact walk (plan null): layout[2f] is the offset of field f's data (after its length prefix),
   * layout[2f+1] its length in units (digits, characters or bytes).
   */
  plan: Plan | null = null;
  readonly stepBase = new Int32Array(FIELD_SLOTS + 1);
  readonly varUnits = new Int32Array(FIELD_SLOTS);
  readonly layout = new Int32Array(2 * FIELD_SLOTS);

  /** Offset of a present field's data in `buf`. */
  offsetOf(field: number): number {
    const pl = this.plan;
    if (pl === null) return this.layout[2 * field]!;
    return this.stepBase[pl.fieldStep[field]!]! + pl.fieldRel[field]!;
  }

  /** Length of a present field in its own units. */
  unitsOf(field: number): number {
    const pl = this.plan;
    if (pl === null) return this.layout[2 * field + 1]!;
    const u = pl.fieldUnits[field]!;
    return u >= 0 ? u : this.varUnits[field]!;
  }

  /** Error state of the last decode: 0 = ok. */
  errCode = 0;
  errField = 0;
  errOffset = 0;
  /** Extra numbers for the reason text (needed/available bytes, length found, max). */
  errA = 0;
  errB = 0;

  /** Scratch for `codeInto`: ASCII bytes of a short field (response code). */
  readonly scratch = new Uint8Array(32);

  /** Clears the fields of the previous decode (only the ones that were set). */
  reset(): void {
    this.limit = 0;
    this.plan = null;
    this.mtiNum = -1;
    this.errCode = 0;
    this.errField = 0;
    this.errOffset = 0;
    this.errA = 0;
    this.errB = 0;
  }

  get ok(): boolean {
    return this.errCode === 0;
  }

  has(field: number): boolean {
    return (
      field >= 2 &&
      field < this.limit &&
      (field - 1) >> 3 < this.bmBytes &&
      (this.bmBuf[this.bmOff + ((field - 1) >> 3)]! & (0x80 >> ((field - 1) & 7))) !== 0 &&
      !(field === 65 && this.skip65)
    );
  }

  /** Field numbers present, in order (allocates; for output, not the hot path). */
  fieldNumbers(): number[] {
    const out: number[] = [];
    for (let f = 2; f <= this.bmBytes * 8; f++) if (this.has(f)) out.push(f);
    return out;
  }

  /** Byte length of a present field's data. */
  byteLength(field: number): number {
    return byteLen(this.dialect!.enc[field]!, this.unitsOf(field));
  }

  /** The MTI as four digits, e.g. "0210". */
  mti(): string {
    return this.mtiNum < 0 ? '' : String(this.mtiNum).padStart(4, '0');
  }

  /** The error of the last decode as a typed object, or null. */
  error(): DecodeError | null {
    if (this.errCode === 0) return null;
    return new DecodeError(decodeErrorName(this.errCode), this.errField, this.errOffset, this.reason());
  }

  private reason(): string {
    switch (this.errCode) {
      case 1:
        return `truncated: needs ${this.errA} bytes, ${this.errB} left`;
      case 2:
        return this.errA < 0
          ? 'length prefix is not a number'
          : `length ${this.errA} exceeds maximum ${this.errB}`;
      case 3:
        return 'bitmap names a field this dialect does not define';
      case 4:
        return 'non-digit in a numeric field';
      case 5:
        return 'invalid hex digit';
      case 6:
        return `${this.errA} trailing bytes after the last field`;
      case 7:
        return 'MTI is not four digits';
      case 8:
        return 'invalid character in track data';
      default:
        return 'decode failed';
    }
  }

  /**
   * Copies a short text field's characters as ASCII bytes into `scratch` and returns the count
   * (-1 when absent or too long). Allocation-free: the classifier reads field 39 this way.
   */
  codeInto(field: number): number {
    if (!this.has(field) || this.dialect === null) return -1;
    const enc = this.dialect.enc[field];
    const o = this.offsetOf(field);
    const n = this.unitsOf(field);
    if (n > this.scratch.length) return -1;
    if (enc === ENC_ASCII) {
      for (let i = 0; i < n; i++) this.scratch[i] = this.buf[o + i]!;
      return n;
    }
    if (enc === ENC_EBCDIC) {
      const cp = this.dialect.codePage[field]!;
      for (let i = 0; i < n; i++) this.scratch[i] = ebcdicToLatin1(this.buf[o + i]!, cp);
      return n;
    }
    if (enc === ENC_BCD) {
      const padLeft = (n & 1) === 1 && this.dialect.padLeft[field] === 1;
      let nib = padLeft ? 1 : 0;
      for (let i = 0; i < n; i++, nib++) {
        const b = this.buf[o + (nib >> 1)]!;
        this.scratch[i] = 48 + ((nib & 1) === 0 ? b >> 4 : b & 15);
      }
      return n;
    }
    return -1;
  }

  /**
   * A numeric field's value as a number (up to 15 digits), or -1 when absent or not numeric.
   * Allocation-free.
   */
  num(field: number): number {
    if (!this.has(field) || this.dialect === null) return -1;
    const enc = this.dialect.enc[field];
    const o = this.offsetOf(field);
    const n = this.unitsOf(field);
    if (n > 15) return -1;
    let v = 0;
    if (enc === ENC_ASCII || enc === ENC_EBCDIC) {
      const zero = enc === ENC_ASCII ? 48 : 0xf0;
      for (let i = 0; i < n; i++) {
        const d = this.buf[o + i]! - zero;
        if (d < 0 || d > 9) return -1;
        v = v * 10 + d;
      }
      return v;
    }
    if (enc === ENC_BCD) {
      let nib = (n & 1) === 1 && this.dialect.padLeft[field] === 1 ? 1 : 0;
      for (let i = 0; i < n; i++, nib++) {
        const b = this.buf[o + (nib >> 1)]!;
        const d = (nib & 1) === 0 ? b >> 4 : b & 15;
        if (d > 9) return -1;
        v = v * 10 + d;
      }
      return v;
    }
    return -1;
  }

  /**
   * A field's value as a string, for output: text as is, numerics as digits, binary as uppercase
   * hex, the PAN masked. Returns undefined for absent fields, for secret card data (tracks, PIN
   * block), which never leave the decoder, and for EMV data (field 55), which leaves only through
   * the safe-tag filter (describe.ts emvTags over binarySpan).
   */
  get(field: number): string | undefined {
    if (!this.has(field) || this.dialect === null) return undefined;
    const sens = this.dialect.sensitive[field];
    if (sens === 2 || sens === 3) return undefined;
    const v = this.rawString(field);
    return sens === 1 ? maskPan(v) : v;
  }

  /** True when the field is present but withheld by the card-data rules. */
  isRedacted(field: number): boolean {
    return this.has(field) && this.dialect !== null && this.dialect.sensitive[field] === 2;
  }

  /** Masked PAN (field 2), or null. */
  panMasked(): string | null {
    return this.get(2) ?? null;
  }

  /** Card brand from the PAN's leading digits, or null. Does not expose the PAN. */
  cardBrand(): string | null {
    if (!this.has(2)) return null;
    return cardBrand(this.rawString(2));
  }

  /**
   * A keyed hash of the PAN (HMAC-SHA256 with a device secret, 32 hex chars) to recognise the same
   * card without keeping its number. Null when there is no PAN. Allocates (an HMAC object, the PAN
   * and the hex string): the pipeline calls it for a decline, before its prompt.
   */
  panDigest(key: Uint8Array | string): string | null {
    if (!this.has(2)) return null;
    return createHmac('sha256', key).update(this.rawString(2)).digest('hex').slice(0, 32);
  }

  /**
   * Offset and length of a binary field's raw bytes (field 55 for the TLV reader), or null. Not for
   * secret fields or the PAN.
   */
  binarySpan(field: number): { offset: number; length: number } | null {
    if (!this.has(field) || this.dialect === null) return null;
    const sens = this.dialect.sensitive[field];
    if (this.dialect.enc[field] !== ENC_BINARY || sens === 1 || sens === 2) return null;
    return { offset: this.offsetOf(field), length: this.unitsOf(field) };
  }

  /**
   * EMV data carried as text (hex characters in the ascii-hex dialect), for the safe-tag filter in
   * describe.ts only. Null unless the field is marked `emv` and is not binary.
   */
  emvText(field: number): string | null {
    if (!this.has(field) || this.dialect === null || this.dialect.sensitive[field] !== 3) return null;
    if (this.dialect.enc[field] === ENC_BINARY) return null;
    return this.rawString(field);
  }

  /** Decodes a field to a string without the card-data rules. Internal to the boundary. */
  private rawString(field: number): string {
    const d = this.dialect!;
    return rawText(d.packed[field]!, d.codePage[field]!, this.buf, this.offsetOf(field), this.unitsOf(field));
  }
}
