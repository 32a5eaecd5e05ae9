/**
 * Remote text made safe for an operator's terminal. Everything `fleet watch` prints that came over
 * MQTT (topic levels, alarm names, any payload string) passes through `terminalSafe` at the render
 * boundary: C0 controls (ESC, BEL, BS, CR, LF...), DEL, C1 controls (CSI U+009B, OSC U+009D, NEL
 * U+0085...), bidirectional overrides and isolates, and the Unicode line/paragraph separators are
 * removed, so a payload cannot move the cursor, clear the screen, set the window title, reorder the
 * text it sits in or forge a line. Pure.
 */

// U+0000-001F C0, U+007F DEL, U+0080-009F C1, U+061C ALM, U+200E/200F LRM/RLM, U+2028/2029 line
// and paragraph separators, U+202A-202E embeddings and overrides, U+2066-2069 isolates
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `s` without terminal control and bidi-control characters. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, '');
}
