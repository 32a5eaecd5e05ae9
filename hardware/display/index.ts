/** Cashier display drivers: console (TTY), character LCD over serial, none. */

import type { HardwareLogger } from '../logger.js';
import type { SerialBinding } from '../serial/index.js';
import { ConsoleDisplay } from './console.js';
import { openLcdDisplay } from './lcd.js';
import { PagedDisplay } from './pager.js';
import { type Display, DisplayError, type Geometry } from './types.js';

export { ConsoleDisplay, cutColumns, padToColumns, screenRows } from './console.js';
export {
  LCD_CLEAR,
  LCD_COMMAND,
  LCD_DISPLAY_ON,
  LCD_INIT,
  LCD_ROW_OFFSETS,
  LCD_SET_DDRAM,
  LcdDisplay,
  lcdFrame,
  openLcdDisplay,
  toLcdBytes,
} from './lcd.js';
export { PagedDisplay } from './pager.js';
export * from './types.js';

/** Keeps the last screen, shows nothing. */
export class NoneDisplay extends PagedDisplay {
  readonly kind = 'none' as const;
  protected draw(): void {}
}

export interface CreateDisplayOptions {
  /** 'console', 'none', or 'lcd:/dev/ttyUSB1' (the `--display` flag's syntax). */
  spec: string;
  geometry?: Geometry;
  pageMs?: number;
  logger: HardwareLogger;
  /** LCD serial speed. Default 9600. */
  baudRate?: number;
  binding?: SerialBinding;
}

/** Makes a display from a `--display` value. */
export function createDisplay(o: CreateDisplayOptions): Display {
  const geometry = o.geometry ?? { width: 20, height: 4 };
  const paging = o.pageMs !== undefined ? { pageMs: o.pageMs } : {};
  if (o.spec === 'console') return new ConsoleDisplay({ geometry, ...paging });
  if (o.spec === 'none') return new NoneDisplay({ geometry, ...paging });
  if (o.spec.startsWith('lcd:') && o.spec.length > 4) {
    return openLcdDisplay({
      path: o.spec.slice(4),
      geometry,
      logger: o.logger,
      ...paging,
      ...(o.baudRate !== undefined ? { baudRate: o.baudRate } : {}),
      ...(o.binding ? { binding: o.binding } : {}),
    });
  }
  throw new DisplayError('E_DISPLAY_CONFIG', `display must be console, none or lcd:PATH, got "${o.spec}"`);
}
