/**
 * The layout of a decoded message for an integrator reading a host trace: for the MTI, the bitmap,
 * every field and every subfield, where it starts (offset from the message start), how many bytes
 * it takes, its length prefix and encoding, and its value under the card-data rules of
 * describeMessage (PAN masked, track data, PIN block and other secrets "[redacted]", field 55 only
 * through the safe-tag filter). Values come from describeMessage itself for fields, and through the
 * same output rules (safeOutput) for subfields. Allocates freely: a tool, not the hot path.
 */
import { COMP_TLV_BER } from './composite.js';
import { decodeErrorName } from './errors.js';
import { describeMessage, REDACTED, subfieldKey, subfieldOut } from './describe.js';
import {
  type CompiledDialect,
  ENC_ASCII,
  ENC_BCD,
  ENC_BINARY,
  ENC_EBCDIC,
  ENC_EBCDIC_HEX,
  ENC_HEX,
  ENC_XN_BCD,
  PK_PREFIX_BYTES_SHIFT,
  PK_PREFIX_ENC_SHIFT,
} from './spec.js';
import { SubfieldReader } from './subfields.js';
import type { MessageView } from './view.js';

export interface ExplainedPart {
  /** "MTI", "bitmap", a field number, or "48.84" / "55.9F27" / "127.22" for a subfield. */
  id: string;
  name: string;
  /** Offset of the element (its length prefix, tag, or data) from the message start. */
  offset: number;
  /** Bytes of the element, prefix or tag included. */
  bytes: number;
  /** Offset and bytes of the data alone, and its length in its own units (digits, characters, bytes). */
  data_offset: number;
  data_bytes: number;
  units: number;
  /** e.g. "bcd n", "ebcdic ans (cp037)", "binary b". */
  encoding: string;
  /** e.g. "LL ascii (2 bytes)", "LLLLLL ascii (6 bytes)", "tag+length", or null when fixed. */
  prefix: string | null;
  value: string;
  subfields?: ExplainedPart[];
  /** Why the subfield walk stopped early (bad data inside the field). */
  subfield_error?: string;
}

export interface ExplainedMessage {
  dialect: string;
  mti: string;
  bytes: number;
  parts: ExplainedPart[];
}

const ENC_NAMES: Record<number, string> = {
  [ENC_ASCII]: 'ascii',
  [ENC_BCD]: 'bcd',
  [ENC_BINARY]: 'binary',
  [ENC_HEX]: 'hex',
  [ENC_XN_BCD]: 'ascii sign + bcd',
  [ENC_EBCDIC]: 'ebcdic',
  [ENC_EBCDIC_HEX]: 'ebcdic hex',
};
const PREFIX_NAMES = ['', 'ascii', 'bcd', 'binary', 'ebcdic'];
const CODE_PAGE_NAMES = ['037', '1047'];

function encodingText(word: number, type: string, cp: number): string {
  const e = word & 7;
  const cpText = e === ENC_EBCDIC ? ` (cp${CODE_PAGE_NAMES[cp] ?? '037'})` : '';
  return `${ENC_NAMES[e] ?? '?'} ${type}${cpText}`;
}

function prefixText(word: number, digits: number): string | null {
  const pb = (word >>> PK_PREFIX_BYTES_SHIFT) & 7;
  if (pb === 0) return null;
  const pe = (word >>> PK_PREFIX_ENC_SHIFT) & 7;
  return `${'L'.repeat(digits)} ${PREFIX_NAMES[pe]} (${pb} byte${pb === 1 ? '' : 's'})`;
}

function fieldValue(v: string | Record<string, string> | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return Object.entries(v)
    .map(([k, x]) => `${k}=${x}`)
    .join(' ');
}

