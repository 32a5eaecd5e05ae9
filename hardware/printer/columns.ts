/**
 * The paper widths a receipt printer takes, in characters of its default font. A module of its own
 * so that `explain`, which only checks a width, does not load the ESC/POS encoder.
 */

/** Paper widths in characters of the default font: 58 mm paper 32, 80 mm paper 48 (42 on some). */
export const PRINTER_COLUMNS = [32, 42, 48] as const;
export type PrinterColumns = (typeof PRINTER_COLUMNS)[number];

/** True when `columns` is a paper width of PRINTER_COLUMNS: the one check of a column count. */
export function isPrinterColumns(columns: unknown): columns is PrinterColumns {
  return (PRINTER_COLUMNS as readonly unknown[]).includes(columns);
}

/**
 * A paper width written as text (a flag's value: "32", "42" or "48", nothing else, not "042"), or
 * null: the one parse of `--columns` (explain, script).
 */
export function parsePrinterColumns(text: string): PrinterColumns | null {
  const t = text.trim();
  for (const c of PRINTER_COLUMNS) if (String(c) === t) return c;
  return null;
}
