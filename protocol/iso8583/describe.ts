/**
 * Turns a decoded view into a plain object for output (the `decode` command, logs, tests). Not on
 * the hot path. Card data rules apply: PAN masked, tracks and PIN block shown only as "[redacted]",
 * field 55 reduced to the EMV tags that may leave the device (also when a dialect carries it as hex
 * text), and a PAN-like number in a free-text field (e.g. 102 Account Identification) masked.
 */
import { scrubPans } from '../card/pan.js';
import { SAFE_EMV_TAGS, TlvReader, tagHex } from './tlv.js';
import type { MessageView } from './view.js';

export interface DescribedField {
  name: string;
  value: string;
}

export interface DescribedMessage {
  mti: string;
  /** Field number → value (strings); redacted fields say "[redacted]". */
  fields: Record<string, string | Record<string, string>>;
  /** Field number → field name. */
  names: Record<string, string>;
  response_code: string | null;
}

export const REDACTED = '[redacted]';

const HEX_TEXT = /^(?:[0-9A-Fa-f]{2})*$/;
const TEXT_TYPES: ReadonlySet<string> = new Set(['a', 'an', 'ans', 'ns']);

export function describeMessage(view: MessageView): DescribedMessage {
  const fields: DescribedMessage['fields'] = {};
  const names: Record<string, string> = {};
  const d = view.dialect;
  for (const f of view.fieldNumbers()) {
    names[f] = d?.specs[f]?.name ?? `Field ${f}`;
    if (view.isRedacted(f)) {
      fields[f] = REDACTED;
      continue;
    }
    if (f === 55) {
      const span = view.binarySpan(55);
      if (span) {
        fields[f] = emvTags(view.buf, span.offset, span.length);
        continue;
      }
      // EMV data as hex characters (ascii-hex dialect): the same tag filter; other text is withheld
      // since it cannot be checked for track-equivalent data (tags 57, 5A)
      const text = view.emvText(55) ?? '';
      fields[f] = HEX_TEXT.test(text) ? emvTags(Buffer.from(text, 'hex'), 0, text.length / 2) : REDACTED;
      continue;
    }
    const value = view.get(f) ?? '';
    // free text may carry a PAN; numbers (amounts, dates, codes) and binary values are left as they are
    const type = d?.specs[f]?.type;
    fields[f] = type !== undefined && TEXT_TYPES.has(type) ? scrubPans(value) : value;
  }
  return { mti: view.mti(), fields, names, response_code: view.get(39) ?? null };
}

/** Safe EMV tags of a TLV block as { "9F27": "80", ... }; unsafe tags are dropped. */
export function emvTags(buf: Uint8Array, offset: number, length: number): Record<string, string> {
  const out: Record<string, string> = {};
  const r = new TlvReader().reset(buf, offset, offset + length);
  let dropped = 0;
  while (r.next()) {
    if (SAFE_EMV_TAGS.has(r.tag)) {
      out[tagHex(r.tag)] = Buffer.from(buf.buffer, buf.byteOffset + r.valueOffset, r.valueLength)
        .toString('hex')
        .toUpperCase();
    } else dropped++;
  }
  if (dropped > 0) out._dropped = String(dropped);
  if (r.error) out._error = 'malformed TLV';
  return out;
}
