/**
 * Frames a byte stream (serial port, TCP socket, the in-process simulator) into LinkEvents with the
 * protocol/framing parsers: `line` through the bounded DelimiterParser + LineParser, `binary`
 * through BinaryFramer with an inter-byte idle timer (a partial frame left alone for idleMs is
 * dropped as E_FRAME_TRUNCATED, so a truncated frame does not swallow the next one).
 *
 * HOT PATH: one listener per stream, no per-frame allocation in the binary path; the line path
 * allocates the stream machinery's bits and a view per line (BoundedLineSplitter skips
 * DelimiterParser's Buffer.concat when no partial line is carried over: docs/sources.md
 * §Serial pitfalls).
 */
import type { Readable } from 'node:stream';
import {
  BinaryFramer,
  FRAME_ERROR_CODES,
  type FramingName,
  LineParser,
  type LinkEvent,
  type LinkEventSink,
  type RejectEvent,
} from '../../protocol/framing/index.js';
import { BoundedLineSplitter, Overflow } from './line-splitter.js';

export interface StreamFramingOptions {
  framing: FramingName;
  /** Binary framing: frames carry a 5-byte TPDU. */
  tpdu?: boolean;
  /** Largest ISO 8583 message in bytes (binary: TPDU included). Default 4096. */
  maxFrameBytes?: number;
  /** Line framing: largest line, newline excluded. Default 2 × maxFrameBytes + 64. */
  maxLineBytes?: number;
  /** Binary framing: drop a partial frame after this many ms without bytes. Default 50; 0 disables. */
  idleMs?: number;
}

export interface FramingStats {
  bytesIn: number;
  frames: number;
  events: number;
  rejects: number;
  rejectedBytes: number;
}

export interface StreamFraming {
  readonly stats: FramingStats;
  /** Bytes held waiting for the rest of a frame. */
  readonly pending: number;
  /** Stop reading; whatever is pending is reported as E_FRAME_TRUNCATED (or E_FRAME_SIZE). */
  detach(): void;
}

export function newStats(): FramingStats {
  return { bytesIn: 0, frames: 0, events: 0, rejects: 0, rejectedBytes: 0 };
}

/** Wraps a sink to keep counts (the counters live in `stats`). */
export function countingSink(stats: FramingStats, sink: LinkEventSink): LinkEventSink {
  return (e: LinkEvent) => {
    if (e.kind === 'reject') {
      stats.rejects++;
      stats.rejectedBytes += e.bytes;
    } else if (e.kind === 'event') stats.events++;
    else stats.frames++;
    sink(e);
  };
}

function reject(code: RejectEvent['code'], reason: string, bytes: number, head: Buffer): RejectEvent {
  return { kind: 'reject', code, reason, bytes, head };
}

/**
 * Starts framing `stream` and calls `sink` for every frame, event and reject. Returns a handle;
 * call detach() before dropping the stream (a fresh call per (re)opened stream: each starts clean).
 */
export function frameStream(
  stream: Readable,
  opts: StreamFramingOptions,
  sink: LinkEventSink,
  stats: FramingStats = newStats(),
): StreamFraming {
  const out = countingSink(stats, sink);
  if (opts.framing === 'binary') {
    const framer = new BinaryFramer(out, {
      ...(opts.tpdu !== undefined ? { tpdu: opts.tpdu } : {}),
      ...(opts.maxFrameBytes !== undefined ? { maxFrameBytes: opts.maxFrameBytes } : {}),
    });
    const idleMs = opts.idleMs ?? 50;
    // One timer, made on first use and re-armed with refresh() (no allocation per chunk). A
    // cleared timer cannot be refreshed back to life, so it is only cleared on detach.
    let timer: NodeJS.Timeout | null = null;
    const onIdle = () => framer.idle();
    const onData = (chunk: Buffer) => {
      stats.bytesIn += chunk.length;
      framer.push(chunk);
      if (idleMs > 0 && framer.pending > 0) {
        if (timer === null) {
          timer = setTimeout(onIdle, idleMs);
          timer.unref();
        } else timer.refresh();
      }
    };
    stream.on('data', onData);
    let detached = false;
    return {
      stats,
      get pending() {
        return framer.pending;
      },
      detach() {
        if (detached) return;
        detached = true;
        stream.off('data', onData);
        if (timer) clearTimeout(timer);
        framer.reset();
      },
    };
  }

  const parser = new LineParser({
    ...(opts.maxFrameBytes !== undefined ? { maxFrameBytes: opts.maxFrameBytes } : {}),
    ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}),
  });
  const splitter = new BoundedLineSplitter(parser.maxLineBytes);
  const onLine = (item: Buffer | Overflow) => {
    if (item instanceof Overflow) {
      out(
        reject(
          FRAME_ERROR_CODES.size,
          `line of ${item.bytes} bytes exceeds ${parser.maxLineBytes}`,
          item.bytes,
          item.head,
        ),
      );
      return;
    }
    parser.parse(item, 0, item.length, item.length + 1, out);
  };
  const onData = (chunk: Buffer) => {
    stats.bytesIn += chunk.length;
    splitter.write(chunk);
  };
  splitter.on('data', onLine);
  stream.on('data', onData);
  let detached = false;
  return {
    stats,
    get pending() {
      return splitter.pending;
    },
    detach() {
      if (detached) return;
      detached = true;
      stream.off('data', onData);
      splitter.off('data', onLine);
      // lines already split but not yet delivered (a paused splitter) are parsed first
      for (
        let item = splitter.read() as Buffer | Overflow | null;
        item !== null;
        item = splitter.read() as Buffer | Overflow | null
      ) {
        onLine(item);
      }
      const p = splitter.takePending();
      if (p) {
        out(
          p.oversize
            ? reject(
                FRAME_ERROR_CODES.size,
                `line of ${p.bytes}+ bytes exceeds ${parser.maxLineBytes}`,
                p.bytes,
                p.head,
              )
            : reject(
                FRAME_ERROR_CODES.truncated,
                `partial line of ${p.bytes} bytes dropped`,
                p.bytes,
                p.head,
              ),
        );
      }
      splitter.destroy();
    },
  };
}
