/**
 * Mastercard's merchant advice code travels in field 48 subelement 84 of the response. Field 48
 * there is a transaction category code (1 character) followed by subelements, each a 2-digit id,
 * a 2-digit length and the data. Pure and allocation-free until a code is found.
 */
import type { MessageView } from '../../protocol/iso8583/index.js';

/** The 2-character merchant advice code, or null. Reads field 48 in place. */
export function merchantAdviceCode(view: MessageView): string | null {
  if (!view.has(48) || view.dialect === null) return null;
  const span = asciiSpan(view, 48);
  if (span < 0) return null;
  const buf = view.buf;
  const o = view.offsetOf(48);
  let p = o + 1; // skip the transaction category code
  const end = o + span;
  while (end - p >= 4) {
    const id = digits2(buf, p);
    const len = digits2(buf, p + 2);
    if (id < 0 || len < 0 || end - p - 4 < len) return null;
    if (id === 84 && len >= 2) return String.fromCharCode(buf[p + 4]!, buf[p + 5]!);
    p += 4 + len;
  }
  return null;
}

function asciiSpan(view: MessageView, field: number): number {
  const enc = view.dialect!.enc[field];
  return enc === 1 ? view.unitsOf(field) : -1; // ENC_ASCII only
}

function digits2(buf: Uint8Array, p: number): number {
  const a = buf[p]! - 48;
  const b = buf[p + 1]! - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}
