/**
 * Frames a byte stream (serial port, TCP socket, the in-process simulator) into LinkEvents with the
 * protocol/framing framers (createFramer: the same code the pipeline tests feed). Binary framing
 * adds an inter-byte idle timer: a partial frame left alone for idleMs is dropped as
 * E_FRAME_TRUNCATED, so a truncated frame does not swallow the next one. A partial line needs no
 * timer (the next line's resync rejects it).
 *
 * HOT PATH: one listener per stream, one timer re-armed with refresh(); what a frame allocates is
 * measured by `npm run bench:alloc` (docs/codec.md §Allocation).
 */
import type { Readable } from 'node:stream';
import {
  createFramer,
  type FramingName,
  type LinkEvent,
  type LinkEventSink,
} from '../../protocol/framing/index.js';

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
  const framer = createFramer(opts, countingSink(stats, sink));
  const idleMs = opts.framing === 'binary' ? (opts.idleMs ?? 50) : 0;
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
