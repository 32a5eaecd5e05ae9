/**
 * Field specifications as data, in the style of jPOS packagers and moov-io/iso8583 specs: a field
 * is a content type × an encoding × a length prefix × a padding (encodings/: one module each). A
 * dialect is the set of encoding choices applied to a field table (fields-1987.ts, fields-1993.ts,
 * fields-2003.ts, ...), plus per-field overrides. `compileDialect` turns that description into flat
 * typed arrays that the decoder walks without allocating.
 */
import { type CompiledComposite, compileComposite, type CompositeSpec } from './composite.js';
import type { BcdFill, BcdPad } from './encodings/bcd.js';
import { type CodePage, codePageIndex } from './encodings/ebcdic.js';
import type { Padding } from './encodings/padding.js';
import {
  type PrefixDigits,
  type PrefixEncoding,
  prefixByteCount,
  prefixCode,
  prefixMax,
} from './encodings/prefix.js';

export type { BcdFill, BcdPad, CodePage, Padding, PrefixDigits, PrefixEncoding };

/** Content types: n numeric, a alpha, an/ans alphanumeric (+special), ns numeric+special,
 *  z track data (digits and '='), b binary, xn sign character C/D followed by digits (amounts). */
export type FieldType = 'n' | 'a' | 'an' | 'ans' | 'ns' | 'z' | 'b' | 'xn';

/**
 * How the data bytes are encoded: text and digits in `ascii` or `ebcdic`, digits in packed `bcd`,
 * binary data as raw bytes (`binary`) or as hex characters in ASCII (`hex`, jPOS IFA_BINARY) or in
 * EBCDIC (`ebcdic-hex`, jPOS IFE_BINARY).
 */
export type DataEncoding = 'ascii' | 'ebcdic' | 'bcd' | 'binary' | 'hex' | 'ebcdic-hex';

/** Card-data sensitivity: a `pan` leaves the decoder only masked; `secret` never leaves it. */
/** `emv`: TLV that may carry track-equivalent data (57) or the PAN (5A): only safe tags leave. */
export type Sensitivity = 'pan' | 'secret' | 'emv';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Maximum length in the field's units: digits or characters, or bytes for binary fields. */
  length: number;
  /** Number of length-prefix digits (L's): 0 fixed, 2 LLVAR, 3 LLLVAR, up to 6. */
  prefix: PrefixDigits;
}

export interface FieldSpec extends FieldDef {
  encoding: DataEncoding;
  prefixEncoding: PrefixEncoding;
  /** Which side of an odd-length BCD value carries the pad nibble. */
  pad: BcdPad;
  /** The pad nibble the encoder writes (0 unless F). */
  fill?: BcdFill;
  /** How the encoder pads a short fixed value (default: numerics zeros left, text spaces right). */
  padding?: Padding;
  /** EBCDIC code page of this field (default: the dialect's, else 037). */
  codePage?: CodePage;
  sensitivity?: Sensitivity;
  /** Binary data shown as hex on output (describe.ts); other binary fields leave withheld. */
  public?: boolean;
  /** A composite field: its subfields, read only when asked for (composite.ts). */
  subfields?: CompositeSpec;
}

export type MtiEncoding = 'ascii' | 'ebcdic' | 'bcd';
/** Bitmap: 8 raw bytes per bitmap, or 16 hex characters in ASCII (`hex`) or EBCDIC (`ebcdic`). */
export type BitmapEncoding = 'binary' | 'hex' | 'ebcdic';

