/** Logs in tests: an agent logger whose lines a test can scan, and a line ready for a PAN scan. */
import { Writable } from 'node:stream';
import { createLogger, type LogOptions, type Logger } from '../../agent/log.js';

/** A logger (level debug unless given) writing each JSON line into `lines`. */
export function captureLogger(opts: Omit<LogOptions, 'destination'> = {}): {
  lines: string[];
  logger: Logger;
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(l);
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', ...opts, destination }) };
}

/**
 * A log line ready for a PAN scan: pino's `time` (epoch ms, 13 digits) is Luhn-valid one time in
 * ten and is not card data, so it is removed first.
 */
export function withoutTime(line: string): string {
  return line.replace(/"time":\d+,?/, '');
}
