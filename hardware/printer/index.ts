/**
 * The receipt printer: ESC/POS slips to a TCP, serial or file target (docs/printer.md). The
 * decoder that reads such bytes back (decode.ts) is for tests and is not exported here.
 */
export { codePageFor, type CodePage } from './codepages.js';
export { encodeSlip, isPrinterColumns, PRINTER_COLUMNS, type SlipOptions } from './escpos.js';
export { parsePrinterColumns } from './columns.js';
export { PrinterError, type PrinterErrorCode } from './errors.js';
export {
  openPrinter,
  parsePrinterTarget,
  type Printer,
  type PrinterOptions,
  type PrinterTarget,
} from './printer.js';
