/**
 * Turns a decoded view into a plain object for output (the `decode` command, logs, tests). Not on
 * the hot path. Card data rules apply: PAN masked, tracks and PIN block shown only as "[redacted]",
 * field 55 reduced to the EMV tags that may leave the device (also when a dialect carries it as hex
 * text), a PAN-like number in any value masked (free text such as 102 Account Identification, and
 * numbers too: a PAN that lands in a numeric field of a misframed message is still a PAN), and a
 * binary value whose hex or whose bytes read as text hold a PAN, or a text value with control
 * characters, track-data shapes or binary data as hex in it (misframed secrets), or a PAN or hex
 * run once its separators are taken out (space, underscore, slash, dash; other punctuation only
 * between groups of 3 or more digits, so a date's "03.12.2026 10:42:07" is not read as one number),
 * redacted whole.
 * When field 55 is not clean TLV, every field after it is withheld as well (see describeMessage).
 * Binary data (a field or subfield of type b, in any of its encodings) leaves as hex only when its
 * spec marks it `public`: opaque bytes are where a misframed message puts a PIN block, and no scan
 * tells a PIN block from other bytes. A field with subfields leaves only through them, each under
 * its own rule, never as its raw value (whose hex would carry a withheld subfield's bytes).
 */
import { scrubPans } from '../card/pan.js';
import { cardDataIn } from '../card/card-data.js';
import { COMP_TLV_BER, SUB_PUBLIC, tagText } from './composite.js';
import { decodeErrorName } from './errors.js';
import { ENC_BINARY, ENC_EBCDIC_HEX, ENC_HEX } from './spec.js';
import { SubfieldReader } from './subfields.js';
import { holdsCardDataTag, SAFE_EMV_LENGTHS, TlvReader, tagHex } from './tlv.js';
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
/** C0 and C1 controls and DEL. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** A run of 16 or more hex digits: binary data written as hex (a PIN block, a cryptogram). */
const HEX_RUN = /[0-9A-Fa-f]{16,}/g;

/** The separators a PAN or PIN block is written in groups with: "4111 1111 ...", "0412-AC89-...". */
const GROUP_SEPARATORS = /[ _/-]+/g;
/**
 * Other punctuation between two groups of 3 or more digits ("4111|1111*1111+1111", "4111.1111...").
 * Not between shorter ones: the dots and colons of "03.12.2026 10:42:07" do not join a date and a
 * time into a 14-digit number (a Luhn-valid 13-digit window in about a third of them).
 */
const DIGIT_GROUP_PUNCTUATION = /(?<=[0-9]{3})[^0-9A-Za-z=^]+(?=[0-9]{3})/g;

/**
 * Secret card data in a text field, shifted there by a misframed message (a length or bitmap off
 * by a little) or written there: track data by its shape, a card security code after its name
 * ("CVV2: 123"), and binary data as hex text (the ascii-hex dialect writes a PIN block so) as a 16+
 * hex-digit run mixing digits and letters. `masked` is scrubPans(text).
 */
function misplacedSecret(text: string, masked: string): boolean {
  if (text.length < 5) return false;
  if (cardDataIn(text) !== null) return true;
  // the same with the separators taken out: a PAN or PIN block written in groups
  // ("4111_1111_1111_1111", "0412-AC89-ABCD-EF01") is still one (of the text with the PANs
  // scrubPans finds already masked: those are shown masked, not withheld)
  const compact = masked.replace(GROUP_SEPARATORS, '').replace(DIGIT_GROUP_PUNCTUATION, '');
  for (const t of compact === text ? [text] : [text, compact]) {
    for (const m of t.matchAll(HEX_RUN)) if (/[0-9]/.test(m[0]) && /[A-Fa-f]/.test(m[0])) return true;
  }
  return compact !== text && carriesPan(compact);
}

/** True when the text holds a PAN (a Luhn-valid 13-19 digit window, see scrubPans). */
function carriesPan(text: string): boolean {
  return scrubPans(text) !== text;
}

