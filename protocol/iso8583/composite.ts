/**
 * Composite fields: a field whose data is itself a sequence of subfields. Three layouts:
 * - `positional`: subfields 1, 2, 3 ... one after the other, each fixed or with its own length
 *   prefix; trailing ones may be absent (jPOS GenericSubFieldPackager without a bitmap);
 * - `bitmap`: an optional header, a bitmap (binary or hex characters), then the subfields whose bits
 *   are set, bit k for subfield k (Postilion field 127, Visa field 126, EBCDIC hosts' 44/48/55);
 * - `tlv`: tag-length-value elements, in BER-TLV (EMV field 55) or as characters: a tag of N
 *   characters and a length of M digits (Mastercard DE 48: a 1-character transaction category code,
 *   the `lead`, then 2-digit tags and 2-digit lengths).
 * The decoder treats a composite field like any other (its bytes and length); the subfields are
 * read by SubfieldReader only when asked for, so nothing is spent on them otherwise.
 *
 * Card data: a subfield of a secret field (48, which may carry the CVC2) stays secret unless the
 * spec marks it `public`, which only the built-in specs in this module do (a dialect file cannot
 * relax card data); a subfield of an EMV field (55) as BER-TLV leaves only through the safe-tag
 * filter (describe.ts).
 */
import type { BcdFill, BcdPad } from './encodings/bcd.js';
import type { CodePage } from './encodings/ebcdic.js';
import type { PrefixDigits, PrefixEncoding } from './encodings/prefix.js';
import type { BitmapEncoding, DataEncoding, DialectDef, FieldType } from './spec.js';

/** A subfield of a positional or bitmapped composite: a field spec of its own. */
export interface SubfieldSpec {
  name: string;
  type: FieldType;
  length: number;
  prefix: PrefixDigits;
  encoding: DataEncoding;
  prefixEncoding: PrefixEncoding;
  pad: BcdPad;
  fill?: BcdFill;
  codePage?: CodePage;
  sensitivity?: 'pan' | 'secret';
  /** Readable even when the parent field is secret (built-in specs only). */
  public?: boolean;
}

/** A tag of a TLV composite: its name and card-data rule. */
export interface TagSpec {
  name: string;
  sensitivity?: 'pan' | 'secret';
  public?: boolean;
}

export interface PositionalSpec {
  kind: 'positional';
  fields: Readonly<Record<number, SubfieldSpec>>;
}

export interface BitmapSubfieldsSpec {
  kind: 'bitmap';
  /** Opaque bytes before the bitmap. */
  header?: number;
  bitmap: BitmapEncoding;
  /** Bitmap size in bytes (4 = 32 subfields); hex forms take two characters a byte. */
  bitmapBytes: number;
  fields: Readonly<Record<number, SubfieldSpec>>;
}

export interface TlvSpec {
  kind: 'tlv';
  /** `ber`: EMV BER-TLV; `ascii` / `ebcdic`: tags and lengths as characters. */
  format: 'ber' | 'ascii' | 'ebcdic';
  /** Characters of a tag (character formats; default 2). */
  tagLength?: number;
  /** Digits of a length (character formats; default 2). */
  lengthDigits?: number;
  /** Character formats: tag then length (default), or length then tag (EuroPay DE 48: LLTT). */
  layout?: 'tag-length' | 'length-tag';
  /** The length counts the tag's characters too (EuroPay). */
  lengthIncludesTag?: boolean;
  /** Bytes before the first element (Mastercard DE 48's transaction category code). */
  lead?: number;
  leadName?: string;
  /** Known tags by their text ("84", "9F27"). */
  tags?: Readonly<Record<string, TagSpec>>;
  codePage?: CodePage;
}

export type CompositeSpec = PositionalSpec | BitmapSubfieldsSpec | TlvSpec;

export const COMP_POSITIONAL = 1;
export const COMP_BITMAP = 2;
export const COMP_TLV_BER = 3;
export const COMP_TLV_CHARS = 4;

/** Subfield numbers run 1..MAX_SUBFIELD (0..MAX_SUBFIELD in a positional composite, as jPOS's firstField 0). */
export const MAX_SUBFIELD = 128;

export interface CompiledComposite {
  readonly kind: number;
  readonly spec: CompositeSpec;
  /** Positional and bitmap: subfield specs and packed words by number (spec.ts layout). */
  readonly subs: readonly (SubfieldSpec | undefined)[];
  readonly packed: Int32Array;
  readonly codePage: Uint8Array;
  /** Per subfield (or tag): 0 none, 1 pan, 2 secret; 4 public. */
  readonly flags: Uint8Array;
  /** Positional: the defined numbers in order. */
  readonly order: Int32Array;
  readonly header: number;
  readonly bitmapBytes: number;
  /** 0 binary, 1 ASCII hex, 2 EBCDIC hex. */
  readonly bitmapEnc: number;
  readonly tagChars: number;
  readonly lengthDigits: number;
  readonly charsEbcdic: boolean;
  /** Character TLV: length before tag, and whether it counts the tag. */
  readonly lengthFirst: boolean;
  readonly lengthIncludesTag: boolean;
  readonly lead: number;
  /** TLV: tag key → flags (as `flags`), names. */
  readonly tagFlags: ReadonlyMap<number, number>;
  readonly tagNames: ReadonlyMap<number, string>;
}

