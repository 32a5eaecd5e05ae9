/**
 * ISO 8583 codec: field specs as data, dialects, a decoder into a reused view that allocates
 * nothing (decoder.ts, view.ts), an encoder, an EMV TLV reader. Pure: no I/O.
 */
export * from './spec.js';
export * from './errors.js';
export { ISO8583_1987_FIELDS } from './fields-1987.js';
export { ISO8583_1993_FIELDS } from './fields-1993.js';
export {
  DIALECTS,
  DIALECT_NAMES,
  DIALECT_ALIASES,
  ASCII_DIALECT,
  ASCII_HEX_DIALECT,
  BCD_DIALECT,
  isDialectName,
  type DialectName,
} from './dialects.js';
export * from './composite.js';
export { SubfieldReader, subfieldSensitivity } from './subfields.js';
export { SUBFIELD_PRESETS, SUBFIELD_PRESET_NAMES, type SubfieldPresetName } from './subfield-presets.js';
export { dialectFromJson, DialectError } from './dialect-json.js';
export { MessageView } from './view.js';
export { decodeInto } from './decoder.js';
export {
  encodeMessage,
  encodeField,
  encodeComposite,
  type FieldValue,
  type IsoMessage,
  type SubfieldValues,
} from './encoder.js';
export { TlvReader, TlvError, tagHex, SAFE_EMV_TAGS, SAFE_EMV_LENGTHS, CARD_DATA_EMV_TAGS } from './tlv.js';
export { describeMessage, emvTags, REDACTED, safeOutput, type DescribedMessage } from './describe.js';
export { explainMessage, type ExplainedMessage, type ExplainedPart } from './explain.js';
