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

export function checkGeometry(g: Geometry): void {
  if (
    !Number.isInteger(g.width) ||
    g.width < 8 ||
    g.width > 256 ||
    !Number.isInteger(g.height) ||
    g.height < 2 ||
    g.height > 64
  ) {
    throw new DisplayError(
      'E_DISPLAY_GEOMETRY',
      `display must be 8..256 columns × 2..64 rows, got ${g.width}×${g.height}`,
    );
  }
}
