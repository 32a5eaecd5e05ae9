/**
 * The cashier display. A Screen is already laid out: a title/status row plus pages of text lines
 * that fit `textGeometry` (the agent lays them out; hardware/ does no text layout). Every
 * driver shows the title on its own first row and the page below it, so text pages are laid out
 * for width × (height − 1).
 */
export interface Geometry {
  width: number;
  height: number;
}

export interface Screen {
  /** Status row, e.g. "DECLINED 51" or "READY". */
  title: string;
  /** Pages of lines, each line at most textGeometry.width columns, each page at most textGeometry.height lines. */
  pages: readonly (readonly string[])[];
  /** Colour hint for drivers that have colour. */
  tone?: 'ok' | 'info' | 'warn' | 'error';
  /** What the screen is for, e.g. the response code ('' for an approval): for logs and tests, not drawn. */
  code?: string;
}

export interface Display {
  readonly kind: 'console' | 'lcd' | 'none';
  /** The whole screen in character cells. */
  readonly geometry: Geometry;
  /** Where page text goes: geometry minus the title row. */
  readonly textGeometry: Geometry;
  /** Shows a screen from its first page; pages then advance every pageMs (if > 0). */
  show(screen: Screen): void;
  /** Shows the next page now (wraps around) and restarts the page timer. */
  nextPage(): void;
  /** Shows the page before (wraps around). */
  previousPage(): void;
  /** Sounds the buzzer, where the display has one: approved, declined, do not retry. */
  beep?(pattern: 'approved' | 'declined' | 'do_not_retry'): void;
  /** The screen and page on display (tests, status). */
  readonly current: { screen: Screen; page: number } | null;
  close(): Promise<void>;
}

export class DisplayError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'DisplayError';
    this.code = code;
  }
}

export interface GeometryLimits {
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
}

/**
 * The displays the agent draws on, in character cells: the one set of limits that the config
 * (display.width, display.height), `pos-agent explain` and every driver check. From a 16×2 LCD up
 * to an 80×24 terminal; 2 rows at least, because the title takes the first row and the text needs
 * one more.
 */
export const DISPLAY_LIMITS: Readonly<GeometryLimits> = Object.freeze({
  minWidth: 16,
  maxWidth: 80,
  minHeight: 2,
  maxHeight: 24,
});

/** An HD44780-class character LCD: DISPLAY_LIMITS, but at most 40 columns and 4 rows. */
export const LCD_LIMITS: Readonly<GeometryLimits> = Object.freeze({
  ...DISPLAY_LIMITS,
  maxWidth: 40,
  maxHeight: 4,
});

/** What is wrong with `g` against `limits`, in words (null: nothing). */
export function geometryProblem(g: Geometry, limits: GeometryLimits = DISPLAY_LIMITS): string | null {
  const { width, height } = g;
  if (
    Number.isInteger(width) &&
    width >= limits.minWidth &&
    width <= limits.maxWidth &&
    Number.isInteger(height) &&
    height >= limits.minHeight &&
    height <= limits.maxHeight
  ) {
    return null;
  }
  return `display must be ${limits.minWidth}..${limits.maxWidth} columns × ${limits.minHeight}..${limits.maxHeight} rows, got ${String(width)}×${String(height)}`;
}

/** Throws DisplayError E_DISPLAY_GEOMETRY unless `g` is within `limits` (default DISPLAY_LIMITS). */
export function checkGeometry(g: Geometry, limits: GeometryLimits = DISPLAY_LIMITS): void {
  const problem = geometryProblem(g, limits);
  if (problem !== null) throw new DisplayError('E_DISPLAY_GEOMETRY', problem);
}
