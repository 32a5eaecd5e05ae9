/**
 * Card data in free text besides a PAN: text that came from outside (a payload field, a case note,
 * an alert rule) must never keep track data or a card security code. A PAN is masked where it
 * stands (scrubPans); these cannot be masked in place, because what is left of a track after its
 * PAN is masked (expiry, service code, discretionary data) is still track data, and a CVV is three
 * digits nothing tells apart but the word before it. So a field holding either is emptied or
 * refused by its owner. Pure.
 */
import { findPans } from './pan.js';
import { hasTrackShape, hasTrackShapeInProse } from './track.js';

/**
 * A card security code written after its name: CVV, CVV2, CVC, CVC2, CVN, CV2, CAV2, CSC or
 * "security code", then up to 3 separators and 3 or 4 digits ("cvv 123", "CVC2: 987", "csc=1234").
 */
const SECURITY_CODE = /\b(?:cvv2?|cvc2?|cvn2?|cv2|cav2|csc|security\s+code)\b[\s:=#-]{0,3}\d{3,4}(?!\d)/i;

export type CardDataKind = 'track data' | 'a card security code';

/**
 * What card data (other than a PAN) `text` holds, or null. `prose`: text a person wrote (a note, a
 * URL), where a lone "=1234" is not taken for a track's expiry (hasTrackShapeInProse).
 */
export function cardDataIn(text: string, prose = false): CardDataKind | null {
  if (prose ? hasTrackShapeInProse(text) : hasTrackShape(text)) return 'track data';
  if (SECURITY_CODE.test(text)) return 'a card security code';
  return null;
}

/**
 * True when an id (a merchant or terminal id) holds a card number: a PAN window (findPans) that
 * does not begin with 0. No issuer's card number begins with 0, and ids are often zero-padded
 * numbers: "M00000000000042" or "000000000000042" (field 42) hold a Luhn-valid window of zeros and
 * digits, which scrubPans would mask, turning the id into another one.
 */
export function idHoldsPan(text: string): boolean {
  return findPans(text).some((p) => p[0] !== '0');
}
