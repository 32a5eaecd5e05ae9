/**
 * ISO 8583 encoder for every dialect. Used by the simulator, tests and tools, not on the hot path:
 * written for clarity. Values are strings (digits for numeric fields, text for text fields, hex for
 * binary fields) or byte arrays for binary fields; a composite field (composite.ts) also takes an
 * object of subfield values keyed by subfield number or tag ("lead" and "header" for those parts),
 * or its bytes as they are. A value that does not fit its spec throws EncodeError: that is a caller
 * bug, not bad wire data.
 */
import {
  type BitmapSubfieldsSpec,
  type CompositeSpec,
  type PositionalSpec,
  type SubfieldSpec,
  type TlvSpec,
} from './composite.js';
import { asciiBytes } from './encodings/ascii.js';
import { bcdPack } from './encodings/bcd.js';
import { hexChars } from './encodings/binary.js';
import { codePageIndex, ebcdicBytes } from './encodings/ebcdic.js';
import { defaultPadding, pad } from './encodings/padding.js';
import { prefixMax, writePrefix } from './encodings/prefix.js';
import { EncodeError } from './errors.js';
import type { CompiledDialect, FieldSpec } from './spec.js';

/** Subfield values of a composite field. */
export type SubfieldValues = Readonly<Record<string, string | Uint8Array>>;
export type FieldValue = string | Uint8Array | SubfieldValues;

export interface IsoMessage {
  /** Four digits, e.g. "0210". */
  mti: string;
  fields: Readonly<Record<number, FieldValue>>;
}

const DIGITS = /^[0-9]*$/;
const TRACK = /^[0-9=D]*$/;
const HEXRE = /^(?:[0-9a-fA-F]{2})*$/;

type Spec = FieldSpec | SubfieldSpec;

function bcd(digits: string, spec: Pick<Spec, 'pad' | 'fill'>, field: number): Buffer {
  const out = bcdPack(digits, spec.pad, spec.fill ?? '0');
  if (out === null) throw new EncodeError(field, 'not a BCD digit');
  return out;
}

/** Text in the field's character set. */
function chars(v: string, spec: Spec, field: number): Buffer {
  const out =
    spec.encoding === 'ebcdic' ? ebcdicBytes(v, codePageIndex(spec.codePage ?? '037')) : asciiBytes(v);
  if (out === null) throw new EncodeError(field, 'value is not single-byte text');
  return out;
}

function isBytes(v: FieldValue): v is Uint8Array {
  return v instanceof Uint8Array;
}