/** The parts of a successfully decoded message. */
export function explainMessage(view: MessageView): ExplainedMessage {
  const d = view.dialect as CompiledDialect;
  const desc = describeMessage(view);
  const start = view.start;
  const parts: ExplainedPart[] = [];
  const mtiBytes = d.mtiBcd ? 2 : 4;
  const mtiEnc = d.mtiBcd ? 'bcd n' : d.mtiEbcdic ? 'ebcdic n' : 'ascii n';
  parts.push(part('MTI', 'Message Type Indicator', 0, mtiBytes, 0, mtiBytes, 4, mtiEnc, null, view.mti()));
  const bmBytes = d.bitmapHex ? 2 * view.bmBytes : view.bmBytes;
  const bmEnc = d.bitmapHex ? (d.bitmapEbcdic ? 'ebcdic hex' : 'hex') : 'binary';
  const bitmaps = view.bmBytes / 8;
  const bmName =
    bitmaps === 1 ? 'Primary bitmap' : bitmaps === 2 ? 'Primary and secondary bitmaps' : 'Three bitmaps';
  parts.push(
    part(
      'bitmap',
      bmName,
      mtiBytes,
      bmBytes,
      mtiBytes,
      bmBytes,
      view.bmBytes,
      `${bmEnc} b`,
      null,
      bitmapFields(view),
    ),
  );
  const reader = new SubfieldReader();
  const f55 = desc.fields[55];
  const misframed = f55 === REDACTED || (typeof f55 === 'object' && Object.values(f55).includes(REDACTED));
  for (const f of view.fieldNumbers()) {
    const spec = d.specs[f]!;
    const word = d.packed[f]!;
    const dataOffset = view.offsetOf(f) - start;
    const pb = (word >>> PK_PREFIX_BYTES_SHIFT) & 7;
    const dataBytes = view.byteLength(f);
    const p = part(
      String(f),
      spec.name,
      dataOffset - pb,
      pb + dataBytes,
      dataOffset,
      dataBytes,
      view.unitsOf(f),
      encodingText(word, spec.type, d.codePage[f]!),
      prefixText(word, spec.prefix),
      fieldValue(desc.fields[f]),
    );
    const comp = d.composites[f];
    if (comp && reader.begin(view, f)) {
      const emv = desc.fields[f];
      const subs: ExplainedPart[] = [];
      while (reader.next()) {
        const key = subfieldKey(reader);
        let value = subfieldOut(reader, typeof emv === 'object' ? emv : null);
        // after a field 55 that is not clean TLV, describe.ts withholds every field as possibly
        // misframed EMV data: their subfields too
        if (misframed && f > 55) value = REDACTED;
        const sw = reader.word;
        const sub = comp.subs[reader.key];
        const tlv = comp.kind >= COMP_TLV_BER;
        subs.push(
          part(
            `${f}.${key}`,
            reader.name(),
            reader.start - start,
            reader.offset + reader.byteLength - reader.start,
            reader.offset - start,
            reader.byteLength,
            reader.units,
            encodingText(
              sw,
              tlv || reader.key === -1 ? (comp.kind === COMP_TLV_BER ? 'b' : 'ans') : (sub?.type ?? '?'),
              reader.codePage,
            ),
            tlv && reader.key !== -1 ? 'tag+length' : sub ? prefixText(sw, sub.prefix) : null,
            value,
          ),
        );
      }
      p.subfields = subs;
      if (reader.error !== 0)
        p.subfield_error = `subfield walk stopped at offset ${reader.errorOffset - start}: ${decodeErrorName(reader.error)}${reader.errorKey >= 0 && reader.error !== 0 ? ` in subfield ${f}.${reader.errorKey}` : ''}`;
    }
    parts.push(p);
  }
  const last = parts[parts.length - 1]!;
  return { dialect: d.name, mti: view.mti(), bytes: last.offset + last.bytes, parts };
}

function part(
  id: string,
  name: string,
  offset: number,
  bytes: number,
  dataOffset: number,
  dataBytes: number,
  units: number,
  encoding: string,
  prefix: string | null,
  value: string,
): ExplainedPart {
  return {
    id,
    name,
    offset,
    bytes,
    data_offset: dataOffset,
    data_bytes: dataBytes,
    units,
    encoding,
    prefix,
    value,
  };
}

/**
 * The bitmap as the fields it names ("fields 2,3,4,11,39"), not as hex: 16 hex digits of a bitmap
 * are often all digits and pass the Luhn check, so they would read as a PAN in any leak scan.
 */
function bitmapFields(view: MessageView): string {
  const ids: number[] = [];
  for (let f = 1; f <= view.bmBytes * 8; f++)
    if ((view.bmBuf[view.bmOff + ((f - 1) >> 3)]! & (0x80 >> ((f - 1) & 7))) !== 0) ids.push(f);
  return `fields ${ids.join(',')}`;
}
