/**
 * The receipt printer: ESC/POS slips to a TCP, serial or file target (docs/printer.md), and the
 * decoder that reads such bytes back into text lines.
 */
export { codePageFor, type CodePage } from './codepages.js';
export { type DecodedSlip, decodeEscPos, escPosLines } from './decode.js';
export { encodeSlip, isPrinterColumns, PRINTER_COLUMNS, type SlipOptions } from './escpos.js';
export { PrinterError, type PrinterErrorCode } from './errors.js';
export {
  openPrinter,
  parsePrinterTarget,
  type Printer,
  type PrinterOptions,
  type PrinterTarget,
} from './printer.js';
