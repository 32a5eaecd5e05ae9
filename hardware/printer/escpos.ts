/**
 * A slip as an ESC/POS byte stream: the small command set every Epson-compatible receipt printer
 * understands (docs/printer.md): ESC @ (initialize), ESC t n (code page) or FS & ... FS . (the
 * Chinese double-byte mode, GB18030), the text with LF after each line, ESC d n (feed past the
 * tear bar) and GS V 66 0 (feed to the cutter and cut, partial). No images, no fonts, no styles:
 * a slip is text at the printer's default font, `columns` characters a line.
 */
import { textWidth } from '../display/text-width.js';
import { type CodePage, codePageFor, SINGLE_BYTE_PAGES } from './codepages.js';
import { encodeText } from './text-encode.js';
import { isPrinterColumns, PRINTER_COLUMNS } from './columns.js';
import { PrinterError } from './errors.js';

export { isPrinterColumns, PRINTER_COLUMNS, type PrinterColumns } from './columns.js';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const LF = 0x0a;

export interface SlipOptions {
  /** Characters per line; a line wider than this is refused (E_WIDTH). */
  columns: number;
  /** Cashier language: picks the code page (codePageFor). */
  lang: string;
  /** Blank lines fed before the cut (default 4: the text clears the tear bar). */
  feedLines?: number;
  /** Cut after the slip (default true). */
  cut?: boolean;
}

/** Throws PrinterError E_USAGE unless `columns` is a paper width (isPrinterColumns). */
export function checkColumns(columns: number): void {
  if (!isPrinterColumns(columns)) {
    throw new PrinterError(
      'E_USAGE',
      `printer columns must be ${PRINTER_COLUMNS.join(', ')}, got ${String(columns)}`,
    );
  }
}

/** The bytes of one slip: init, code page, the lines, feed, cut. */
export function encodeSlip(lines: readonly string[], opts: SlipOptions): Buffer {
  checkColumns(opts.columns);
  const page: CodePage = codePageFor(opts.lang);
  const out: number[] = [ESC, 0x40];
  if (page === 'gb18030') out.push(FS, 0x26);
  else out.push(ESC, 0x74, SINGLE_BYTE_PAGES[page].escT);
  lines.forEach((line, i) => {
    if (/[\n\r]/.test(line)) throw new PrinterError('E_WIDTH', `line ${i + 1} holds a line break`);
    const w = textWidth(line);
    if (w > opts.columns) {
      throw new PrinterError(
        'E_WIDTH',
        `line ${i + 1} is ${w} columns wide, the paper takes ${opts.columns}`,
      );
    }
    out.push(...encodeText(line, page), LF);
  });
  if (page === 'gb18030') out.push(FS, 0x2e);
  out.push(ESC, 0x64, Math.max(0, Math.min(255, opts.feedLines ?? 4)));
  if (opts.cut !== false) out.push(GS, 0x56, 66, 0);
  return Buffer.from(out);
}
