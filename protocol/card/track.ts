/**
 * The shapes of magnetic-stripe track data (ISO/IEC 7813), for text that should never hold it: a
 * field of a misframed message, a record's reference number. Track 2 is the PAN, a separator ('='
 * in ASCII, 'D' as a BCD nibble), expiry YYMM and a 3-digit service code; track 1 is format code
 * 'B', the PAN, '^', the name as SURNAME/GIVEN, '^', expiry and service code. A fragment is enough:
 * the tail of a PAN with the separator and 7 digits, or a '^' before a name with its '/'.
 */

/**
 * Track 2: 4 PAN digits, '=' or 'D' ('d' in a hex dump written in lowercase), expiry and service
 * code (7 digits); or '=' and an expiry on its own (the part after the PAN, "=2512..."): '=' is the
 * track-2 field separator.
 */
const TRACK2 = /\d{4}[=Dd]\d{7}|=\d{4}/;
/** Track 1: '^' name '^' then expiry and service code; or '^' SURNAME '/'; or 'B' PAN '^'. */
const TRACK1 = /\^[^^]{1,26}\^\d{7}|\^[A-Z][A-Z .'-]{0,25}\/|B\d{12,19}\^/;

/**
 * A character every shape above holds ('=', 'D' or 'd' for track 2, '^' for track 1): text without one
 * has none, found with one test instead of two (the store checks every wire field of every record).
 */
const TRACK_MARK = /[=Dd^]/;

/**
 * Track 2 in prose a person wrote (a case note, a URL): the PAN's tail with the separator and 7
 * digits, or '=' and 7 digits (expiry and service code); a lone "=2512" is not enough there, as
 * "ref=1234" is common in prose.
 */
const TRACK2_PROSE = /\d{4}[=Dd]\d{7}|=\d{7}/;

/** True when the text holds what looks like a piece of track 1 or track 2 data. */
export function hasTrackShape(text: string): boolean {
  return TRACK_MARK.test(text) && (TRACK2.test(text) || TRACK1.test(text));
}

/** hasTrackShape for text a person wrote: a lone '=' and 4 digits does not count. */
export function hasTrackShapeInProse(text: string): boolean {
  return TRACK2_PROSE.test(text) || TRACK1.test(text);
}
