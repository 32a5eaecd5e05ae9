/**
 * Mastercard's merchant advice code travels in field 48 subelement 84 of the response. The codec
 * reads field 48's subelements (the `mastercard-de48` subfields the ISO 87 and 93 dialects give
 * it, protocol/iso8583/subfield-presets.ts); this asks it for subelement 84, in place and without
 * allocating until a code is found.
 */
import { type MessageView, SubfieldReader, tagKey } from '../../protocol/iso8583/index.js';

const reader = new SubfieldReader();
const SE84 = tagKey('ascii', '84');
const code = new Uint8Array(99);

/** The 2-character merchant advice code, or null. */
export function merchantAdviceCode(view: MessageView): string | null {
  if (!reader.find(view, 48, SE84)) return null;
  const n = reader.codeInto(code);
  return n >= 2 ? String.fromCharCode(code[0]!, code[1]!) : null;
}
