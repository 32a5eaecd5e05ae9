/**
 * `binary` framing: 2-byte big-endian length, optional 5-byte TPDU (`60 DDDD SSSS`), then the raw
 * ISO 8583 message; the length counts everything after itself (TPDU included), as jPOS NACChannel.
 * Our extension: a payload starting with ASCII "EVT " carries a module event with the same body
 * as the line framing (`EVT HOST_TIMEOUT stan=000123`).
 *
 * Pure, no I/O. HOT PATH: chunks are copied into one preallocated buffer (no Buffer.concat),
 * frames are handed out as (buf, offset, length) through one reused event object, borrowed until
 * the callback returns. Only rejects and events allocate.
 *
 * Resync. A header is accepted only if it is plausible: length in [min, max] where min covers
 * the TPDU and a 4-byte MTI; with TPDU enabled the next byte is 0x60; and the message starts with
 * a plausible MTI (ASCII: 4 digits, version 0-2, class 1-9, function 0-5, origin 0-5; BCD: the
 * same digits packed in 2 bytes) or "EVT ". At an implausible header the framer moves one byte
 * on and tests again, until a plausible header is found; the skipped bytes are reported as one
 * reject (E_FRAME_SIZE if it began with a bad length, else E_FRAME_SYNC).
 * A frame that lost bytes (truncated) cannot be told from a long one by its header: the framer
 * waits for the declared length. Call idle() when the line has been quiet for a while (the serial
 * link does, default 50 ms): a partial frame is then rejected as E_FRAME_TRUNCATED and framing
 * starts clean. Without a quiet gap, a truncated frame also costs the frame that follows it.
 */
import { formatEventBody, isBodyFailure, parseEventBody } from './events.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_ERROR_CODES,
  FrameError,
  type FrameErrorCode,
  type Framer,
  type LinkEventName,
  type LinkEventSink,
  type MessageEvent,
  makeReject,
  REJECT_HEAD_BYTES,
} from './types.js';

export interface BinaryOptions {
  /** Frames carry a 5-byte TPDU after the length. Default false. */
  tpdu?: boolean;
  /** Largest declared length (TPDU + message). Default 4096, at most 32767. */
  maxFrameBytes?: number;
}

const TPDU_ID = 0x60;
const MIN_MESSAGE = 4; // an MTI, or "EVT "

function digitIn(c: number, lo: number, hi: number): boolean {
  return c >= 0x30 + lo && c <= 0x30 + hi;
}

/**
 * Is buf[p, p+4) a plausible message start? ASCII MTI, BCD MTI or "EVT ". Needs 4 bytes.
 * Returns 1 for a request, 2 for a response, 3 for an event, 0 if implausible.
 */
export function messageStartKind(buf: Uint8Array, p: number): 0 | 1 | 2 | 3 {
  const a = buf[p]!;
  const b = buf[p + 1]!;
  if (a === 0x45 && b === 0x56 && buf[p + 2] === 0x54 && buf[p + 3] === 0x20) return 3;
  if (a >= 0x30) {
    const c = buf[p + 2]!;
    if (digitIn(a, 0, 2) && digitIn(b, 1, 9) && digitIn(c, 0, 5) && digitIn(buf[p + 3]!, 0, 5))
      return (c & 1) === 1 ? 2 : 1;
    return 0;
  }
  const v = a >> 4;
  const cl = a & 15;
  const fn = b >> 4;
  const or = b & 15;
  if (v <= 2 && cl >= 1 && cl <= 9 && fn <= 5 && or <= 5) return (fn & 1) === 1 ? 2 : 1;
  return 0;
}

export class BinaryFramer implements Framer {
  readonly maxFrameBytes: number;
  readonly tpdu: boolean;
  private readonly hdr: number;
  private readonly minLen: number;
  private readonly acc: Buffer;
  private start = 0;
  private end = 0;
  private junk = 0;
  private junkCode: FrameErrorCode = FRAME_ERROR_CODES.sync;
  private junkReason = '';
  private readonly junkHead = Buffer.alloc(REJECT_HEAD_BYTES);
  private junkHeadLen = 0;
  private readonly msg: MessageEvent;

  constructor(
    private readonly sink: LinkEventSink,
    opts: BinaryOptions = {},
  ) {
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.tpdu = opts.tpdu === true;
    this.hdr = this.tpdu ? 5 : 0;
    this.minLen = this.hdr + MIN_MESSAGE;
    if (
      !Number.isInteger(this.maxFrameBytes) ||
      this.maxFrameBytes < this.minLen ||
      this.maxFrameBytes > 0x7fff
    ) {
      throw new FrameError('E_FRAME_CONFIG', `maxFrameBytes must be an integer in ${this.minLen}..32767`);
    }
    this.acc = Buffer.alloc(this.maxFrameBytes + 2);
    this.msg = { kind: 'response', buf: this.acc, offset: 0, length: 0, tpduDest: -1, tpduSrc: -1, wire: 0 };
  }

