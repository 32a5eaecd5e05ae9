/** Test utilities of the sync area: a logger whose lines the test can scan, records, sleep. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../agent/log.js';

export function captureLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(l);
      cb();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(pred: () => boolean, timeoutMs = 15000, what = 'condition'): Promise<void> {
  const t = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > t) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Asserts seqs are exactly 1..n (or from..to) after dedup; returns the sorted unique list. */
export function uniqueSeqs(records: Array<{ seq: number }>): number[] {
  return [...new Set(records.map((r) => r.seq))].sort((a, b) => a - b);
}

/**
 * A log line ready for a PAN scan: pino's `time` (epoch ms, 13 digits) is Luhn-valid one time in
 * ten and is not card data, so it is removed first.
 */
export function withoutTime(line: string): string {
  return line.replace(/"time":\d+,?/, '');
}
