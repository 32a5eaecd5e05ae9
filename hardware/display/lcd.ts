/**
 * Character LCD (HD44780 class, 16×2 / 20×4) behind a serial backpack, over a second serial line.
 * Byte protocol (the common SparkFun SerLCD / HD44780 "command prefix" set; docs/serial.md):
 *
 *   0xFE 0x01              clear display, cursor home (sent once when the display opens)
 *   0xFE 0x0C              display on, cursor off, blink off (sent once when the display opens)
 *   0xFE (0x80 | addr)     set cursor: DDRAM address = ROW_OFFSET[row] + col
 *                           ROW_OFFSET = 0x00, 0x40, 0x14, 0x54 (rows 0-3; 16×2 uses the first two)
 *   bytes 0x20-0x7D, 0xA0-0xFF   characters from the display's ROM (A00, Japanese standard)
 *
 * Every draw writes each row in full (cursor to column 0, then exactly `width` characters,
 * padded with spaces): no clear between pages, so no flicker. Characters the A00 ROM lacks are
 * transliterated (é → e, ß → ss, Cyrillic → Latin, “” → ") or replaced with '?' (CJK: use an
 * English prompt on an LCD, or the console display). ä ö ü ñ ° µ use their ROM codes.
 */
import type { HardwareLogger } from '../logger.js';
import { type Link, openSerialLink, type SerialBinding } from '../serial/index.js';
import { PagedDisplay, type PagerOptions, titleRow } from './pager.js';
import { lcdCodes } from './lcd-charset.js';
import { checkGeometry, DisplayError, LCD_LIMITS, type Screen } from './types.js';

export const LCD_COMMAND = 0xfe;
export const LCD_CLEAR = 0x01;
export const LCD_DISPLAY_ON = 0x0c;
export const LCD_SET_DDRAM = 0x80;
export const LCD_ROW_OFFSETS = [0x00, 0x40, 0x14, 0x54] as const;

/** Text → LCD ROM bytes (A00), exactly `width` bytes: transliterated, cut, padded with spaces. */
export function toLcdBytes(text: string, width: number): Buffer {
  const out = Buffer.alloc(width, 0x20);
  let n = 0;
  const put = (b: number) => {
    if (n < width) out[n++] = b;
  };
  for (const ch of text) {
    if (n >= width) break;
    for (const code of lcdCodes(ch)) put(code);
  }
  return out;
}

/** The bytes of one full draw of a screen page (cursor + row, for every row). */
export function lcdFrame(rows: readonly string[], width: number): Buffer {
  if (rows.length > LCD_ROW_OFFSETS.length)
    throw new DisplayError('E_DISPLAY_GEOMETRY', 'an HD44780 LCD has at most 4 rows');
  const parts: Buffer[] = [];
  rows.forEach((r, i) => {
    parts.push(Buffer.from([LCD_COMMAND, LCD_SET_DDRAM | LCD_ROW_OFFSETS[i]!]), toLcdBytes(r, width));
  });
  return Buffer.concat(parts);
}

export const LCD_INIT = Buffer.from([LCD_COMMAND, LCD_CLEAR, LCD_COMMAND, LCD_DISPLAY_ON]);

export interface LcdDisplayOptions extends PagerOptions {
  /** Where the bytes go (tests, or an already open port). */
  write: (bytes: Buffer) => void;
}

export class LcdDisplay extends PagedDisplay {
  readonly kind = 'lcd' as const;
  private readonly write: (b: Buffer) => void;
  private onClose: (() => Promise<void>) | null = null;

  constructor(opts: LcdDisplayOptions) {
    super(opts);
    checkGeometry(opts.geometry, LCD_LIMITS);
    this.write = opts.write;
  }

  /** Sends clear + display-on, then redraws what is up (after (re)connecting). */
  init(): void {
    this.write(LCD_INIT);
    this.redraw();
  }

  setCloser(fn: () => Promise<void>): void {
    this.onClose = fn;
  }

  protected draw(screen: Screen, page: number): void {
    const { width, height } = this.geometry;
    const lines = screen.pages[page] ?? [];
    const rows = [
      titleRow(
        screen,
        page,
        width,
        (s) => [...s].length,
        (s, w) => [...s].slice(0, w).join(''),
      ),
    ];
    for (let i = 0; i < height - 1; i++) rows.push(lines[i] ?? '');
    this.write(lcdFrame(rows, width));
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.onClose) await this.onClose();
  }
}

export interface OpenLcdOptions extends Omit<PagerOptions, 'geometry'> {
  path: string;
  /** Default 9600 (the usual backpack rate). */
  baudRate?: number;
  /** Default 20×4. */
  geometry?: { width: number; height: number };
  logger: HardwareLogger;
  binding?: SerialBinding;
}

/** Opens an LCD on a serial device; reconnects like the module link and redraws on every (re)open. */
export function openLcdDisplay(opts: OpenLcdOptions): LcdDisplay {
  const geometry = opts.geometry ?? { width: 20, height: 4 };
  let link: Link | null = null;
  const lcd = new LcdDisplay({
    geometry,
    ...(opts.pageMs !== undefined ? { pageMs: opts.pageMs } : {}),
    write: (b) => {
      link?.write(b);
    },
  });
  link = openSerialLink({
    path: opts.path,
    baudRate: opts.baudRate ?? 9600,
    framing: 'line', // nothing is expected back; whatever comes is framed and ignored
    logger: opts.logger.child({ component: 'lcd' }),
    ...(opts.binding ? { binding: opts.binding } : {}),
  });
  link.onState((s) => {
    if (s === 'open') lcd.init();
  });
  lcd.setCloser(() => link!.close());
  return lcd;
}