  get pending(): number {
    return this.end - this.start + this.junk;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.end === this.acc.length || (this.start > 0 && this.start === this.end)) this.compact();
      const take = Math.min(this.acc.length - this.end, n - i);
      if (i === 0 && take === n) this.acc.set(chunk, this.end);
      else if (take > 32) chunk.copy(this.acc, this.end, i, i + take);
      else for (let k = 0, j = this.end; k < take; k++, j++) this.acc[j] = chunk[i + k]!;
      this.end += take;
      i += take;
      this.drain();
    }
  }

  idle(): void {
    this.flushPending('line quiet');
  }

  reset(): void {
    this.flushPending('reset');
  }

  private flushPending(why: string): void {
    const left = this.end - this.start;
    if (this.junk > 0) {
      this.junk += left;
      for (let k = this.start; k < this.end && this.junkHeadLen < REJECT_HEAD_BYTES; k++)
        this.junkHead[this.junkHeadLen++] = this.acc[k]!;
      this.flushJunk();
    } else if (left > 0) {
      this.sink(
        makeReject(
          FRAME_ERROR_CODES.truncated,
          `${left} bytes of a partial frame dropped (${why})`,
          this.acc,
          this.start,
          left,
        ),
      );
    }
    this.start = 0;
    this.end = 0;
  }

  private compact(): void {
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      return;
    }
    this.acc.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }

  private skipByte(code: FrameErrorCode, reason: string): void {
    if (this.junk === 0) {
      this.junkCode = code;
      this.junkReason = reason;
      this.junkHeadLen = 0;
    }
    if (this.junkHeadLen < REJECT_HEAD_BYTES) this.junkHead[this.junkHeadLen++] = this.acc[this.start]!;
    this.junk++;
    this.start++;
  }

  private flushJunk(): void {
    const r = makeReject(
      this.junkCode,
      `${this.junk} bytes skipped: ${this.junkReason}`,
      this.junkHead,
      0,
      this.junk,
    );
    if (r.head.length > this.junkHeadLen) r.head = r.head.subarray(0, this.junkHeadLen);
    this.junk = 0;
    this.junkHeadLen = 0;
    this.sink(r);
  }

  private drain(): void {
    const acc = this.acc;
    for (;;) {
      const s = this.start;
      const avail = this.end - s;
      if (avail < 2) return;
      const len = (acc[s]! << 8) | acc[s + 1]!;
      if (len < this.minLen || len > this.maxFrameBytes) {
        this.skipByte(
          FRAME_ERROR_CODES.size,
          `declared length ${len} outside ${this.minLen}..${this.maxFrameBytes}`,
        );
        continue;
      }
      if (avail < 2 + this.hdr + MIN_MESSAGE) return; // wait to judge plausibility
      const p = s + 2 + this.hdr;
      const kind = this.tpdu && acc[s + 2] !== TPDU_ID ? 0 : messageStartKind(acc, p);
      if (kind === 0) {
        this.skipByte(FRAME_ERROR_CODES.sync, 'no plausible frame header');
        continue;
      }
      if (avail < 2 + len) return; // wait for the rest
      if (this.junk > 0) this.flushJunk();
      this.start = s + 2 + len;
      if (kind === 3) {
        const r = parseEventBody(acc, p + 4, s + 2 + len, 2 + len);
        if (isBodyFailure(r)) this.sink(makeReject(r.code, r.reason, acc, s, 2 + len));
        else this.sink(r);
        continue;
      }
      const m = this.msg;
      m.kind = kind === 2 ? 'response' : 'request';
      m.offset = p;
      m.length = len - this.hdr;
      if (this.tpdu) {
        m.tpduDest = (acc[s + 3]! << 8) | acc[s + 4]!;
        m.tpduSrc = (acc[s + 5]! << 8) | acc[s + 6]!;
      }
      m.wire = 2 + len;
      this.sink(m);
    }
  }
}

export interface TpduAddress {
  dest: number;
  src: number;
}

function frame(payload: Uint8Array, tpdu: TpduAddress | null): Buffer {
  const hdr = tpdu ? 5 : 0;
  const len = hdr + payload.length;
  if (len > 0x7fff) throw new FrameError(FRAME_ERROR_CODES.size, `frame of ${len} bytes exceeds 32767`);
  const out = Buffer.allocUnsafe(2 + len);
  out.writeUInt16BE(len, 0);
  if (tpdu) {
    out[2] = TPDU_ID;
    out.writeUInt16BE(tpdu.dest & 0xffff, 3);
    out.writeUInt16BE(tpdu.src & 0xffff, 5);
  }
  out.set(payload, 2 + hdr);
  return out;
}

/** Frames an ISO 8583 message: length, optional TPDU, message bytes. */
export function encodeBinaryFrame(message: Uint8Array, tpdu: TpduAddress | null = null): Buffer {
  return frame(message, tpdu);
}

/** Frames a module event (our extension of the binary framing). */
export function encodeBinaryEvent(
  name: LinkEventName,
  args: Readonly<Record<string, string | number>> = {},
  tpdu: TpduAddress | null = null,
): Buffer {
  return frame(Buffer.from(`EVT ${formatEventBody(name, args)}`, 'latin1'), tpdu);
}
