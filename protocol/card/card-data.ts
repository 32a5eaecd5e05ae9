/**
 * Card data in free text besides a PAN: text that came from outside (a payload field, a case note,
 * an alert rule) must never keep track data or a card security code. A PAN is masked where it
 * stands (scrubPans); these cannot be masked in place, because what is left of a track after its
 * PAN is masked (expiry, service code, discretionary data) is still track data, and a CVV is three
 * digits nothing tells apart but the word before it. So a field holding either is emptied or
 * refused by its owner. Pure.
 */
import { holdsIssuablePan, scrubPans } from './pan.js';
import { hasTrackShape, hasTrackShapeInProse } from './track.js';

/**
 * A card security code written after its name: CVV, CVV2, CVC, CVC2, CVN, CV2, CAV2, CSC or
 * "security code", not inside a longer word, then up to 3 separators and 3 or 4 digits ("cvv 123",
 * "CVC2: 987", "csc=1234", "cvv2_123", "CVV2/123").
 */
const SECURITY_CODE =
  /(?<![A-Za-z])(?:cvv2?|cvc2?|cvn2?|cv2|cav2|csc|security\s+code)(?![A-Za-z])[\s:=#_./-]{0,3}\d{3,4}(?!\d)/i;
const SECURITY_CODES = new RegExp(SECURITY_CODE.source, 'gi');

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

/** True when the text holds card data of any kind: a PAN (scrubPans would mask it), track data or a security code. */
export function holdsCardData(text: string): boolean {
  return scrubPans(text) !== text || cardDataIn(text) !== null;
}

/**
 * True when an id (a merchant or terminal id) holds a card number: a PAN window that does not begin
 * with 0 (holdsIssuablePan), also behind zeros ("04761739001010119"). No issuer's card number
 * begins with 0, and ids are often zero-padded numbers: "M00000000000042" or "000000000000042"
 * (field 42) hold a Luhn-valid window of zeros and digits, which scrubPans would mask, turning the
 * id into another one.
 */
export function idHoldsPan(text: string): boolean {
  return holdsIssuablePan(text);
}

/** What replaces card data that cannot be masked in place. */
export const CARD_DATA_REMOVED = '[card data removed]';

/**
 * A line for a person (an error message that echoes what it was given): PANs masked (scrubPans),
 * then each card security code, and each word (between spaces and quotes) that still holds a piece
 * of track data, replaced by CARD_DATA_REMOVED; when a track's pieces stand in several words (a
 * name with spaces in track 1), the whole line is. Prose rules (cardDataIn's `prose`): an option
 * written `--x=1234` is left as it is.
 */
export function scrubCardData(text: string): string {
  const masked = scrubPans(text);
  if (cardDataIn(masked, true) === null) return masked;
  const out = masked
    .replace(SECURITY_CODES, CARD_DATA_REMOVED)
    .replace(/[^\s'"`]+/g, (word) => (hasTrackShapeInProse(word) ? CARD_DATA_REMOVED : word));
  return cardDataIn(out, true) === null ? out : `${CARD_DATA_REMOVED}${text.endsWith('\n') ? '\n' : ''}`;
}
