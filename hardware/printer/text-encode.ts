/**
 * Text → printer bytes in a code page (codepages.ts). A character the page lacks is replaced by
 * a plain look-alike (display/look-alikes.ts: typographic quotes and dashes, the ellipsis,
 * non-breaking spaces, "€" as "EUR" where the page has none), else by "?": the printer never gets
 * a byte it would print as something else.
 */
import { LOOK_ALIKES } from '../display/look-alikes.js';
import { type CodePage, SINGLE_BYTE_PAGES } from './codepages.js';

const singleByteMaps = new Map<CodePage, Map<string, number>>();

function singleByteMap(page: 'cp858' | 'cp866'): Map<string, number> {
  let m = singleByteMaps.get(page);
  if (!m) {
    m = new Map();
    const high = SINGLE_BYTE_PAGES[page].high;
    for (let i = 0; i < high.length; i++) m.set(high[i] as string, 0x80 + i);
    singleByteMaps.set(page, m);
  }
  return m;
}

/** Unicode character → GB18030 two-byte code (lead << 8 | trail), built on first use. */
let gbTable: Map<number, number> | null = null;

/**
 * Every two-byte GB18030 code (lead 0x81-0xFE, trail 0x40-0x7E or 0x80-0xFE) decoded at once by
 * Node's GB18030 decoder (ICU): 23,940 codes, each one BMP character, in a few milliseconds.
 */
function gb18030Table(): Map<number, number> {
  if (gbTable) return gbTable;
  const codes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) codes.push((lead << 8) | trail);
  }
  const bytes = new Uint8Array(codes.length * 2);
  codes.forEach((c, i) => {
    bytes[2 * i] = c >> 8;
    bytes[2 * i + 1] = c & 0xff;
  });
  const text = new TextDecoder('gb18030').decode(bytes);
  const t = new Map<number, number>();
  let i = 0;
  for (const ch of text) {
    const code = codes[i++];
    const cp = ch.codePointAt(0) as number;
    // the first code wins (a few PUA duplicates); U+FFFD marks a code ICU does not map
    if (code !== undefined && cp !== 0xfffd && !t.has(cp)) t.set(cp, code);
  }
  gbTable = t;
  return t;
}

function pushChar(out: number[], ch: string, page: CodePage, depth = 0): void {
  const cp = ch.codePointAt(0) as number;
  if (cp >= 0x20 && cp < 0x7f) {
    out.push(cp);
    return;
  }
  if (page === 'gb18030') {
    const code = gb18030Table().get(cp);
    if (code !== undefined) {
      out.push(code >> 8, code & 0xff);
      return;
    }
  } else {
    const b = singleByteMap(page).get(ch);
    if (b !== undefined && cp !== 0xad) {
      out.push(b);
      return;
    }
  }
  // look-alikes are tried only when the page lacks the character
  const alt = LOOK_ALIKES[ch];
  if (alt !== undefined && depth === 0) {
    for (const c of alt) pushChar(out, c, page, 1);
    return;
  }
  // a combining mark or control prints nothing; anything else is a visible "?"
  if (/^[\p{M}\p{Cc}\p{Cf}]$/u.test(ch)) return;
  out.push(0x3f);
}

/** One line of text as bytes of the page (no line feed). */
export function encodeText(text: string, page: CodePage): number[] {
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) pushChar(out, ch, page);
  return out;
}
