/**
 * Serial frame formats (pure, no I/O): `line` (text lines with a CRC-16 check value) and `binary`
 * (2-byte length, optional TPDU, raw ISO 8583). See docs/serial.md for the grammar.
 */

export type { BinaryOptions, TpduAddress } from './binary.js';
export { BinaryFramer, encodeBinaryEvent, encodeBinaryFrame, messageStartKind } from './binary.js';
export { crc16 } from './crc16.js';
export { formatEventBody, parseEventBody } from './events.js';
export type { LineKind, LineOptions } from './line.js';
export {
  encodeEventLine,
  encodeMessageLine,
  LINE_KINDS,
  LineFramer,
  LineParser,
  lineLimits,
  withCheck,
} from './line.js';
export * from './types.js';

import { BinaryFramer } from './binary.js';
import { LineFramer } from './line.js';
import type { Framer, FramingName, LinkEventSink } from './types.js';

export interface FramerOptions {
  framing: FramingName;
  tpdu?: boolean;
  maxFrameBytes?: number;
  maxLineBytes?: number;
}

/** A chunk-fed framer for either framing. */
export function createFramer(opts: FramerOptions, sink: LinkEventSink): Framer {
  if (opts.framing === 'binary') {
    return new BinaryFramer(sink, {
      ...(opts.tpdu !== undefined ? { tpdu: opts.tpdu } : {}),
      ...(opts.maxFrameBytes !== undefined ? { maxFrameBytes: opts.maxFrameBytes } : {}),
    });
  }
  return new LineFramer(sink, {
    ...(opts.maxFrameBytes !== undefined ? { maxFrameBytes: opts.maxFrameBytes } : {}),
    ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}),
  });
}
