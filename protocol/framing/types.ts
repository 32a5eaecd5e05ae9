/**
 * What the serial link hands to the pipeline: one LinkEvent per frame, event line or rejected run
 * of bytes. Pure types and tables, no I/O.
 *
 * HOT PATH: `response` and `request` events are borrowed, not owned. A framer reuses one event
 * object per kind and one byte buffer, so the object and the bytes in `buf[offset, offset+length)`
 * are valid only until the callback returns. Decode (or copy) them inside the callback.
 */

/** The serial frame formats (docs/serial.md): text lines with a check value, or length-prefixed binary. */
export const FRAMINGS = ['line', 'binary'] as const;
export type FramingName = (typeof FRAMINGS)[number];

/** Stable error codes of a rejected frame. */
export const FRAME_ERROR_CODES = {
  /** Check value (line CRC) does not match. */
  check: 'E_FRAME_CHECK',
  /** Line or declared length above the maximum, or a length too small to hold a message. */
  size: 'E_FRAME_SIZE',
  /** Not in the grammar: no check value, bad hex, odd hex length, bad key=value, missing argument. */
  syntax: 'E_FRAME_SYNTAX',
  /** Well formed and checked, but an unknown frame kind or event name (a newer module?). */
  unknown: 'E_FRAME_UNKNOWN',
  /** Bytes skipped while looking for the next frame start (garbage, a frame's broken head). */
  sync: 'E_FRAME_SYNC',
  /** A partial frame abandoned because the line went quiet or the stream ended. */
  truncated: 'E_FRAME_TRUNCATED',
} as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[keyof typeof FRAME_ERROR_CODES];

/** A typed framing / link error (bad input gets an Error subclass with a string code). */
export class FrameError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
  }
}

/**
 * Events the payment module reports besides host traffic (docs/serial.md §Events). Data, not
 * code: `required` arguments must be present, `optional` ones are documented; other key=value
 * arguments are passed through untouched so a newer module can add some.
 */
export interface LinkEventSpec {
  required: readonly string[];
  optional: readonly string[];
  doc: string;
}

const TXN_ARGS = ['stan', 'amount', 'currency', 'entry'] as const;

export const LINK_EVENT_SPECS = {
  CARD_INSERTED: { required: [], optional: [], doc: 'chip card inserted' },
  CARD_SWIPED: { required: [], optional: [], doc: 'magnetic stripe swiped' },
  CARD_TAPPED: { required: [], optional: [], doc: 'contactless card or device presented' },
  CARD_REMOVED: {
    required: [],
    optional: [...TXN_ARGS, 'early'],
    doc: 'card removed; early=1 before the transaction completed',
  },
  CARD_READ_ERROR: {
    required: [],
    optional: [...TXN_ARGS, 'reason'],
    doc: 'chip, stripe or contactless read failed; reason=chip|stripe|contactless',
  },
  PIN_TIMEOUT: { required: [], optional: [...TXN_ARGS], doc: 'cardholder did not enter the PIN in time' },
  PIN_CANCEL: { required: [], optional: [...TXN_ARGS], doc: 'cardholder cancelled at the PIN prompt' },
  HOST_TIMEOUT: {
    required: ['stan'],
    optional: ['amount', 'currency'],
    doc: 'the request with this STAN got no host response',
  },
  LINK_UP: { required: [], optional: [], doc: "the module's host link is up" },
  LINK_DOWN: { required: [], optional: ['reason'], doc: "the module's host link is down" },
  REVERSAL_SENT: { required: ['stan'], optional: [], doc: 'the module sent a reversal (0400) for this STAN' },
  KEY: {
    required: ['name'],
    optional: [],
    doc: 'a key pressed on the terminal keypad: name=OK|CANCEL|INFO|UP|DOWN|PRINT',
  },
} as const satisfies Record<string, LinkEventSpec>;

export type LinkEventName = keyof typeof LINK_EVENT_SPECS;
export const LINK_EVENT_NAMES = Object.keys(LINK_EVENT_SPECS) as LinkEventName[];

export function isLinkEventName(name: string): name is LinkEventName {
  return Object.hasOwn(LINK_EVENT_SPECS, name);
}

/** An ISO 8583 message frame. `tpduDest`/`tpduSrc` are -1 when the frame had no TPDU. */
export interface MessageEvent {
  kind: 'response' | 'request';
  buf: Buffer;
  offset: number;
  length: number;
  tpduDest: number;
  tpduSrc: number;
  /** Bytes this frame took on the wire (header, delimiters and check value included). */
  wire: number;
}

/** A module event line (card, PIN, host timeout, link). Owned by the receiver. */
export interface SignalEvent {
  kind: 'event';
  name: LinkEventName;
  /** The `stan` argument when present (6 digits), else null. */
  stan: string | null;
  args: Readonly<Record<string, string>>;
  wire: number;
}

/** A rejected run of bytes. `bytes` counts every byte rejected; `head` copies the first few. Owned. */
export interface RejectEvent {
  kind: 'reject';
  code: FrameErrorCode;
  reason: string;
  bytes: number;
  head: Buffer;
}

export type LinkEvent = MessageEvent | SignalEvent | RejectEvent;
export type LinkEventSink = (e: LinkEvent) => void;

/** Most bytes of received input a reject reason quotes: too few for any card data (a PAN is 13+ digits). */
export const REASON_QUOTE_BYTES = 6;

/**
 * How a reject reason names a piece of received input: its first REASON_QUOTE_BYTES bytes,
 * printable ASCII only (any other byte shown as '?'), then '…' and the full length when cut.
 * A reason never echoes more of the input than that.
 */
export function quoteInput(buf: Uint8Array, start: number, end: number): string {
  const n = Math.max(0, end - start);
  let s = '';
  for (let i = 0; i < n && i < REASON_QUOTE_BYTES; i++) {
    const c = buf[start + i]!;
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '?';
  }
  return n > REASON_QUOTE_BYTES ? `${s}… (${n} bytes)` : s;
}

/** How many bytes of a rejected run are copied into `head` (for logs; card data is the pipeline's concern). */
export const REJECT_HEAD_BYTES = 32;

/** Default maximum ISO 8583 message size in bytes (TPDU included for binary framing). */
export const DEFAULT_MAX_FRAME_BYTES = 4096;

export function makeReject(
  code: FrameErrorCode,
  reason: string,
  src: Buffer,
  start: number,
  count: number,
): RejectEvent {
  const n = Math.min(count, REJECT_HEAD_BYTES, Math.max(0, src.length - start));
  const head = Buffer.allocUnsafe(n);
  src.copy(head, 0, start, start + n);
  return { kind: 'reject', code, reason, bytes: count, head };
}

/** A chunk-fed framer. `push` calls the sink synchronously for each frame completed by the chunk. */
export interface Framer {
  push(chunk: Buffer): void;
  /** The line went quiet: a partial frame is abandoned (E_FRAME_TRUNCATED). Binary framing only. */
  idle(): void;
  /** End of stream or a (re)open: report and drop whatever is pending, start clean. */
  reset(): void;
  /** Bytes held waiting for the rest of a frame. */
  readonly pending: number;
}
