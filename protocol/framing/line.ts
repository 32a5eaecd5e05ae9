/**
 * `line` framing: one ASCII line per frame (grammar in docs/serial.md):
 *
 *   line  = kind SP body SP "*" crc [CR] LF
 *   kind  = "RSP" / "REQ" / "EVT"
 *   body  = hex                      ; RSP, REQ: the ISO 8583 message (MTI onwards), even length
 *         / name *(SP key "=" value) ; EVT
 *   crc   = 4HEXDIG                  ; CRC-16/CCITT-FALSE over every byte before " *"
 *
 * Pure, no I/O. HOT PATH: LineFramer allocates nothing for a RSP/REQ line, whether it arrives whole
 * in one chunk (parsed in place) or split across chunks (copied into one preallocated line
 * buffer): the hex is decoded into one reused buffer and handed out through one reused event
 * object (see types.ts: borrowed until the callback returns). Events and rejects are rare and
 * allocate. Measured end to end by `npm run bench:alloc` (docs/codec.md §Allocation).
 *
 * Resync: a line that fails (bad check value, bad syntax, unknown kind) is searched for a later
 * frame start ("RSP ", "REQ ", "EVT "); if the rest from there is a valid frame, the bytes before
 * it are rejected as E_FRAME_SYNC and the frame is delivered. So garbage or a truncated frame
 * without its newline costs only its own bytes, never the frame that follows.
 */
import { crc16 } from './crc16.js';
import { formatEventBody, isBodyFailure, parseEventBody } from './events.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_ERROR_CODES,
  FrameError,
  type FrameErrorCode,
  type Framer,
  type LinkEvent,
  type LinkEventName,
  type LinkEventSink,
  type MessageEvent,
  makeReject,
  quoteInput,
  REJECT_HEAD_BYTES,
} from './types.js';

export const LINE_KINDS = { RSP: 'response', REQ: 'request', EVT: 'event' } as const;
export type LineKind = keyof typeof LINE_KINDS;

export interface LineOptions {
  /** Largest ISO 8583 message carried (decoded bytes). Default 4096. */
  maxFrameBytes?: number;
  /** Largest line, newline excluded. Default 2 × maxFrameBytes + 64. */
  maxLineBytes?: number;
}

export function lineLimits(opts: LineOptions = {}): { maxFrameBytes: number; maxLineBytes: number } {
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxLineBytes = opts.maxLineBytes ?? maxFrameBytes * 2 + 64;
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 4)
    throw new FrameError('E_FRAME_CONFIG', 'maxFrameBytes must be an integer >= 4');
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 16)
    throw new FrameError('E_FRAME_CONFIG', 'maxLineBytes must be an integer >= 16');
  return { maxFrameBytes, maxLineBytes };
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const STAR = 0x2a;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[0x41 + i] = 10 + i;
  HEX[0x61 + i] = 10 + i;
}

/** Is there a frame kind token ("RSP ", "REQ ", "EVT ") at buf[p]? */
function kindAt(buf: Buffer, p: number): LineKind | null {
  if (buf[p + 3] !== SP) return null;
  const a = buf[p];
  const b = buf[p + 1];
  const c = buf[p + 2];
  if (a === 0x52 && b === 0x53 && c === 0x50) return 'RSP';
  if (a === 0x52 && b === 0x45 && c === 0x51) return 'REQ';
  if (a === 0x45 && b === 0x56 && c === 0x54) return 'EVT';
  return null;
}

/** Validates and parses one complete line (newline already removed). */
export class LineParser {
  readonly maxFrameBytes: number;
  readonly maxLineBytes: number;
  private readonly out: Buffer;
  private readonly msg: MessageEvent;
  private failCode: FrameErrorCode = FRAME_ERROR_CODES.syntax;
  private failReason = '';

  constructor(opts: LineOptions = {}) {
    const lim = lineLimits(opts);
    this.maxFrameBytes = lim.maxFrameBytes;
    this.maxLineBytes = lim.maxLineBytes;
    this.out = Buffer.alloc(this.maxFrameBytes);
    this.msg = { kind: 'response', buf: this.out, offset: 0, length: 0, tpduDest: -1, tpduSrc: -1, wire: 0 };
  }

