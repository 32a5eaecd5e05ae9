/**
 * Line splitting for the serial path: @serialport/parser-delimiter, bounded (docs/serial.md).
 * DelimiterParser alone grows without limit on noise that never sends a newline; this subclass
 * drops a pending line once it passes the limit and reports it once, when its newline arrives,
 * as an `Overflow` object in the (object-mode) output, in order with the lines around it.
 * Behaviour matches protocol/framing LineFramer (a test feeds both the same chunks).
 */

import type { TransformCallback } from 'node:stream';
import { DelimiterParser } from '@serialport/parser-delimiter';

/** A line that went over the limit: `bytes` counts all of it, newline included. */
export class Overflow {
  constructor(
    readonly bytes: number,
    readonly head: Buffer,
  ) {}
}

const EMPTY = Buffer.alloc(0);
const LF = 0x0a;
const HEAD = 32;

export class BoundedLineSplitter extends DelimiterParser {
  private discarding = false;
  private discarded = 0;
  private discardHead: Buffer = EMPTY;

  /** `maxLineBytes` excludes the newline; one CR before it is allowed on top. */
  constructor(readonly maxLineBytes: number) {
    super({ delimiter: '\n', includeDelimiter: false, readableObjectMode: true });
  }

  /** Bytes held for the current line (or counted while dropping an oversize one). */
  get pending(): number {
    return this.discarding ? this.discarded : this.buffer.length;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, cb: TransformCallback): void {
    let data = chunk;
    if (this.discarding) {
      const lf = data.indexOf(LF);
      if (lf < 0) {
        this.discarded += data.length;
        cb();
        return;
      }
      this.discarded += lf + 1;
      this.push(new Overflow(this.discarded, this.discardHead));
      this.discarding = false;
      this.discarded = 0;
      data = data.subarray(lf + 1);
    }
    if (this.buffer.length === 0) {
      // Nothing carried over (the usual case: a chunk of whole lines): push each complete line as a
      // view of the chunk instead of letting DelimiterParser copy the chunk (Buffer.concat) first
      // (the sources never rewrite a chunk they handed out: serialport reads into fresh pool space,
      // sockets into fresh buffers). Only the rest after the last newline goes through
      // DelimiterParser.
      let from = 0;
      for (let lf = data.indexOf(LF); lf >= 0; lf = data.indexOf(LF, from)) {
        this.push(data.subarray(from, lf));
        from = lf + 1;
      }
      if (from === data.length) {
        cb();
        return;
      }
      if (from > 0) data = data.subarray(from);
    }
    const before = this.buffer;
    super._transform(data, encoding, () => {});
    if (this.buffer.length > this.maxLineBytes + 1) {
      const head = this.buffer.length === 0 ? before : this.buffer;
      this.discardHead = Buffer.from(head.subarray(0, HEAD));
      this.discarded = this.buffer.length;
      this.discarding = true;
      this.buffer = EMPTY;
    }
    cb();
  }

  /** Ends the current line without parsing it; returns how many bytes were dropped and why. */
  takePending(): { bytes: number; head: Buffer; oversize: boolean } | null {
    if (this.discarding) {
      const r = { bytes: this.discarded, head: this.discardHead, oversize: true };
      this.discarding = false;
      this.discarded = 0;
      return r;
    }
    if (this.buffer.length === 0) return null;
    const r = {
      bytes: this.buffer.length,
      head: Buffer.from(this.buffer.subarray(0, HEAD)),
      oversize: false,
    };
    this.buffer = EMPTY;
    return r;
  }

  override _flush(cb: TransformCallback): void {
    // A partial line at end of stream is reported by the owner through takePending(), not parsed.
    cb();
  }
}