/** Binary data as uppercase hex, or REDACTED when its hex or its bytes read as text hold a PAN. */
function binaryOut(bytes: Buffer): string {
  const hex = bytes.toString('hex').toUpperCase();
  return carriesPan(hex) || carriesPan(bytes.toString('latin1')) ? REDACTED : hex;
}

/**
 * A value read out of a message, for output: binary data (given as hex) withheld unless `shown`
 * (its spec marks it public) and then still when it holds a PAN, text with control characters or
 * misplaced secrets withheld, PANs in text masked. The same rules describeMessage applies to a
 * field and to a subfield.
 */
export function safeOutput(value: string, binary: boolean, shown = false): string {
  if (binary) return shown ? binaryOut(Buffer.from(value, 'hex')) : REDACTED;
  if (CONTROL.test(value)) return REDACTED;
  const masked = scrubPans(value);
  return misplacedSecret(value, masked) ? REDACTED : masked;
}

export function describeMessage(view: MessageView): DescribedMessage {
  const fields: DescribedMessage['fields'] = {};
  const names: Record<string, string> = {};
  const d = view.dialect;
  // set once field 55 is not clean TLV: its declared length is wrong, so the fields read after it
  // may be the rest of the EMV data (a track-2 tail read as field 85: card-data fuzz) and are withheld
  let misframed = false;
  for (const f of view.fieldNumbers()) {
    names[f] = d?.specs[f]?.name ?? `Field ${f}`;
    if (view.isRedacted(f) || misframed) {
      fields[f] = REDACTED;
      continue;
    }
    if (f === 55) {
      const span = view.binarySpan(55);
      // EMV data as hex characters (ascii-hex dialect): the same tag filter; other text is withheld
      // since it cannot be checked for track-equivalent data (tags 57, 5A)
      const text = span ? '' : (view.emvText(55) ?? '');
      const emv = span
        ? emvTags(view.buf, span.offset, span.length)
        : HEX_TEXT.test(text)
          ? emvTags(Buffer.from(text, 'hex'), 0, text.length / 2)
          : REDACTED;
      fields[f] = emv;
      misframed = emv === REDACTED || Object.values(emv).includes(REDACTED);
      continue;
    }
    if (d?.composites[f]) {
      fields[f] = subfieldsOut(view, f);
      continue;
    }
    const value = view.get(f) ?? '';
    // control bytes in text are binary data in the wrong place (a misframed message): withheld,
    // also because JSON writes them as \u00XX, digits that could complete a PAN
    fields[f] = safeOutput(value, isBinary(d?.enc[f] ?? 0), d?.specs[f]?.public === true);
  }
  const rc = fields[39];
  return {
    mti: view.mti(),
    fields,
    names,
    response_code: typeof rc === 'string' && rc !== REDACTED ? rc : null,
  };
}

function isBinary(enc: number): boolean {
  return enc === ENC_BINARY || enc === ENC_HEX || enc === ENC_EBCDIC_HEX;
}

/** Key of the reader's current subfield: "lead", a BER tag in hex, a character tag, or the number. */
export function subfieldKey(reader: SubfieldReader): string {
  const c = reader.comp!;
  return reader.key === -1 ? 'lead' : c.kind >= COMP_TLV_BER ? tagText(c, reader.key) : String(reader.key);
}

/**
 * The output value of the reader's current subfield: withheld when secret (or under a secret
 * field and not public), the EMV filter's verdict `emv` for a tag of field 55, binary data only
 * when public, text through the same rules as a field's.
 */
export function subfieldOut(reader: SubfieldReader, emv: Record<string, string> | string | null): string {
  const sens = reader.sensitivity();
  if (sens === 2) return REDACTED;
  if (sens === 3) {
    const key = subfieldKey(reader);
    return typeof emv === 'object' && emv !== null && emv[key] !== undefined ? emv[key] : REDACTED;
  }
  const c = reader.comp!;
  const flags =
    c.kind >= COMP_TLV_BER ? (c.tagFlags.get(reader.key) ?? 0) : reader.key === -1 ? 0 : c.flags[reader.key]!;
  return safeOutput(reader.get() ?? '', isBinary(reader.word & 7), (flags & SUB_PUBLIC) !== 0);
}