export interface DialectDef {
  name: string;
  description: string;
  mti: MtiEncoding;
  bitmap: BitmapEncoding;
  /** Bit 65 announces a third bitmap (fields 129-192) instead of being a field. */
  tertiaryBitmap?: boolean;
  /** Encoding of n, z and xn fields. */
  numeric: 'ascii' | 'ebcdic' | 'bcd';
  /** Encoding of text fields (a, an, ans, ns): ASCII unless EBCDIC. */
  text?: 'ascii' | 'ebcdic';
  /** Encoding of length prefixes. */
  prefix: PrefixEncoding;
  /** Binary fields as raw bytes or hex characters. */
  binary: 'binary' | 'hex' | 'ebcdic-hex';
  /** Pad side for odd-length BCD fixed fields and for variable fields. */
  bcdPadFixed: BcdPad;
  bcdPadVariable: BcdPad;
  /** Pad nibble written for odd-length BCD values (default 0). */
  bcdFill?: BcdFill;
  /** EBCDIC code page (default 037). */
  codePage?: CodePage;
  /** Field table: ISO 8583:1987 (fields-1987.ts), 1993 (fields-1993.ts), 2003 or a network's. */
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

/** Highest field number: 128, or 192 with a tertiary bitmap. Arrays have one slot per number. */
export const MAX_FIELD = 192;
export const FIELD_SLOTS = MAX_FIELD + 1;

// Compiled representation: one slot per field number in flat typed arrays.
export const ENC_ASCII = 1;
export const ENC_BCD = 2;
export const ENC_BINARY = 3;
export const ENC_HEX = 4;
export const ENC_XN_BCD = 5; // one ASCII sign byte + BCD digits
export const ENC_EBCDIC = 6;
export const ENC_EBCDIC_HEX = 7;

export const CHK_NONE = 0;
export const CHK_DIGITS = 1;
export const CHK_TRACK = 2; // digits and '=' (text) / nibble D (BCD)
export const CHK_XN = 3;

/** Bit layout of a packed field word (one load per field in the decoder's hot loop). */
export const PK_PREFIX_BYTES_SHIFT = 5; // 3 bits: 0 fixed, 1..6
export const PK_PREFIX_ENC_SHIFT = 8; // 3 bits: encodings/prefix.ts PFX_*
export const PK_PAD_LEFT = 1 << 11;
export const PK_LENGTH_SHIFT = 12; // 20 bits: maximum length in units

export interface CompiledDialect {
  readonly name: string;
  readonly def: DialectDef;
  readonly specs: readonly (FieldSpec | undefined)[];
  readonly mtiBcd: boolean;
  readonly mtiEbcdic: boolean;
  /** Bitmap in hex characters (ASCII, or EBCDIC when bitmapEbcdic). */
  readonly bitmapHex: boolean;
  readonly bitmapEbcdic: boolean;
  /** Bit 65 announces a third bitmap. */
  readonly tertiary: boolean;
  /** 128, or 192 with a tertiary bitmap. */
  readonly maxField: number;
  /** 0 = field not defined in this dialect. */
  readonly enc: Uint8Array;
  readonly check: Uint8Array;
  readonly maxLen: Uint32Array;
  /** Prefix size in bytes (0 fixed). */
  readonly prefixBytes: Uint8Array;
  /** encodings/prefix.ts PFX_*. */
  readonly prefixEnc: Uint8Array;
  /** 1 when BCD pad nibble is on the left. */
  readonly padLeft: Uint8Array;
  /** 0 none, 1 pan, 2 secret, 3 emv. */
  readonly sensitive: Uint8Array;
  /** EBCDIC code page index (encodings/ebcdic.ts codePageIndex). */
  readonly codePage: Uint8Array;
  /** Composite fields' subfield specs, compiled (composite.ts). */
  readonly composites: readonly (CompiledComposite | undefined)[];
  /**
   * The same facts packed into one word per field for the decoder's hot loop (one load per field):
   * bits 0-2 enc, 3-4 check, 5-7 prefix bytes, 8-10 prefix encoding, 11 pad-left, 12-31 max length.
   */
  readonly packed: Int32Array;
}

/** Largest maximum length a field can have (six length digits). */
export const MAX_FIELD_LENGTH = 999999;

export function encodingFor(def: DialectDef, type: FieldType): DataEncoding {
  if (type === 'b') return def.binary;
  if (type === 'n' || type === 'z' || type === 'xn') return def.numeric;
  return def.text ?? 'ascii';
}

export function fieldSpecsOf(def: DialectDef): (FieldSpec | undefined)[] {
  const specs: (FieldSpec | undefined)[] = new Array(FIELD_SLOTS).fill(undefined);
  for (let id = 2; id <= MAX_FIELD; id++) {
    const base = def.fields[id];
    if (!base) continue;
    if (id === 65 && def.tertiaryBitmap) continue; // bit 65 is the third bitmap's
    const spec: FieldSpec = {
      ...base,
      encoding: encodingFor(def, base.type),
      prefixEncoding: def.prefix,
      pad: base.prefix === 0 ? def.bcdPadFixed : def.bcdPadVariable,
    };
    if (def.bcdFill) spec.fill = def.bcdFill;
    if (def.codePage) spec.codePage = def.codePage;
    const sens = DEFAULT_SENSITIVITY[id];
    if (sens) spec.sensitivity = sens;
    const ov = def.overrides?.[id];
    specs[id] = ov ? { ...spec, ...ov } : spec;
  }
  return specs;
}

/** The compiled encoding code of a spec (ENC_*). */
export function encCode(s: Pick<FieldSpec, 'encoding' | 'type'>): number {
  switch (s.encoding) {
    case 'ascii':
      return ENC_ASCII;
    case 'ebcdic':
      return ENC_EBCDIC;
    case 'binary':
      return ENC_BINARY;
    case 'hex':
      return ENC_HEX;
    case 'ebcdic-hex':
      return ENC_EBCDIC_HEX;
    default:
      return s.type === 'xn' ? ENC_XN_BCD : ENC_BCD;
  }
}

export function checkCode(type: FieldType): number {
  return type === 'n' ? CHK_DIGITS : type === 'z' ? CHK_TRACK : type === 'xn' ? CHK_XN : CHK_NONE;
}

/** Packs one field's facts into a word (layout: CompiledDialect.packed). */
export function packSpec(s: FieldSpec, where: string): number {
  if (s.length > MAX_FIELD_LENGTH)
    throw new RangeError(`${where}: length ${s.length} exceeds ${MAX_FIELD_LENGTH}`);
  if (s.prefix !== 0 && s.length > prefixMax(s.prefixEncoding, s.prefix))
    throw new RangeError(`${where}: length ${s.length} does not fit its length prefix`);
  return (
    encCode(s) |
    (checkCode(s.type) << 3) |
    (prefixByteCount(s.prefixEncoding, s.prefix) << PK_PREFIX_BYTES_SHIFT) |
    (prefixCode(s.prefixEncoding) << PK_PREFIX_ENC_SHIFT) |
    (s.pad === 'left' ? PK_PAD_LEFT : 0) |
    (s.length << PK_LENGTH_SHIFT)
  );
}

export function sensitivityCode(s: Sensitivity | undefined): number {
  return s === 'pan' ? 1 : s === 'secret' ? 2 : s === 'emv' ? 3 : 0;
}

export function compileDialect(def: DialectDef): CompiledDialect {
  const specs = fieldSpecsOf(def);
  const enc = new Uint8Array(FIELD_SLOTS);
  const check = new Uint8Array(FIELD_SLOTS);
  const maxLen = new Uint32Array(FIELD_SLOTS);
  const prefixBytes = new Uint8Array(FIELD_SLOTS);
  const prefixEnc = new Uint8Array(FIELD_SLOTS);
  const padLeft = new Uint8Array(FIELD_SLOTS);
  const sensitive = new Uint8Array(FIELD_SLOTS);
  const codePage = new Uint8Array(FIELD_SLOTS);
  const packed = new Int32Array(FIELD_SLOTS);
  const composites: (CompiledComposite | undefined)[] = new Array(FIELD_SLOTS).fill(undefined);
  const maxField = def.tertiaryBitmap ? 192 : 128;
  for (let id = 2; id <= maxField; id++) {
    const s = specs[id];
    if (!s) continue;
    const word = packSpec(s, `field ${id}`);
    packed[id] = word;
    enc[id] = word & 7;
    check[id] = (word >>> 3) & 3;
    maxLen[id] = s.length;
    prefixBytes[id] = (word >>> PK_PREFIX_BYTES_SHIFT) & 7;
    prefixEnc[id] = (word >>> PK_PREFIX_ENC_SHIFT) & 7;
    padLeft[id] = s.pad === 'left' ? 1 : 0;
    sensitive[id] = sensitivityCode(s.sensitivity);
    codePage[id] = codePageIndex(s.codePage ?? '037');
    if (s.subfields)
      composites[id] = compileComposite(s.subfields, def, `field ${id}`, packSpec, codePageIndex);
  }
  return {
    name: def.name,
    def,
    specs,
    mtiBcd: def.mti === 'bcd',
    mtiEbcdic: def.mti === 'ebcdic',
    bitmapHex: def.bitmap !== 'binary',
    bitmapEbcdic: def.bitmap === 'ebcdic',
    tertiary: def.tertiaryBitmap === true,
    maxField,
    enc,
    check,
    maxLen,
    prefixBytes,
    prefixEnc,
    padLeft,
    sensitive,
    codePage,
    composites,
    packed,
  };
}

/** Byte length of a field's data from its length in units (digits, characters or bytes). */
export function byteLen(e: number, units: number): number {
  if (e === ENC_ASCII || e === ENC_BINARY || e === ENC_EBCDIC) return units;
  if (e === ENC_BCD) return (units + 1) >> 1;
  if (e === ENC_XN_BCD) return units === 0 ? 0 : 1 + (units >> 1);
  return units * 2; // ENC_HEX, ENC_EBCDIC_HEX
}