  /**
   * Parses buf[start, end) (no LF; a trailing CR is ignored). `wire` is the bytes the line took on
   * the wire, newline included. Calls sink once with the frame or a reject, or twice (a reject
   * for leading junk, then the frame found after it).
   */
  parse(buf: Buffer, start: number, end: number, wire: number, sink: LinkEventSink): void {
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    if (e - start > this.maxLineBytes) {
      sink(
        makeReject(
          FRAME_ERROR_CODES.size,
          `line of ${e - start} bytes exceeds ${this.maxLineBytes}`,
          buf,
          start,
          wire,
        ),
      );
      return;
    }
    const ev = this.tryParse(buf, start, e, wire);
    if (ev !== null) {
      sink(ev);
      return;
    }
    const code = this.failCode;
    const reason = this.failReason;
    for (let p = start + 1; p + 4 <= e; p++) {
      if (kindAt(buf, p) === null) continue;
      const later = this.tryParse(buf, p, e, wire - (p - start));
      if (later !== null) {
        sink(
          makeReject(
            FRAME_ERROR_CODES.sync,
            `${p - start} bytes before a frame start (${reason})`,
            buf,
            start,
            p - start,
          ),
        );
        sink(later);
        return;
      }
    }
    sink(makeReject(code, reason, buf, start, wire));
  }

  private fail(code: FrameErrorCode, reason: string): null {
    this.failCode = code;
    this.failReason = reason;
    return null;
  }

  private tryParse(buf: Buffer, start: number, e: number, wire: number): LinkEvent | null {
    const n = e - start;
    if (n === 0) return this.fail(FRAME_ERROR_CODES.syntax, 'empty line');
    if (n < 11) return this.fail(FRAME_ERROR_CODES.syntax, 'line too short');
    const cp = e - 6; // " *XXXX"
    if (buf[cp] !== SP || buf[cp + 1] !== STAR) return this.fail(FRAME_ERROR_CODES.syntax, 'no check value');
    let want = 0;
    for (let i = cp + 2; i < e; i++) {
      const h = HEX[buf[i]!]!;
      if (h < 0) return this.fail(FRAME_ERROR_CODES.syntax, 'check value is not hex');
      want = (want << 4) | h;
    }
    if (crc16(buf, start, cp) !== want) return this.fail(FRAME_ERROR_CODES.check, 'check value mismatch');
    if (buf[start + 3] !== SP) return this.fail(FRAME_ERROR_CODES.syntax, 'no space after frame kind');
    const kind = kindAt(buf, start);
    if (kind === null)
      return this.fail(FRAME_ERROR_CODES.unknown, `unknown frame kind ${quoteInput(buf, start, start + 3)}`);
    const b0 = start + 4;
    if (kind === 'EVT') {
      const r = parseEventBody(buf, b0, cp, wire);
      return isBodyFailure(r) ? this.fail(r.code, r.reason) : r;
    }
    const hexLen = cp - b0;
    if (hexLen === 0 || (hexLen & 1) === 1)
      return this.fail(FRAME_ERROR_CODES.syntax, 'hex body empty or of odd length');
    const len = hexLen >> 1;
    if (len > this.maxFrameBytes)
      return this.fail(FRAME_ERROR_CODES.size, `message of ${len} bytes exceeds ${this.maxFrameBytes}`);
    const out = this.out;
    for (let i = 0, j = b0; i < len; i++, j += 2) {
      const hi = HEX[buf[j]!]!;
      const lo = HEX[buf[j + 1]!]!;
      if ((hi | lo) < 0) return this.fail(FRAME_ERROR_CODES.syntax, `bad hex at byte ${j - start}`);
      out[i] = (hi << 4) | lo;
    }
    const m = this.msg;
    m.kind = kind === 'RSP' ? 'response' : 'request';
    m.offset = 0;
    m.length = len;
    m.wire = wire;
    return m;
  }
}

/**
 * Chunk-fed line framer (pure): splits on LF into a bounded, preallocated buffer and parses each
 * line with LineParser. The serial path (hardware/serial frameStream) and the tests run this one.
 * A line longer than maxLineBytes is dropped as it streams in (memory stays
 * bounded) and reported once, as E_FRAME_SIZE, when its newline arrives.
 */
