/**
 * Typed errors of the receipt printer. `code` is stable; `exitCode` follows the CLI contract:
 * 2 for a bad target or option (the user's to fix), 1 for a printer that cannot be reached.
 */
export type PrinterErrorCode =
  | 'E_USAGE' // a bad printer target or column count
  | 'E_WIDTH' // a line wider than the paper
  | 'E_PRINTER'; // the printer (file, TCP, serial) cannot be opened or written

export class PrinterError extends Error {
  readonly code: PrinterErrorCode;
  readonly exitCode: number;
  constructor(code: PrinterErrorCode, message: string) {
    super(message);
    this.name = 'PrinterError';
    this.code = code;
    this.exitCode = code === 'E_PRINTER' ? 1 : 2;
  }
}
