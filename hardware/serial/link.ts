/**
 * A framed link to the payment module that survives the device going away: serial (serialport 13)
 * or TCP (the simulator's TCP mode). One state machine for both:
 *
 *   opening ──open ok──▶ open ──close/error/end──▶ reconnecting ──backoff or path reappears──▶ opening
 *      └────open failed──▶ reconnecting                                   close() from any state ──▶ closed
 *
 * Rules (docs/sources.md §Serial pitfalls): a fresh SerialPort after every disconnect (a destroyed
 * one can be "reopened" into a broken state), an `error` listener always attached, framing restarted
 * clean after every (re)open (the open flushes what the device had sent), and the device path
 * watched with fs.watch because ptys are not in SerialPort.list(). Backoff: protocol/retry/backoff.ts
 * (capped exponential, full jitter), reset after a successful open. Each state change is logged
 * (event: 'link_state').
 */
import { existsSync, type FSWatcher, watch } from 'node:fs';
import type { Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { SerialPortMock } from 'serialport';
// The SerialPort class alone: the package's index also loads ten parsers and the mock binding,
// ~6 MB of resident memory the agent does not need. Loaded at the first open, not with this module:
// it brings the native binding, and the simulator, TCP links and other commands never use it.
import type { SerialPort } from 'serialport/dist/serialport.js';
import type { HardwareLogger } from '../logger.js';
import { FrameError, type LinkEventSink } from '../../protocol/framing/index.js';
import { backoffDelay } from '../../protocol/retry/backoff.js';
import {
  type FramingStats,
  frameStream,
  newStats,
  type StreamFraming,
  type StreamFramingOptions,
} from './stream-framing.js';

export type LinkState = 'opening' | 'open' | 'reconnecting' | 'closed';

export interface ReconnectOptions {
  /** Cap of the first retry delay in ms (backoffDelay draws from 0 up to it). Default 100. */
  minMs: number;
  /** Cap of the retry delay in ms. Default 5000. */
  maxMs: number;
}

export interface LinkStats extends FramingStats {
  opens: number;
  disconnects: number;
  bytesOut: number;
  writesDropped: number;
}

export interface Link {
  readonly state: LinkState;
  readonly stats: Readonly<LinkStats>;
  /** Where the link goes (device path or host:port), for logs and status. */
  readonly target: string;
  /** Subscribe to frames, events and rejects. Returns an unsubscribe function. */
  onEvent(cb: LinkEventSink): () => void;
  /** Subscribe to state changes. Returns an unsubscribe function. */
  onState(cb: (state: LinkState, reason: string | null) => void): () => void;
  /** Writes to the device if open; returns false (and counts a dropped write) otherwise. */
  write(buf: Buffer): boolean;
  /** Resolves once the link is open (or rejects with E_LINK_CLOSED if closed first, E_LINK_TIMEOUT after timeoutMs). */
  whenOpen(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A serialport 13 binding: the OS one (default) or @serialport/binding-mock's MockBinding. */
export type SerialBinding = (typeof SerialPort)['binding'] | (typeof SerialPortMock)['binding'];

export interface SerialLinkOptions extends StreamFramingOptions {
  path: string;
  baudRate: number;
  /** A serialport binding (e.g. @serialport/binding-mock's MockBinding); default the OS binding. */
  binding?: SerialBinding;
  logger: HardwareLogger;
  reconnect?: Partial<ReconnectOptions>;
}

export interface TcpLinkOptions extends StreamFramingOptions {
  host?: string;
  port: number;
  logger: HardwareLogger;
  reconnect?: Partial<ReconnectOptions>;
}

export class LinkError extends FrameError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'LinkError';
  }
}

interface Transport {
  target: string;
  /** Opens a fresh stream; rejects if it can't. */
  connect(): Promise<Duplex>;
  /** Closes a stream opened by connect. */
  disconnect(s: Duplex): Promise<void>;
  /** Optional: call `wake` when the device may have come back. Returns a stop function. */
  watch?(wake: () => void): () => void;
  /**
   * Optional, while open: call `gone` when the device has disappeared although the stream did not
   * say so (a hung-up tty can keep answering reads with 0 bytes instead of an error). Returns a
   * stop function.
   */
  watchGone?(gone: () => void): () => void;
}

class ReconnectingLink implements Link {
  state: LinkState = 'opening';
  readonly stats: LinkStats = { ...newStats(), opens: 0, disconnects: 0, bytesOut: 0, writesDropped: 0 };
  private readonly eventCbs: LinkEventSink[] = [];
  private readonly stateCbs: Array<(s: LinkState, r: string | null) => void> = [];
  private stream: Duplex | null = null;
  private framing: StreamFraming | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopWatch: (() => void) | null = null;
  private stopGone: (() => void) | null = null;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly dispatch: LinkEventSink;

  constructor(
    private readonly transport: Transport,
    private readonly framingOpts: StreamFramingOptions,
    private readonly log: HardwareLogger,
    reconnect: Partial<ReconnectOptions> = {},
  ) {
    this.minMs = reconnect.minMs ?? 100;
    this.maxMs = reconnect.maxMs ?? 5000;
    if (!(this.minMs > 0 && this.maxMs >= this.minMs))
      throw new LinkError('E_CONFIG', 'reconnect: need 0 < minMs <= maxMs');
    // HOT PATH: one closure, a plain loop over subscribers.
    const cbs = this.eventCbs;
    this.dispatch = (e) => {
      for (let i = 0; i < cbs.length; i++) cbs[i]!(e);
    };
    this.setState('opening', null);
    void this.tryOpen();
  }

  get target(): string {
    return this.transport.target;
  }

  onEvent(cb: LinkEventSink): () => void {
    this.eventCbs.push(cb);
    return () => {
      const i = this.eventCbs.indexOf(cb);
      if (i >= 0) this.eventCbs.splice(i, 1);
    };
  }

  onState(cb: (s: LinkState, r: string | null) => void): () => void {
    this.stateCbs.push(cb);
    return () => {
      const i = this.stateCbs.indexOf(cb);
      if (i >= 0) this.stateCbs.splice(i, 1);
    };
  }

  write(buf: Buffer): boolean {
    if (this.state !== 'open' || this.stream === null) {
      this.stats.writesDropped++;
      return false;
    }
    this.stats.bytesOut += buf.length;
    this.stream.write(buf);
    return true;
  }

  whenOpen(timeoutMs = 10_000): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        off();
        reject(new LinkError('E_LINK_TIMEOUT', `${this.target} not open after ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onState((s) => {
        if (s === 'open') {
          clearTimeout(t);
          off();
          resolve();
        } else if (s === 'closed') {
          clearTimeout(t);
          off();
          reject(new LinkError('E_LINK_CLOSED', `${this.target} closed`));
        }
      });
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.clearRetry();
    const s = this.stream;
    this.detach();
    this.setState('closed', 'close requested');
    if (s) await this.transport.disconnect(s).catch(() => {});
  }

  private setState(state: LinkState, reason: string | null): void {
    this.state = state;
    const level = state === 'reconnecting' ? 'warn' : 'info';
    this.log[level](
      { event: 'link_state', state, target: this.transport.target, reason, attempt: this.attempt },
      `link ${state}`,
    );
    for (const cb of [...this.stateCbs]) cb(state, reason);
  }

  private async tryOpen(): Promise<void> {
    let s: Duplex;
    try {
      s = await this.transport.connect();
    } catch (err) {
      if (this.state === 'closed') return;
      this.scheduleRetry(describe(err));
      return;
    }
    if (this.state === 'closed') {
      await this.transport.disconnect(s).catch(() => {});
      return;
    }
    this.stream = s;
    this.attempt = 0;
    this.stats.opens++;
    // resync after every (re)open: a fresh framer per stream
    this.framing = frameStream(s, this.framingOpts, this.dispatch, this.stats);
    const lost = (why: string) => {
      if (this.stream !== s) return;
      this.stats.disconnects++;
      this.detach();
      void this.transport.disconnect(s).catch(() => {});
      if (this.state !== 'closed') this.scheduleRetry(why);
    };
    s.on('close', (err?: Error | boolean | null) => lost(err instanceof Error ? describe(err) : 'closed'));
    s.on('end', () => lost('end of stream'));
    s.on('error', (err: Error) => lost(describe(err)));
    if (this.transport.watchGone) this.stopGone = this.transport.watchGone(() => lost('device removed'));
    this.setState('open', null);
  }

  private detach(): void {
    if (this.stopGone) this.stopGone();
    this.stopGone = null;
    if (this.framing) this.framing.detach();
    this.framing = null;
    this.stream = null;
  }

  private scheduleRetry(reason: string): void {
    const delay = backoffDelay(this.attempt++, this.minMs, this.maxMs);
    this.setState('reconnecting', reason);
    const go = () => {
      if (this.state !== 'reconnecting') return;
      this.clearRetry();
      this.setState('opening', null);
      void this.tryOpen();
    };
    this.timer = setTimeout(go, delay);
    if (this.transport.watch) this.stopWatch = this.transport.watch(go);
  }

  private clearRetry(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopWatch) this.stopWatch();
    this.stopWatch = null;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Watches a device path's directory; calls wake when an entry of that name appears. */
function watchPath(path: string, wake: () => void): () => void {
  let w: FSWatcher | null = null;
  try {
    const name = basename(path);
    w = watch(dirname(path), { persistent: false }, (_type, file) => {
      if (file === null || file === name) wake();
    });
    w.on('error', () => {});
  } catch {
    // directory gone too: the backoff timer still retries
  }
  return () => w?.close();
}

/** Opens a serial device and keeps it open (see the state machine above). */
export function openSerialLink(opts: SerialLinkOptions): Link {
  if (!opts.path) throw new LinkError('E_CONFIG', 'serial path is required');
  if (!Number.isInteger(opts.baudRate) || opts.baudRate <= 0)
    throw new LinkError('E_CONFIG', `bad baud rate ${opts.baudRate}`);
  const transport: Transport = {
    target: opts.path,
    connect: async () => {
      const { SerialPort } = await import('serialport/dist/serialport.js');
      return new Promise<Duplex>((resolve, reject) => {
        const base = { path: opts.path, baudRate: opts.baudRate, autoOpen: false };
        // SerialPort spreads the options over its default binding, so an injected binding wins
        // (its typings omit the option; the cast is only for that).
        const port = new SerialPort(
          opts.binding ? ({ ...base, binding: opts.binding } as typeof base) : base,
        );
        port.on('error', () => {}); // always listen; the link's own listener reports it
        port.open((err) => (err ? reject(err) : resolve(port)));
      });
    },
    disconnect: (s) =>
      new Promise<void>((resolve) => {
        const port = s as SerialPort;
        if (!port.isOpen) {
          port.destroy();
          resolve();
          return;
        }
        port.close(() => {
          port.destroy();
          resolve();
        });
      }),
    ...(opts.binding
      ? {}
      : {
          watch: (wake: () => void) => watchPath(opts.path, wake),
          watchGone: (gone: () => void) => {
            const check = () => {
              if (!existsSync(opts.path)) gone();
            };
            const stopWatch = watchPath(opts.path, check);
            const timer = setInterval(check, 1000); // fs.watch can miss events: a cheap stat each second
            timer.unref();
            return () => {
              stopWatch();
              clearInterval(timer);
            };
          },
        }),
  };
  return new ReconnectingLink(transport, opts, opts.logger, opts.reconnect);
}

/** Connects to a TCP server (e.g. `pos-agent simulate --tcp PORT`) and keeps reconnecting. */
export function openTcpLink(opts: TcpLinkOptions): Link {
  const host = opts.host ?? '127.0.0.1';
  const transport: Transport = {
    target: `${host}:${opts.port}`,
    // node:net loaded on the first connect: a serial or in-process link never needs it (start-up)
    connect: async () => {
      const { connect: netConnect } = await import('node:net');
      return new Promise<Duplex>((resolve, reject) => {
        const sock: Socket = netConnect({ host, port: opts.port });
        sock.setNoDelay(true);
        const onErr = (e: Error) => reject(e);
        sock.once('error', onErr);
        sock.once('connect', () => {
          sock.off('error', onErr);
          sock.on('error', () => {});
          resolve(sock);
        });
      });
    },
    disconnect: (s) =>
      new Promise<void>((resolve) => {
        if (s.destroyed) return resolve();
        s.once('close', () => resolve());
        s.destroy();
      }),
  };
  return new ReconnectingLink(transport, opts, opts.logger, opts.reconnect);
}
