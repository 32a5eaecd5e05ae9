/**
 * ISO 8583 encoder for every dialect. Used by the simulator, tests and tools, not on the hot path:
 * written for clarity. Values are strings (digits for numeric fields, text for text fields, hex for
 * binary fields) or byte arrays for binary fields. A value that does not fit its spec throws
 * EncodeError: that is a caller bug, not bad wire data.
 */
import { EncodeError } from './errors.js';
import type { CompiledDialect, FieldSpec } from './spec.js';

export interface IsoMessage {
  /** Four digits, e.g. "0210". */
  mti: string;
  fields: Readonly<Record<number, string | Uint8Array>>;
}

const DIGITS = /^[0-9]*$/;
const TRACK = /^[0-9=D]*$/;
const HEXRE = /^(?:[0-9a-fA-F]{2})*$/;

function bcd(digits: string, padLeft: boolean, field: number): Buffer {
  const s = digits.length % 2 === 1 ? (padLeft ? `0${digits}` : `${digits}0`) : digits;
  const out = Buffer.alloc(s.length / 2);
  for (let i = 0; i < s.length; i += 2) {
    const hi = nibble(s.charCodeAt(i), field);
    const lo = nibble(s.charCodeAt(i + 1), field);
    out[i / 2] = (hi << 4) | lo;
  }
  return out;
}

function nibble(c: number, field: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c === 61 || c === 68) return 13; // '=' or 'D' in track data
  throw new EncodeError(field, 'not a BCD digit');
}

function prefixBytes(spec: FieldSpec, units: number): Buffer {
  if (spec.prefix === 0) return Buffer.alloc(0);
  const max = spec.prefix === 2 ? 99 : 999;
  if (units > max)
    throw new EncodeError(0, `length ${units} does not fit an L${'L'.repeat(spec.prefix - 1)} prefix`);
  switch (spec.prefixEncoding) {
    case 'ascii':
      return Buffer.from(String(units).padStart(spec.prefix, '0'), 'latin1');
    case 'bcd':
      return bcd(String(units).padStart(spec.prefix === 2 ? 2 : 4, '0'), true, 0);
    default:
      return spec.prefix === 2 ? Buffer.from([units]) : Buffer.from([units >> 8, units & 255]);
  }
}

export function encodeField(spec: FieldSpec, field: number, value: string | Uint8Array): Buffer {
  let data: Buffer;
  let units: number;
  if (spec.type === 'b') {
    let bytes: Buffer;
    if (typeof value === 'string') {
      if (!HEXRE.test(value)) throw new EncodeError(field, 'binary value must be an even-length hex string');
      bytes = Buffer.from(value, 'hex');
    } else bytes = Buffer.from(value);
    units = bytes.length;
    if (spec.prefix === 0 && units !== spec.length)
      throw new EncodeError(field, `fixed binary field needs ${spec.length} bytes, got ${units}`);
    data = spec.encoding === 'hex' ? Buffer.from(bytes.toString('hex').toUpperCase(), 'latin1') : bytes;
  } else {
    if (typeof value !== 'string') throw new EncodeError(field, 'text field needs a string value');
    let v = value;
    if (spec.prefix === 0) {
      if (v.length > spec.length) throw new EncodeError(field, `value longer than ${spec.length}`);
      // fixed fields: numerics are zero-padded on the left, text space-padded on the right
      v = spec.type === 'n' ? v.padStart(spec.length, '0') : v.padEnd(spec.length, ' ');
    }
    units = v.length;
    if (spec.type === 'n' && !DIGITS.test(v)) throw new EncodeError(field, 'numeric field needs digits');
    if (spec.type === 'z' && !TRACK.test(v)) throw new EncodeError(field, 'track field needs digits and =');
    if (spec.type === 'xn' && v.length > 0 && !DIGITS.test(v.slice(1)))
      throw new EncodeError(field, 'amount field needs a sign character and digits');
    if (spec.encoding === 'bcd') {
      data =
        spec.type === 'xn'
          ? Buffer.concat([Buffer.from(v.slice(0, 1), 'latin1'), bcd(v.slice(1), spec.pad === 'left', field)])
          : bcd(v, spec.pad === 'left', field);
    } else {
      data = Buffer.from(v, 'latin1');
      if (data.length !== v.length || /[^\x00-\xff]/.test(v))
        throw new EncodeError(field, 'value is not single-byte text');
    }
  }
  if (units > spec.length) throw new EncodeError(field, `length ${units} exceeds maximum ${spec.length}`);
  return Buffer.concat([prefixBytes(spec, units), data]);
}

/** Encodes a message (MTI, bitmap, fields in order). No link header. */
export function encodeMessage(d: CompiledDialect, msg: IsoMessage): Buffer {
  if (!/^[0-9]{4}$/.test(msg.mti)) throw new EncodeError(0, 'MTI must be four digits');
  const ids = Object.keys(msg.fields)
    .map(Number)
    .filter((n) => msg.fields[n] !== undefined)
    .sort((a, b) => a - b);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 2 || id > 128) throw new EncodeError(id, 'field number must be 2..128');
    if (!d.specs[id]) throw new EncodeError(id, `dialect ${d.name} does not define this field`);
  }
  const secondary = ids.some((id) => id > 64);
  const bitmap = Buffer.alloc(secondary ? 16 : 8);
  if (secondary) bitmap[0]! |= 0x80;
  for (const id of ids) bitmap[(id - 1) >> 3]! |= 0x80 >> ((id - 1) & 7);

  const parts: Buffer[] = [];
  parts.push(d.mtiBcd ? bcd(msg.mti, true, 0) : Buffer.from(msg.mti, 'latin1'));
  parts.push(d.bitmapHex ? Buffer.from(bitmap.toString('hex').toUpperCase(), 'latin1') : bitmap);
  for (const id of ids) parts.push(encodeField(d.specs[id]!, id, msg.fields[id]!));
  return Buffer.concat(parts);
}