export function encodeField(spec: Spec, field: number, value: FieldValue): Buffer {
  let data: Buffer;
  let units: number;
  const sub = (spec as FieldSpec).subfields;
  if (sub && !isBytes(value) && typeof value !== 'string') {
    data = encodeComposite(sub, field, value);
    units = data.length;
    if (spec.prefix === 0 && units !== spec.length)
      throw new EncodeError(field, `fixed composite field needs ${spec.length} bytes, got ${units}`);
  } else if (typeof value !== 'string' && !isBytes(value)) {
    throw new EncodeError(field, 'subfield values for a field without subfields');
  } else if (sub && isBytes(value) && spec.type !== 'b') {
    // a composite text field given as its bytes: written as they are
    data = Buffer.from(value);
    units = data.length;
  } else if (spec.type === 'b') {
    let bytes: Buffer;
    if (typeof value === 'string') {
      if (!HEXRE.test(value)) throw new EncodeError(field, 'binary value must be an even-length hex string');
      bytes = Buffer.from(value, 'hex');
    } else bytes = Buffer.from(value);
    units = bytes.length;
    if (spec.prefix === 0 && units !== spec.length)
      throw new EncodeError(field, `fixed binary field needs ${spec.length} bytes, got ${units}`);
    data =
      spec.encoding === 'hex'
        ? hexChars(bytes, false)
        : spec.encoding === 'ebcdic-hex'
          ? hexChars(bytes, true)
          : bytes;
  } else {
    if (typeof value !== 'string') throw new EncodeError(field, 'text field needs a string value');
    let v = value;
    if (spec.prefix === 0) {
      if (v.length > spec.length) throw new EncodeError(field, `value longer than ${spec.length}`);
      v = pad(v, spec.length, (spec as FieldSpec).padding ?? defaultPadding(spec.type));
      if (v.length !== spec.length)
        throw new EncodeError(field, `fixed field needs ${spec.length} characters`);
    }
    units = v.length;
    if (spec.type === 'n' && !DIGITS.test(v)) throw new EncodeError(field, 'numeric field needs digits');
    if (spec.type === 'z' && !TRACK.test(v)) throw new EncodeError(field, 'track field needs digits and =');
    if (spec.type === 'xn' && v.length > 0 && !DIGITS.test(v.slice(1)))
      throw new EncodeError(field, 'amount field needs a sign character and digits');
    if (spec.encoding === 'bcd') {
      data =
        spec.type === 'xn'
          ? v.length === 0
            ? Buffer.alloc(0)
            : Buffer.concat([
                chars(v.slice(0, 1), { ...spec, encoding: 'ascii' }, field),
                bcd(v.slice(1), spec, field),
              ])
          : bcd(v, spec, field);
    } else data = chars(v, spec, field);
  }
  if (units > spec.length) throw new EncodeError(field, `length ${units} exceeds maximum ${spec.length}`);
  if (spec.prefix !== 0 && units > prefixMax(spec.prefixEncoding, spec.prefix))
    throw new EncodeError(field, `length ${units} does not fit an ${'L'.repeat(spec.prefix)} prefix`);
  return Buffer.concat([writePrefix(spec.prefixEncoding, spec.prefix, units), data]);
}

function subValue(values: SubfieldValues, key: string, field: number): string | Uint8Array {
  const v = values[key]!;
  if (typeof v !== 'string' && !isBytes(v)) throw new EncodeError(field, `subfield ${key}: bad value`);
  return v;
}

function rawBytes(v: string | Uint8Array, spec: TlvSpec | BitmapSubfieldsSpec): Buffer {
  if (isBytes(v)) return Buffer.from(v);
  if (spec.kind === 'tlv' && spec.format === 'ebcdic')
    return ebcdicBytes(v, codePageIndex(spec.codePage ?? '037'))!;
  return Buffer.from(v, 'latin1');
}

/** The bytes of a composite field from its subfield values. */
export function encodeComposite(spec: CompositeSpec, field: number, values: SubfieldValues): Buffer {
  if (spec.kind === 'tlv') return encodeTlv(spec, field, values);
  const parts: Buffer[] = [];
  const ids = Object.keys(values)
    .filter((k) => k !== 'header')
    .map(Number)
    .sort((a, b) => a - b);
  for (const id of ids)
    if (!spec.fields[id]) throw new EncodeError(field, `subfield ${id} is not defined for this field`);
  if (spec.kind === 'positional') {
    const p: PositionalSpec = spec;
    const last = ids.length === 0 ? 0 : ids[ids.length - 1]!;
    for (const k of Object.keys(p.fields)
      .map(Number)
      .sort((a, b) => a - b)) {
      if (k > last) break;
      if (values[k] === undefined)
        throw new EncodeError(field, `subfield ${k} is missing before subfield ${last}`);
      parts.push(encodeField(p.fields[k]!, field, subValue(values, String(k), field)));
    }
    return Buffer.concat(parts);
  }
  const header = Buffer.alloc(spec.header ?? 0);
  if (values.header !== undefined) rawBytes(subValue(values, 'header', field), spec).copy(header);
  const bitmap = Buffer.alloc(spec.bitmapBytes);
  for (const id of ids) {
    bitmap[(id - 1) >> 3]! |= 0x80 >> ((id - 1) & 7);
    parts.push(encodeField(spec.fields[id]!, field, subValue(values, String(id), field)));
  }
  const bm = spec.bitmap === 'binary' ? bitmap : hexChars(bitmap, spec.bitmap === 'ebcdic');
  return Buffer.concat([header, bm, ...parts]);
}

