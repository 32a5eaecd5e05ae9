/**
 * One set of display limits (hardware/display DISPLAY_LIMITS, LCD_LIMITS): the config, `pos-agent
 * explain` and the display drivers accept exactly the same geometries.
 */
import { describe, expect, it } from 'vitest';
import { explain } from '../agent/cli/commands/explain.js';
import { loadConfig } from '../agent/config/index.js';
import { DISPLAY_LIMITS, LCD_LIMITS, LcdDisplay, NoneDisplay } from '../hardware/display/index.js';

const ok = (fn: () => unknown): boolean => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};

const WIDTHS = [1, 7, 8, 15, 16, 20, 40, 41, 80, 81, 132, 256];
const HEIGHTS = [0, 1, 2, 4, 5, 24, 25, 50, 64];

describe('display limits', () => {
  it('are 16-80 columns by 2-24 rows, an LCD at most 40x4', () => {
    expect(DISPLAY_LIMITS).toEqual({ minWidth: 16, maxWidth: 80, minHeight: 2, maxHeight: 24 });
    expect(LCD_LIMITS).toEqual({ minWidth: 16, maxWidth: 40, minHeight: 2, maxHeight: 4 });
  });

  it('config, explain and the console/none drivers agree on every geometry', () => {
    for (const width of WIDTHS) {
      for (const height of HEIGHTS) {
        const inLimits =
          width >= DISPLAY_LIMITS.minWidth &&
          width <= DISPLAY_LIMITS.maxWidth &&
          height >= DISPLAY_LIMITS.minHeight &&
          height <= DISPLAY_LIMITS.maxHeight;
        const verdicts = {
          config: ok(() => loadConfig({ flags: { display: { width, height } } })),
          explain: ok(() => explain('51', { width, height })),
          display: ok(() => new NoneDisplay({ geometry: { width, height } })),
        };
        expect([width, height, verdicts]).toEqual([
          width,
          height,
          { config: inLimits, explain: inLimits, display: inLimits },
        ]);
      }
    }
  });

  it('config with the lcd driver and the LCD driver agree', () => {
    for (const width of WIDTHS) {
      for (const height of HEIGHTS) {
        const config = ok(() => loadConfig({ flags: { display: { driver: 'lcd', width, height } } }));
        const lcd = ok(() => new LcdDisplay({ geometry: { width, height }, pageMs: 0, write: () => {} }));
        expect([width, height, config]).toEqual([width, height, lcd]);
      }
    }
    try {
      loadConfig({ flags: { display: { driver: 'lcd', width: 80, height: 4 } } });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_CONFIG', key: 'display.width' });
    }
  });
});
