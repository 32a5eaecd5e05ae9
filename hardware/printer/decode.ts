/**
 * ESC/POS bytes → the text a printer would print, for the tests (a slip encodeSlip made, or one
 * that `pos-agent script --print FILE` or the PRINT key wrote to a file); no command reads slips
 * back, so the printer's index does not export it. Reads exactly the commands escpos.ts sends
 * (ESC @, ESC t for the pages in codepages.ts, FS & / FS ., ESC d, GS V, LF) and throws on any
 * other control byte, so a stray or unknown command is found, not printed as text.
 */
import { type CodePage, SINGLE_BYTE_PAGES } from './codepages.js';

export interface DecodedSlip {
  /** Printed lines, in order (feeds are not lines of text). */
  lines: string[];
  /** The code page the slip selected: ESC t's single-byte page, or 'gb18030' after FS &. */
  codePage: CodePage | 'cp437';
  /** Whether the slip ended with a cut. */
  cut: boolean;
}

const PAGE_BY_ESC_T = new Map<number, 'cp858' | 'cp866' | 'cp437'>([
  [0, 'cp437'],
  [SINGLE_BYTE_PAGES.cp858.escT, 'cp858'],
  [SINGLE_BYTE_PAGES.cp866.escT, 'cp866'],
]);

const gb = new TextDecoder('gb18030', { fatal: true });

function hex(b: number | undefined): string {
  return b === undefined ? 'end of data' : `0x${b.toString(16).padStart(2, '0')}`;
}

/** Decodes a stream of one or more slips (each starts with ESC @). */
export function decodeEscPos(bytes: Uint8Array): DecodedSlip[] {
  const slips: DecodedSlip[] = [];
  let page: 'cp858' | 'cp866' | 'cp437' = 'cp437';
  let doubleByte = false;
  let slip: DecodedSlip | null = null;
  let line = '';
  const cur = (): DecodedSlip => {
    if (!slip) {
      slip = { lines: [], codePage: page, cut: false };
      slips.push(slip);
    }
    return slip;
  };
  const need = (i: number, n: number, what: string): void => {
    if (i + n > bytes.length) throw new Error(`ESC/POS: ${what} cut short at byte ${i}`);
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === 0x1b) {
      need(i, 2, 'ESC command');
      const c = bytes[i + 1];
      if (c === 0x40) {
        if (line !== '') cur().lines.push(line);
        line = '';
        page = 'cp437';
        doubleByte = false;
        slip = null;
        cur();
        i += 2;
      } else if (c === 0x74) {
        need(i, 3, 'ESC t');
        const p = PAGE_BY_ESC_T.get(bytes[i + 2] as number);
        if (!p) throw new Error(`ESC/POS: code page ${bytes[i + 2]} not known to this decoder`);
        page = p;
        cur().codePage = p;
        i += 3;
      } else if (c === 0x64) {
        need(i, 3, 'ESC d');
        i += 3;
      } else throw new Error(`ESC/POS: unknown command ESC ${hex(c)} at byte ${i}`);
    } else if (b === 0x1c) {
      need(i, 2, 'FS command');
      const c = bytes[i + 1];
      if (c === 0x26) {
        doubleByte = true;
        cur().codePage = 'gb18030';
      } else if (c === 0x2e) doubleByte = false;
      else throw new Error(`ESC/POS: unknown command FS ${hex(c)} at byte ${i}`);
      i += 2;
    } else if (b === 0x1d) {
      need(i, 3, 'GS command');
      if (bytes[i + 1] !== 0x56)
        throw new Error(`ESC/POS: unknown command GS ${hex(bytes[i + 1])} at byte ${i}`);
      const m = bytes[i + 2] as number;
      const withN = m === 65 || m === 66;
      if (withN) need(i, 4, 'GS V');
      else if (![0, 1, 48, 49].includes(m)) throw new Error(`ESC/POS: GS V ${m} is not a cut`);
      if (line !== '') cur().lines.push(line);
      line = '';
      cur().cut = true;
      i += withN ? 4 : 3;
    } else if (b === 0x0a) {
      cur().lines.push(line);
      line = '';
      i += 1;
    } else if (b < 0x20 || b === 0x7f) {
      throw new Error(`ESC/POS: unexpected control byte ${hex(b)} at byte ${i}`);
    } else if (b < 0x80) {
      line += String.fromCharCode(b);
      i += 1;
    } else if (doubleByte) {
      need(i, 2, 'double-byte character');
      line += gb.decode(bytes.subarray(i, i + 2));
      i += 2;
    } else {
      if (page === 'cp437') throw new Error(`ESC/POS: byte ${hex(b)} in code page 437 (not decoded here)`);
      line += SINGLE_BYTE_PAGES[page].high[b - 0x80];
      i += 1;
    }
  }
  if (line !== '') cur().lines.push(line);
  return slips;
}

/** All printed lines of a stream, slip after slip. */
export function escPosLines(bytes: Uint8Array): string[] {
  return decodeEscPos(bytes).flatMap((s) => s.lines);
}