const subReader = new SubfieldReader();

/**
 * A composite field as its subfields, { "1": "...", "10": "[redacted]" }, each under its own rule;
 * `_error` names the bad data that stopped the walk (the subfields after it are not shown).
 */
function subfieldsOut(view: MessageView, f: number): Record<string, string> | string {
  const out: Record<string, string> = {};
  if (!subReader.begin(view, f) && subReader.error === 0) return REDACTED;
  while (subReader.next()) out[subfieldKey(subReader)] = subfieldOut(subReader, null);
  if (subReader.error !== 0)
    out._error = `${decodeErrorName(subReader.error)} at offset ${subReader.errorOffset - view.start}`;
  return out;
}

/** EMV text tags (format ans): application label 50 and application preferred name 9F12. */
const EMV_TEXT_TAGS: ReadonlySet<number> = new Set([0x50, 0x9f12]);

/**
 * True when a variable-length value may carry card data after its own bytes (a declared length that
 * runs over the following tags, whose first element then does not start at the value's offset): a
 * text tag holding a byte outside printable ASCII, or a binary one holding the start of a card-data
 * element (56, 57, 5A, 99, 5F20, 5F24, 9F0B, 9F1F, 9F20, 9F6B with a non-zero length) at any offset,
 * even one truncated by the end of the value. Errs on the side of redacting.
 */
function hidesCardData(tag: number, buf: Uint8Array, start: number, end: number): boolean {
  if (EMV_TEXT_TAGS.has(tag)) {
    for (let i = start; i < end; i++) if (buf[i]! < 0x20 || buf[i]! > 0x7e) return true;
    return false;
  }
  for (let i = start; i < end - 1; i++) {
    const b = buf[i]!;
    const next = buf[i + 1]!;
    if ((b === 0x56 || b === 0x57 || b === 0x5a || b === 0x99) && next > 0) return true;
    if (i + 2 < end && buf[i + 2]! > 0) {
      if (b === 0x5f && (next === 0x20 || next === 0x24)) return true;
      if (b === 0x9f && (next === 0x0b || next === 0x1f || next === 0x20 || next === 0x6b)) return true;
    }
  }
  return false;
}

/**
 * Safe EMV tags of a TLV block as { "9F27": "80", ... }; other tags are dropped (and counted). A
 * safe tag's value is REDACTED when its length is not the tag's defined length (a declared length
 * that runs over the following tags), when it holds a card-data tag as nested TLV, or when it holds a
 * PAN. A block that does not parse as TLV is REDACTED whole.
 */
export function emvTags(
  buf: Uint8Array,
  offset: number,
  length: number,
): Record<string, string> | typeof REDACTED {
  const out: Record<string, string> = {};
  const r = new TlvReader().reset(buf, offset, offset + length);
  const inner = new TlvReader();
  let dropped = 0;
  while (r.next()) {
    const lim = SAFE_EMV_LENGTHS.get(r.tag);
    if (lim === undefined) {
      dropped++;
      continue;
    }
    const vo = r.valueOffset;
    const n = r.valueLength;
    const [min, max] = lim;
    // a fixed-length value (6 bytes at most) is too short to hide a card-data element or a PAN
    out[tagHex(r.tag)] =
      n < min ||
      n > max ||
      (min < max && (holdsCardDataTag(inner, buf, vo, vo + n) || hidesCardData(r.tag, buf, vo, vo + n)))
        ? REDACTED
        : binaryOut(Buffer.from(buf.buffer, buf.byteOffset + vo, n));
  }
  if (r.error) return REDACTED;
  if (dropped > 0) out._dropped = String(dropped);
  return out;
}
