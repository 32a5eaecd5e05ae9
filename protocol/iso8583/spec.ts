/**
 * Field specifications as data, in the style of jPOS packagers and moov-io/iso8583 specs: a field
 * is a content type × length type × encodings. A dialect is the set of encoding choices applied to
 * the ISO 8583:1987 field table (fields-1987.ts), plus per-field overrides. `compileDialect` turns
 * that description into flat typed arrays that the decoder walks without allocating.
 */

/** Content types: n numeric, a alpha, an/ans alphanumeric (+special), ns numeric+special,
 *  z track data (digits and '='), b binary, xn sign character C/D followed by digits (amounts). */
export type FieldType = 'n' | 'a' | 'an' | 'ans' | 'ns' | 'z' | 'b' | 'xn';

/** Number of length-prefix digits: 0 fixed, 2 LLVAR, 3 LLLVAR. */
export type PrefixDigits = 0 | 2 | 3;

/** How the data bytes are encoded. `hex` is binary data written as hex-ASCII (jPOS IFA_BINARY). */
export type DataEncoding = 'ascii' | 'bcd' | 'binary' | 'hex';

/** How a length prefix is encoded: ASCII digits, BCD (LL = 1 byte, LLL = 2 bytes), or a binary count. */
export type PrefixEncoding = 'ascii' | 'bcd' | 'binary';

/** Which side of an odd-length BCD value carries the pad nibble. */
export type BcdPad = 'left' | 'right';

/** Card-data sensitivity: a `pan` leaves the decoder only masked; `secret` never leaves it. */
/** `emv`: TLV that may carry track-equivalent data (57) or the PAN (5A): only safe tags leave. */
export type Sensitivity = 'pan' | 'secret' | 'emv';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Maximum length in the field's units: digits or characters, or bytes for binary fields. */
  length: number;
  prefix: PrefixDigits;
}

export interface FieldSpec extends FieldDef {
  encoding: DataEncoding;
  prefixEncoding: PrefixEncoding;
  pad: BcdPad;
  sensitivity?: Sensitivity;
}

export interface DialectDef {
  name: string;
  description: string;
  mti: 'ascii' | 'bcd';
  bitmap: 'binary' | 'hex';
  /** Encoding of n, z and xn fields: ASCII digits or packed BCD. */
  numeric: 'ascii' | 'bcd';
  /** Encoding of length prefixes. */
  prefix: PrefixEncoding;
  /** Binary fields as raw bytes or hex-ASCII. */
  binary: 'binary' | 'hex';
  /** Pad side for odd-length BCD fixed fields and for variable fields. */
  bcdPadFixed: BcdPad;
  bcdPadVariable: BcdPad;
  /** Base field table: ISO 8583:1987 (fields-1987.ts) or 1993 (fields-1993.ts). */
  fields: Readonly<Record<number, FieldDef>>;
  /** Per-field replacements applied after the encoding rules (partial). */
  overrides?: Readonly<Record<number, Partial<FieldSpec>>>;
}

/** Card data of ISO 8583:1987 (PCI DSS 3.3.1, docs/sources.md §Card data rules). */
export const DEFAULT_SENSITIVITY: Readonly<Record<number, Sensitivity>> = {
  2: 'pan',
  14: 'secret', // expiration date
  34: 'pan', // PAN extended
  35: 'secret', // track 2
  36: 'secret', // track 3
  45: 'secret', // track 1
  48: 'secret', // additional data, private: Mastercard DE 48 SE 92 carries the CVC2
  52: 'secret', // PIN block
  55: 'emv', // ICC data: whitelisted tags only (tlv.ts SAFE_EMV_TAGS)
  // MACs: key-derived, of no use on a screen or in a report, and shaped exactly like a PIN block
  // (8 opaque bytes): a damaged bitmap that drops bit 52 and sets 64 would print the PIN block here.
  64: 'secret', // message authentication code (primary)
  96: 'secret', // message security code
  128: 'secret', // message authentication code (secondary)
};

// Compiled representation: one slot per field number 0..128 in flat typed arrays.
export const ENC_ASCII = 1;
export const ENC_BCD = 2;
export const ENC_BINARY = 3;
export const ENC_HEX = 4;
export const ENC_XN_BCD = 5; // one ASCII sign byte + BCD digits

export const CHK_NONE = 0;
export const CHK_DIGITS = 1;
export const CHK_TRACK = 2; // digits and '=' (ASCII) / nibble D (BCD)
export const CHK_XN = 3;