export const SUB_PAN = 1;
export const SUB_SECRET = 2;
export const SUB_PUBLIC = 4;

function flagsOf(s: { sensitivity?: 'pan' | 'secret'; public?: boolean }): number {
  return (
    (s.sensitivity === 'pan' ? SUB_PAN : s.sensitivity === 'secret' ? SUB_SECRET : 0) |
    (s.public ? SUB_PUBLIC : 0)
  );
}

/** The key of a TLV tag: BER tag bytes as a number ("9F27" → 0x9f27), character tags by their codes. */
export function tagKey(format: TlvSpec['format'], tag: string): number {
  if (format === 'ber') return parseInt(tag, 16);
  let k = 0;
  for (let i = 0; i < tag.length; i++) k = k * 256 + tag.charCodeAt(i);
  return k;
}

/** A tag key back as text. */
export function tagText(c: CompiledComposite, key: number): string {
  if (c.kind === COMP_TLV_BER) {
    const h = key.toString(16).toUpperCase();
    return h.length % 2 === 1 ? `0${h}` : h;
  }
  let s = '';
  for (let i = c.tagChars - 1; i >= 0; i--) s += String.fromCharCode(Math.floor(key / 256 ** i) % 256);
  return s;
}

export function compileComposite(
  spec: CompositeSpec,
  _def: DialectDef,
  where: string,
  pack: (s: SubfieldSpec, where: string) => number,
  cpIndex: (cp: CodePage) => number,
): CompiledComposite {
  const subs: (SubfieldSpec | undefined)[] = new Array(MAX_SUBFIELD + 1).fill(undefined);
  const packed = new Int32Array(MAX_SUBFIELD + 1);
  const codePage = new Uint8Array(MAX_SUBFIELD + 1);
  const flags = new Uint8Array(MAX_SUBFIELD + 1);
  const order: number[] = [];
  const tagFlags = new Map<number, number>();
  const tagNames = new Map<number, string>();
  let kind: number;
  let header = 0;
  let bitmapBytes = 0;
  let bitmapEnc = 0;
  let tagChars = 0;
  let lengthDigits = 0;
  let charsEbcdic = false;
  let lengthFirst = false;
  let lengthIncludesTag = false;
  let lead = 0;
  if (spec.kind === 'tlv') {
    kind = spec.format === 'ber' ? COMP_TLV_BER : COMP_TLV_CHARS;
    tagChars = spec.format === 'ber' ? 0 : (spec.tagLength ?? 2);
    lengthDigits = spec.format === 'ber' ? 0 : (spec.lengthDigits ?? 2);
    charsEbcdic = spec.format === 'ebcdic';
    lengthFirst = spec.layout === 'length-tag';
    lengthIncludesTag = spec.lengthIncludesTag === true;
    lead = spec.lead ?? 0;
    for (const [tag, t] of Object.entries(spec.tags ?? {})) {
      const k = tagKey(spec.format, tag);
      tagFlags.set(k, flagsOf(t));
      tagNames.set(k, t.name);
    }
  } else {
    kind = spec.kind === 'positional' ? COMP_POSITIONAL : COMP_BITMAP;
    if (spec.kind === 'bitmap') {
      header = spec.header ?? 0;
      bitmapBytes = spec.bitmapBytes;
      bitmapEnc = spec.bitmap === 'binary' ? 0 : spec.bitmap === 'hex' ? 1 : 2;
      if (bitmapBytes < 1 || bitmapBytes > 16)
        throw new RangeError(`${where}: a subfield bitmap has 1 to 16 bytes`);
    }
    for (const [k, s] of Object.entries(spec.fields)) {
      const id = Number(k);
      const first = spec.kind === 'positional' ? 0 : 1;
      if (!Number.isInteger(id) || id < first || id > MAX_SUBFIELD)
        throw new RangeError(`${where}: subfield number ${k} is not ${first}..${MAX_SUBFIELD}`);
      if (spec.kind === 'bitmap' && id > bitmapBytes * 8)
        throw new RangeError(`${where}: subfield ${id} has no bit in a ${bitmapBytes}-byte bitmap`);
      subs[id] = s;
      packed[id] = pack(s, `${where} subfield ${id}`);
      codePage[id] = cpIndex(s.codePage ?? '037');
      flags[id] = flagsOf(s);
      order.push(id);
    }
    order.sort((a, b) => a - b);
  }
  return {
    kind,
    spec,
    subs,
    packed,
    codePage,
    flags,
    order: Int32Array.from(order),
    header,
    bitmapBytes,
    bitmapEnc,
    tagChars,
    lengthDigits,
    charsEbcdic,
    lengthFirst,
    lengthIncludesTag,
    lead,
    tagFlags,
    tagNames,
  };
}