function encodeTlv(spec: TlvSpec, field: number, values: SubfieldValues): Buffer {
  const parts: Buffer[] = [];
  const lead = spec.lead ?? 0;
  if (lead > 0) {
    const v = values.lead === undefined ? ' '.repeat(lead) : subValue(values, 'lead', field);
    const b = rawBytes(v, spec);
    if (b.length !== lead) throw new EncodeError(field, `lead needs ${lead} bytes`);
    parts.push(b);
  }
  for (const [tag, v0] of Object.entries(values)) {
    if (tag === 'lead') continue;
    const v = subValue(values, tag, field);
    if (spec.format === 'ber') {
      if (!/^(?:[0-9A-Fa-f]{2}){1,3}$/.test(tag)) throw new EncodeError(field, `tag ${tag} is not hex`);
      const value = typeof v0 === 'string' ? Buffer.from(v0, 'hex') : Buffer.from(v);
      const n = value.length;
      const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 255];
      parts.push(Buffer.from(tag, 'hex'), Buffer.from(len), value);
    } else {
      const tl = spec.tagLength ?? 2;
      const ld = spec.lengthDigits ?? 2;
      if (tag.length !== tl) throw new EncodeError(field, `tag ${tag} is not ${tl} characters`);
      const value = rawBytes(v, spec);
      const n = value.length + (spec.lengthIncludesTag ? tl : 0);
      if (n > 10 ** ld - 1) throw new EncodeError(field, `tag ${tag}: value too long`);
      const len = String(n).padStart(ld, '0');
      const head = spec.layout === 'length-tag' ? `${len}${tag}` : `${tag}${len}`;
      parts.push(rawBytes(head, spec), value);
    }
  }
  return Buffer.concat(parts);
}

const BITMAP_BIT_SECONDARY = 1;
const BITMAP_BIT_TERTIARY = 65;

/** Encodes a message (MTI, bitmap, fields in order). No link header. */
export function encodeMessage(d: CompiledDialect, msg: IsoMessage): Buffer {
  if (!/^[0-9]{4}$/.test(msg.mti)) throw new EncodeError(0, 'MTI must be four digits');
  const ids = Object.keys(msg.fields)
    .map(Number)
    .filter((n) => msg.fields[n] !== undefined)
    .sort((a, b) => a - b);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 2 || id > d.maxField)
      throw new EncodeError(id, `field number must be 2..${d.maxField}`);
    if (!d.specs[id]) throw new EncodeError(id, `dialect ${d.name} does not define this field`);
  }
  const top = ids.length === 0 ? 0 : ids[ids.length - 1]!;
  const bytes = top > 128 ? 24 : top > 64 ? 16 : 8;
  const bitmap = Buffer.alloc(bytes);
  const set = (f: number): void => {
    bitmap[(f - 1) >> 3]! |= 0x80 >> ((f - 1) & 7);
  };
  if (bytes >= 16) set(BITMAP_BIT_SECONDARY);
  if (bytes === 24) set(BITMAP_BIT_TERTIARY);
  for (const id of ids) set(id);

  const parts: Buffer[] = [];
  if (d.mtiBcd) parts.push(bcd(msg.mti, { pad: 'left' }, 0));
  else parts.push(d.mtiEbcdic ? ebcdicBytes(msg.mti, 0)! : Buffer.from(msg.mti, 'latin1'));
  parts.push(d.bitmapHex ? hexChars(bitmap, d.bitmapEbcdic) : bitmap);
  for (const id of ids) parts.push(encodeField(d.specs[id]!, id, msg.fields[id]!));
  return Buffer.concat(parts);
}