export interface CompiledDialect {
  readonly name: string;
  readonly def: DialectDef;
  readonly specs: readonly (FieldSpec | undefined)[];
  readonly mtiBcd: boolean;
  readonly bitmapHex: boolean;
  /** 0 = field not defined in this dialect. */
  readonly enc: Uint8Array;
  readonly check: Uint8Array;
  readonly maxLen: Uint16Array;
  /** Prefix size in bytes (0 fixed). */
  readonly prefixBytes: Uint8Array;
  /** 1 ascii, 2 bcd, 3 binary. */
  readonly prefixEnc: Uint8Array;
  /** 1 when BCD pad nibble is on the left. */
  readonly padLeft: Uint8Array;
  /** 0 none, 1 pan, 2 secret, 3 emv. */
  readonly sensitive: Uint8Array;
  /**
   * The same facts packed into one word per field for the decoder's hot loop (one load per field):
   * bits 0-2 enc, 3-4 check, 5-6 prefix bytes, 7-8 prefix encoding, 9 pad-left, 12-25 max length.
   */
  readonly packed: Int32Array;
}

export const MAX_FIELD_LENGTH = 16383;

export function fieldSpecsOf(def: DialectDef): (FieldSpec | undefined)[] {
  const specs: (FieldSpec | undefined)[] = new Array(129).fill(undefined);
  for (let id = 2; id <= 128; id++) {
    const base = def.fields[id];
    if (!base) continue;
    const numericLike = base.type === 'n' || base.type === 'z' || base.type === 'xn';
    let encoding: DataEncoding;
    if (base.type === 'b') encoding = def.binary;
    else if (numericLike) encoding = def.numeric;
    else encoding = 'ascii';
    const spec: FieldSpec = {
      ...base,
      encoding,
      prefixEncoding: def.prefix,
      pad: base.prefix === 0 ? def.bcdPadFixed : def.bcdPadVariable,
    };
    const sens = DEFAULT_SENSITIVITY[id];
    if (sens) spec.sensitivity = sens;
    const ov = def.overrides?.[id];
    specs[id] = ov ? { ...spec, ...ov } : spec;
  }
  return specs;
}

export function compileDialect(def: DialectDef): CompiledDialect {
  const specs = fieldSpecsOf(def);
  const enc = new Uint8Array(129);
  const check = new Uint8Array(129);
  const maxLen = new Uint16Array(129);
  const prefixBytes = new Uint8Array(129);
  const prefixEnc = new Uint8Array(129);
  const padLeft = new Uint8Array(129);
  const sensitive = new Uint8Array(129);
  const packed = new Int32Array(129);
  for (let id = 2; id <= 128; id++) {
    const s = specs[id];
    if (!s) continue;
    enc[id] =
      s.encoding === 'ascii'
        ? ENC_ASCII
        : s.encoding === 'binary'
          ? ENC_BINARY
          : s.encoding === 'hex'
            ? ENC_HEX
            : s.type === 'xn'
              ? ENC_XN_BCD
              : ENC_BCD;
    check[id] =
      s.type === 'n' ? CHK_DIGITS : s.type === 'z' ? CHK_TRACK : s.type === 'xn' ? CHK_XN : CHK_NONE;
    maxLen[id] = s.length;
    prefixEnc[id] = s.prefixEncoding === 'ascii' ? 1 : s.prefixEncoding === 'bcd' ? 2 : 3;
    prefixBytes[id] =
      s.prefix === 0
        ? 0
        : s.prefixEncoding === 'ascii'
          ? s.prefix
          : s.prefixEncoding === 'bcd'
            ? s.prefix === 2
              ? 1
              : 2
            : s.prefix === 2
              ? 1
              : 2;
    padLeft[id] = s.pad === 'left' ? 1 : 0;
    sensitive[id] =
      s.sensitivity === 'pan' ? 1 : s.sensitivity === 'secret' ? 2 : s.sensitivity === 'emv' ? 3 : 0;
    if (s.length > MAX_FIELD_LENGTH)
      throw new RangeError(`field ${id}: length ${s.length} exceeds ${MAX_FIELD_LENGTH}`);
    packed[id] =
      enc[id]! |
      (check[id]! << 3) |
      (prefixBytes[id]! << 5) |
      (prefixEnc[id]! << 7) |
      (padLeft[id]! << 9) |
      (s.length << 12);
  }
  return {
    name: def.name,
    def,
    specs,
    mtiBcd: def.mti === 'bcd',
    bitmapHex: def.bitmap === 'hex',
    enc,
    check,
    maxLen,
    prefixBytes,
    prefixEnc,
    padLeft,
    sensitive,
    packed,
  };
}

/** Byte length of a field's data from its length in units (digits, characters or bytes). */
export function byteLen(e: number, units: number): number {
  if (e === ENC_ASCII || e === ENC_BINARY) return units;
  if (e === ENC_BCD) return (units + 1) >> 1;
  if (e === ENC_XN_BCD) return units === 0 ? 0 : 1 + (units >> 1);
  return units * 2; // ENC_HEX
}
