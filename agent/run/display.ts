/**
 * Opens the configured cashier display (hardware/display): the console (a boxed screen on a TTY,
 * plain lines otherwise), a character LCD on a serial line, or none.
 */
import { createWriteStream } from 'node:fs';
import { ConsoleDisplay, createDisplay, type Display } from '../../hardware/display/index.js';
import { type AgentConfig, ConfigError } from '../config/index.js';
import type { Logger } from '../log.js';

export interface DisplayOptions {
  /** 'null': draw the console screen into /dev/null (benchmarks measure rendering, not the terminal). */
  output?: 'stdout' | 'null';
  /** A line under the console screen (the keys the terminal's keyboard stands for). */
  hint?: string;
}

export async function openDisplay(
  cfg: AgentConfig,
  log: Logger,
  opts: DisplayOptions = {},
): Promise<Display> {
  const geometry = { width: cfg.display.width, height: cfg.display.height };
  if (cfg.display.driver === 'console' && opts.output === 'null') {
    return new ConsoleDisplay({
      geometry,
      pageMs: cfg.display.page_ms,
      out: createWriteStream('/dev/null'),
      tty: true,
    });
  }
  if (cfg.display.driver === 'lcd' && !cfg.display.lcd_path) {
    throw new ConfigError(
      'display.lcd_path',
      undefined,
      'the lcd driver needs the LCD serial device (--display lcd:PATH)',
    );
  }
  if (cfg.display.driver === 'console') {
    return new ConsoleDisplay({
      geometry,
      pageMs: cfg.display.page_ms,
      bell: cfg.display.beep,
      ...(opts.hint !== undefined ? { hint: opts.hint } : {}),
    });
  }
  const spec = cfg.display.driver === 'lcd' ? `lcd:${cfg.display.lcd_path}` : cfg.display.driver;
  return createDisplay({
    spec,
    geometry,
    pageMs: cfg.display.page_ms,
    logger: log,
    baudRate: cfg.display.lcd_baud,
  });
}
