/**
 * The receipt printer behind the PRINT key (printer.target): opened for each slip and closed after
 * it, so a printer that is off, out of paper or unplugged at start never stops the agent, and
 * comes back by itself; a port-9100 printer takes one connection per job anyway. The printer code
 * (hardware/printer) is loaded on the first slip, not at start.
 */
import type { SlipPrinter } from '../pipeline/desk.js';

export function slipPrinter(target: string, columns: number, lang: string): SlipPrinter {
  return {
    columns,
    async print(lines) {
      const { openPrinter } = await import('../../hardware/printer/index.js');
      const p = await openPrinter(target, { columns, lang });
      try {
        await p.print(lines);
      } finally {
        await p.close();
      }
    },
  };
}