export class LineFramer implements Framer {
  private readonly parser: LineParser;
  private readonly buf: Buffer;
  private len = 0;
  private discarding = false;
  private discarded = 0;
  private readonly discardHead = Buffer.alloc(REJECT_HEAD_BYTES);
  private discardHeadLen = 0;

  constructor(
    private readonly sink: LinkEventSink,
    opts: LineOptions = {},
  ) {
    this.parser = new LineParser(opts);
    this.buf = Buffer.alloc(this.parser.maxLineBytes + 2);
  }

  get pending(): number {
    return this.discarding ? this.discarded : this.len;
  }

  get maxLineBytes(): number {
    return this.parser.maxLineBytes;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const lf = chunk.indexOf(LF, i);
      const to = lf < 0 ? n : lf;
      if (this.discarding) {
        this.discarded += to - i + (lf < 0 ? 0 : 1);
        if (lf >= 0) this.flushDiscard('line');
      } else if (this.len === 0 && lf >= 0) {
        this.parser.parse(chunk, i, lf, lf + 1 - i, this.sink); // whole line in this chunk: no copy
      } else if (this.len + (to - i) > this.buf.length - 1) {
        // over the limit: keep a head copy for the report, drop the rest as it arrives
        this.startDiscard(chunk, i, to);
        if (lf >= 0) {
          this.discarded += 1;
          this.flushDiscard('line');
        }
      } else {
        this.append(chunk, i, to);
        if (lf >= 0) {
          const len = this.len;
          this.len = 0;
          this.parser.parse(this.buf, 0, len, len + 1, this.sink);
        }
      }
      if (lf < 0) return;
      i = lf + 1;
    }
  }

  idle(): void {
    // A partial line needs no timer: if it never gets its newline, the next line's resync rejects
    // it as E_FRAME_SYNC. Nothing to do.
  }

  reset(): void {
    if (this.discarding) this.flushDiscard('pending line at reset');
    else if (this.len > 0) {
      this.sink(makeReject(FRAME_ERROR_CODES.truncated, 'partial line at reset', this.buf, 0, this.len));
    }
    this.len = 0;
  }

  private append(src: Buffer, from: number, to: number): void {
    const dst = this.buf;
    let j = this.len;
    if (to - from > 64) {
      src.copy(dst, j, from, to);
      j += to - from;
    } else {
      for (let k = from; k < to; k++) dst[j++] = src[k]!;
    }
    this.len = j;
  }

  private startDiscard(src: Buffer, from: number, to: number): void {
    const head = this.discardHead;
    let h = 0;
    for (let k = 0; k < this.len && h < head.length; k++) head[h++] = this.buf[k]!;
    for (let k = from; k < to && h < head.length; k++) head[h++] = src[k]!;
    this.discardHeadLen = h;
    this.discarded = this.len + (to - from);
    this.discarding = true;
    this.len = 0;
  }

  private flushDiscard(what: string): void {
    const r = makeReject(
      FRAME_ERROR_CODES.size,
      `${what} of ${this.discarded} bytes exceeds ${this.parser.maxLineBytes}`,
      this.discardHead,
      0,
      this.discarded,
    );
    if (r.head.length > this.discardHeadLen) r.head = r.head.subarray(0, this.discardHeadLen);
    this.discarding = false;
    this.discarded = 0;
    this.sink(r);
  }
}

/** Appends " *CRC\n" to a line body (kind included). Throws for non-ASCII or newline bytes. */
export function withCheck(text: string): Buffer {
  if (!/^[\x20-\x7e]*$/.test(text))
    throw new FrameError(FRAME_ERROR_CODES.syntax, 'a line carries printable ASCII only');
  const body = Buffer.from(text, 'latin1');
  const crc = crc16(body).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.from(`${text} *${crc}\n`, 'latin1');
}

/** Encodes a host response (RSP) or module request (REQ) line: ISO 8583 bytes as uppercase hex. */
export function encodeMessageLine(kind: 'RSP' | 'REQ', message: Uint8Array): Buffer {
  return withCheck(
    `${kind} ${Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('hex').toUpperCase()}`,
  );
}

/** Encodes an event line, e.g. encodeEventLine('HOST_TIMEOUT', { stan: '000123' }). */
export function encodeEventLine(
  name: LinkEventName,
  args: Readonly<Record<string, string | number>> = {},
): Buffer {
  return withCheck(`EVT ${formatEventBody(name, args)}`);
}
